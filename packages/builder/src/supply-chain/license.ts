/** What SPDX writes for a license that is not known or not stated. */
export const NOASSERTION = "NOASSERTION";

const OPERATOR = /^(AND|OR|WITH)$/;
const ID = /^(LicenseRef-|DocumentRef-[A-Za-z0-9.-]+:LicenseRef-)?[A-Za-z0-9][A-Za-z0-9.-]*\+?$/;

/**
 * A Cargo.toml `license` as an SPDX license expression (https://spdx.github.io/spdx-spec/v2.3/SPDX-license-expressions/).
 * Cargo's old `MIT/Apache-2.0` form means OR (as crates.io reads it). A `license-file` only, no
 * license, or anything that does not parse as an expression is NOASSERTION: an SBOM must not guess.
 */
export function spdxLicense(license: string | null | undefined): string {
  if (!license?.trim()) return NOASSERTION;
  const expression = license.trim().split(/\s*\/\s*/).join(" OR ");
  return isExpression(expression) ? expression : NOASSERTION;
}

function isExpression(text: string): boolean {
  const tokens = text.replace(/([()])/g, " $1 ").split(/\s+/).filter(Boolean);
  let depth = 0;
  let wantOperand = true;
  let afterWith = false;
  for (const token of tokens) {
    if (token === "(") {
      if (!wantOperand || afterWith) return false;
      depth++;
    } else if (token === ")") {
      if (wantOperand || --depth < 0) return false;
    } else if (OPERATOR.test(token)) {
      if (wantOperand) return false;
      wantOperand = true;
      afterWith = token === "WITH";
    } else {
      if (!wantOperand || !ID.test(token) || /^(and|or|with)$/i.test(token)) return false;
      wantOperand = false;
      afterWith = false;
    }
  }
  return depth === 0 && !wantOperand;
}
