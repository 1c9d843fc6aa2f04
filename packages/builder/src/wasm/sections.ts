import { WasmpackError } from "@wasmpack/registry/errors";
import { wasmKind } from "./wasm-header.js";

/** The 8-byte preamble (`\0asm` + version or layer) that starts every module and component. */
export const PREAMBLE_SIZE = 8;
export const CUSTOM_SECTION_ID = 0;

/**
 * One section of a module or component binary. Both use the same framing: an id byte, a
 * LEB128 u32 content size, the content (WebAssembly core spec §5.5.2; component model
 * `Binary.md`). Custom sections (id 0) start their content with a name.
 */
export interface WasmSection {
  id: number;
  /** Offset of the id byte. */
  start: number;
  /** Offset of the content, just past the size. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
  /** Custom sections only. */
  name?: string;
}

/** Reads LEB128 integers, names and bytes from a slice of a binary, failing with the byte offset. */
export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    public offset: number,
    readonly end: number,
    readonly what: string,
  ) {}

  get done(): boolean {
    return this.offset >= this.end;
  }

  u8(): number {
    if (this.offset >= this.end) this.fail("unexpected end");
    return this.bytes[this.offset++]!;
  }

  /** An unsigned LEB128 of at most 32 bits. */
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.u8();
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) {
        if (result > 0xffffffff) this.fail("integer too large");
        return result;
      }
    }
    return this.fail("integer too long");
  }

  /** Skips a LEB128 of any width (u64 limits, s33 heap types) whose value is not needed. */
  skipLeb(): void {
    for (let i = 0; i < 10; i++) if ((this.u8() & 0x80) === 0) return;
    this.fail("integer too long");
  }

  skip(count: number): void {
    if (this.offset + count > this.end) this.fail("unexpected end");
    this.offset += count;
  }

  name(): string {
    const length = this.u32();
    const start = this.offset;
    this.skip(length);
    return new TextDecoder("utf-8", { fatal: true }).decode(this.bytes.subarray(start, start + length));
  }

  fail(why: string): never {
    throw new WasmpackError("input", "WASM_MALFORMED", `${this.what} is not a well-formed WebAssembly binary: ${why} at byte ${this.offset}`);
  }
}

/** The sections of a module or component, in order, without reading their content. */
export function readSections(bytes: Uint8Array, what: string): WasmSection[] {
  if (!wasmKind(bytes.subarray(0, PREAMBLE_SIZE))) {
    throw new WasmpackError("input", "NOT_WASM", `${what} is not a WebAssembly binary (no \\0asm header)`);
  }
  const reader = new ByteReader(bytes, PREAMBLE_SIZE, bytes.byteLength, what);
  const sections: WasmSection[] = [];
  while (!reader.done) {
    const start = reader.offset;
    const id = reader.u8();
    const size = reader.u32();
    const contentStart = reader.offset;
    reader.skip(size);
    const section: WasmSection = { id, start, contentStart, end: reader.offset };
    if (id === CUSTOM_SECTION_ID) section.name = new ByteReader(bytes, contentStart, section.end, what).name();
    sections.push(section);
  }
  return sections;
}

/** A reader over one section's content. */
export function sectionReader(bytes: Uint8Array, section: WasmSection, what: string): ByteReader {
  return new ByteReader(bytes, section.contentStart, section.end, what);
}
