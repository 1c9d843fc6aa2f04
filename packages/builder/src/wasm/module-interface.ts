import { readSections, sectionReader, type ByteReader } from "./sections.js";

const IMPORT_SECTION_ID = 2;
const EXPORT_SECTION_ID = 7;

export interface ModuleImport {
  module: string;
  name: string;
}

/** The imports of a core module, in order (core spec §5.5.5). */
export function moduleImports(bytes: Uint8Array, what: string): ModuleImport[] {
  const imports: ModuleImport[] = [];
  for (const section of readSections(bytes, what).filter((s) => s.id === IMPORT_SECTION_ID)) {
    const reader = sectionReader(bytes, section, what);
    const count = reader.u32();
    for (let i = 0; i < count; i++) {
      const module = reader.name();
      const name = reader.name();
      skipImportDescription(reader);
      imports.push({ module, name });
    }
  }
  return imports;
}

/** The export names of a core module (core spec §5.5.10). */
export function moduleExports(bytes: Uint8Array, what: string): string[] {
  const exports: string[] = [];
  for (const section of readSections(bytes, what).filter((s) => s.id === EXPORT_SECTION_ID)) {
    const reader = sectionReader(bytes, section, what);
    const count = reader.u32();
    for (let i = 0; i < count; i++) {
      exports.push(reader.name());
      reader.u8(); // kind
      reader.u32(); // index
    }
  }
  return exports;
}

function skipImportDescription(reader: ByteReader): void {
  const kind = reader.u8();
  switch (kind) {
    case 0x00: // function: type index
      reader.u32();
      return;
    case 0x01: // table: reference type, limits
      skipValueType(reader);
      skipLimits(reader);
      return;
    case 0x02: // memory: limits
      skipLimits(reader);
      return;
    case 0x03: // global: value type, mutability
      skipValueType(reader);
      reader.u8();
      return;
    case 0x04: // tag: attribute, type index
      reader.u8();
      reader.u32();
      return;
    default:
      reader.fail(`unknown import kind 0x${kind.toString(16)}`);
  }
}

/** Value types are one byte, except the GC proposal's `(ref null? ht)` forms followed by a heap type. */
function skipValueType(reader: ByteReader): void {
  const type = reader.u8();
  if (type === 0x63 || type === 0x64) reader.skipLeb();
}

/** Limits: a flags byte (bit 0: has maximum), then the minimum and maybe the maximum (u32 or u64). */
function skipLimits(reader: ByteReader): void {
  const flags = reader.u8();
  reader.skipLeb();
  if (flags & 1) reader.skipLeb();
}
