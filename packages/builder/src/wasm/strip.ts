import { CUSTOM_SECTION_ID, PREAMBLE_SIZE, readSections } from "./sections.js";

/**
 * Custom sections that carry meaning and so survive stripping:
 * - `component-type*`: the WIT types wit-bindgen embeds in a core module; Spin and
 *   `componentNew` need them to turn the module into a component;
 * - `dylink.0`: the dynamic-linking metadata of a shared-everything module.
 */
function keepsCustomSection(name: string): boolean {
  return name.startsWith("component-type") || name === "dylink.0";
}

/**
 * Removes the top-level custom sections (`name`, `producers`, `target_features`, `.debug_*`,
 * `sourceMappingURL`…) of a module or component. Every other section is copied byte for byte, so
 * code and data are untouched. Modules nested in a component keep theirs.
 */
export function stripCustomSections(bytes: Uint8Array, what: string): Uint8Array {
  const kept = readSections(bytes, what).filter((s) => s.id !== CUSTOM_SECTION_ID || keepsCustomSection(s.name ?? ""));
  const size = PREAMBLE_SIZE + kept.reduce((sum, s) => sum + (s.end - s.start), 0);
  const out = new Uint8Array(size);
  out.set(bytes.subarray(0, PREAMBLE_SIZE), 0);
  let offset = PREAMBLE_SIZE;
  for (const section of kept) {
    out.set(bytes.subarray(section.start, section.end), offset);
    offset += section.end - section.start;
  }
  return out;
}
