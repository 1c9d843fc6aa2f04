// Reads a module's function imports with their types from the binary: the JS API
// (WebAssembly.Module.imports) gives names and kinds but not signatures. Only the type (1) and
// import (2) sections are decoded (WebAssembly core spec, "Binary Format" → "Modules").

export type ValueType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";

export interface Signature {
  params: ValueType[];
  results: ValueType[];
}

export interface FunctionImport {
  module: string;
  name: string;
  signature: Signature;
}

const VALUE_TYPES: Record<number, ValueType> = {
  0x7f: "i32",
  0x7e: "i64",
  0x7d: "f32",
  0x7c: "f64",
  0x7b: "v128",
  0x70: "funcref",
  0x6f: "externref",
};

const SECTION_TYPE = 1;
const SECTION_IMPORT = 2;

export function functionImports(bytes: Uint8Array): FunctionImport[] {
  const r = new Reader(bytes);
  if (r.u32le() !== 0x6d736100 || r.u32le() !== 1) throw new Error("not a wasm core module");

  let types: Signature[] = [];
  while (!r.done()) {
    const id = r.byte();
    const size = r.uleb();
    const end = r.pos + size;
    if (id === SECTION_TYPE) types = r.vec(() => readFuncType(r));
    if (id === SECTION_IMPORT) return r.vec(() => readImport(r, types)).filter((i) => i !== undefined);
    r.pos = end;
  }
  return [];
}

function readFuncType(r: Reader): Signature {
  if (r.byte() !== 0x60) throw new Error("unsupported type form (not a function type)");
  return { params: r.vec(() => r.valueType()), results: r.vec(() => r.valueType()) };
}

function readImport(r: Reader, types: Signature[]): FunctionImport | undefined {
  const module = r.name();
  const name = r.name();
  const kind = r.byte();
  switch (kind) {
    case 0: {
      const signature = types[r.uleb()];
      if (!signature) throw new Error(`import ${module}.${name} names a missing type`);
      return { module, name, signature };
    }
    case 1: // table: reftype, limits
      r.byte();
      r.limits();
      return undefined;
    case 2: // memory: limits
      r.limits();
      return undefined;
    case 3: // global: valtype, mutability
      r.valueType();
      r.byte();
      return undefined;
    default:
      throw new Error(`unsupported import kind ${kind} for ${module}.${name}`);
  }
}

class Reader {
  pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.pos >= this.bytes.length;
  }

  byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw new Error("unexpected end of module");
    return b;
  }

  u32le(): number {
    const v = this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24);
    return v >>> 0;
  }

  uleb(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new Error("LEB128 number too long");
  }

  vec<T>(item: () => T): T[] {
    const count = this.uleb();
    return Array.from({ length: count }, item);
  }

  name(): string {
    const length = this.uleb();
    const text = new TextDecoder("utf-8", { fatal: true }).decode(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return text;
  }

  valueType(): ValueType {
    const code = this.byte();
    const type = VALUE_TYPES[code];
    if (!type) throw new Error(`unknown value type 0x${code.toString(16)}`);
    return type;
  }

  limits(): void {
    const flags = this.byte();
    this.uleb();
    if (flags & 1) this.uleb();
  }
}
