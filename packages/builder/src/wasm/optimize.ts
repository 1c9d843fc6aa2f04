import { WasmpackError } from "@wasmpack/registry/errors";
import { targetFeatures } from "./target-features.js";

type Binaryen = (typeof import("binaryen"))["default"];

/** LLVM feature names (as in `target_features`) and the Binaryen flags they enable. */
const FEATURE_FLAGS: Record<string, (f: Binaryen["Features"]) => number> = {
  atomics: (f) => f.Atomics,
  "mutable-globals": (f) => f.MutableGlobals,
  "nontrapping-fptoint": (f) => f.NontrappingFPToInt,
  simd128: (f) => f.SIMD128,
  "bulk-memory": (f) => f.BulkMemory | f.BulkMemoryOpt,
  "bulk-memory-opt": (f) => f.BulkMemoryOpt,
  "sign-ext": (f) => f.SignExt,
  "exception-handling": (f) => f.ExceptionHandling,
  "tail-call": (f) => f.TailCall,
  "reference-types": (f) => f.ReferenceTypes,
  multivalue: (f) => f.Multivalue,
  gc: (f) => f.GC,
  memory64: (f) => f.Memory64,
  "relaxed-simd": (f) => f.RelaxedSIMD,
  "extended-const": (f) => f.ExtendedConst,
  multimemory: (f) => f.MultiMemory,
  "call-indirect-overlong": (f) => f.CallIndirectOverlong,
  fp16: (f) => f.FP16,
};

/**
 * Runs Binaryen's `-Os` pipeline (optimize level 2, shrink level 1, as `wasm-opt -Os`) on a core
 * module. The optimizer may only use the features the module was compiled with (its
 * `target_features` section), so the result runs wherever the input did; without that section,
 * MVP plus mutable globals and sign extension, Binaryen's long-standing default.
 */
export async function optimizeModule(bytes: Uint8Array, what: string): Promise<Uint8Array> {
  const binaryen = await loadBinaryen();
  const names = targetFeatures(bytes, what) ?? ["mutable-globals", "sign-ext"];
  const features = names.reduce((set, name) => set | (FEATURE_FLAGS[name]?.(binaryen.Features) ?? 0), binaryen.Features.MVP);
  let module;
  try {
    module = binaryen.readBinaryWithFeatures(bytes, features);
  } catch (cause) {
    throw new WasmpackError("input", "OPTIMIZE_FAILED", `binaryen cannot read ${what}`, { cause });
  }
  try {
    module.setFeatures(features);
    if (!module.validate()) {
      throw new WasmpackError("input", "OPTIMIZE_FAILED", `binaryen does not accept ${what} with the features ${names.join(", ") || "of MVP"}; build without --optimize`);
    }
    binaryen.setOptimizeLevel(2);
    binaryen.setShrinkLevel(1);
    binaryen.setDebugInfo(false);
    module.optimize();
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}

/** The published package leaves Binaryen (93 MB) out; the user adds it to use --optimize. */
export const BINARYEN_VERSION = "130.0.0";

export async function loadBinaryen(): Promise<Binaryen> {
  try {
    return (await import("binaryen")).default;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw cause;
    throw new WasmpackError("toolchain", "BINARYEN_MISSING", `--optimize needs binaryen: npm i -D binaryen@${BINARYEN_VERSION}`, { cause });
  }
}
