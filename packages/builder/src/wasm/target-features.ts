import { CUSTOM_SECTION_ID, readSections, sectionReader } from "./sections.js";

/**
 * The features a module was compiled with, from its `target_features` custom section (tool
 * conventions `Linking.md`: a vector of prefix byte and feature name; `+` means used). wasm-ld
 * writes it; undefined when the module has none.
 */
export function targetFeatures(bytes: Uint8Array, what: string): string[] | undefined {
  const section = readSections(bytes, what).find((s) => s.id === CUSTOM_SECTION_ID && s.name === "target_features");
  if (!section) return undefined;
  const reader = sectionReader(bytes, section, what);
  reader.name(); // "target_features"
  const count = reader.u32();
  const used: string[] = [];
  for (let i = 0; i < count; i++) {
    const prefix = reader.u8();
    const name = reader.name();
    if (prefix === 0x2b /* + */) used.push(name);
  }
  return used;
}
