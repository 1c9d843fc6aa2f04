import { Annotation } from "@wasmpack/registry/oci";
import { sharesProcessNamespace } from "./pod-template.js";
import type { ResolvedWorkload } from "./workload-options.js";

/**
 * What the nodes need for these manifests to run, as lines for people (the CLI prints them on
 * stderr). Facts from formats.md §1 and containerd-wasm-platform.md (TL;DR, Table B).
 */
export function deploymentNotes(workload: ResolvedWorkload): string[] {
  const notes: string[] = [];
  const label = Object.entries(workload.nodeSelector)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  notes.push(`pods select nodes labelled ${label}: kubectl label node NODE ${label}`);

  if (workload.runtime === "wasmedge") {
    notes.push(
      `the pod carries ${Annotation.WasmVariant}=${workload.variant} (image annotations never reach crun); ` +
        "nodes must let it through: CRI-O ≥ 1.30 allowed_annotations, containerd pod_annotations (wasmpack node-config --runtime wasmedge)",
    );
  }

  if (sharesProcessNamespace(workload.runtime)) {
    notes.push(
      "the pod sets shareProcessNamespace: true: crun runs the module as PID 1 of its own PID namespace, where a Wasm module (no signal handler) ignores SIGTERM " +
        "and every stop waits out terminationGracePeriodSeconds before SIGKILL; with the pause process as PID 1 SIGTERM ends it at once (measured: 10 s and exit 137 → 0.035 s and exit 143)",
    );
  } else {
    notes.push(
      `${workload.runtime === "spin" ? "containerd-shim-spin" : "runwasi's wasmtime shim"} runs the module in a container process of its own; whether it stops on SIGTERM was not measured, ` +
        "so shareProcessNamespace is not set: if its pods take terminationGracePeriodSeconds to stop, add shareProcessNamespace: true to the pod spec",
    );
  }

  const kind = workload.imageKind;
  const rootfs = kind === undefined || kind === "compat" || kind === "compat-smart" || kind === "spin-layout";
  if (rootfs) {
    notes.push(
      "this image is a rootfs layout (tar layers): containerd ≥ 2.3 pulls it but does not unpack a wasi/wasm image by default, " +
        'and the pod fails with "parent snapshot … does not exist"; set use_local_image_pull = true under ' +
        '[plugins."io.containerd.cri.v1.images"] (wasmpack node-config --containerd-version 2.3). containerd 2.0–2.2 and CRI-O need nothing',
    );
  }
  if (workload.runtime === "spin" && kind !== "spin-artifact") {
    notes.push("a Spin OCI artifact (spin registry push) needs no unpack at all and runs on containerd 2.3+ unchanged");
  }
  if (kind === "wasm-artifact") {
    notes.push("this image's raw wasm layer is never unpacked; runwasi reads it on containerd 2.0+, 1.7.7+ or 1.6.25+");
  }
  if (kind === "spin-artifact") {
    notes.push("this Spin OCI artifact needs no unpack; containerd ≥ 1.7.7 hands its layers to containerd-shim-spin");
  }
  return notes;
}
