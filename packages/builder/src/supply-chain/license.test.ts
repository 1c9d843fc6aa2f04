import { describe, expect, it } from "vitest";
import { spdxLicense } from "./license.js";
import { cargoPurl } from "./purl.js";

describe("spdxLicense", () => {
  it.each([
    ["MIT", "MIT"],
    ["MIT OR Apache-2.0", "MIT OR Apache-2.0"],
    ["MIT/Apache-2.0", "MIT OR Apache-2.0"],
    ["Apache-2.0 WITH LLVM-exception OR (MIT AND BSD-3-Clause)", "Apache-2.0 WITH LLVM-exception OR (MIT AND BSD-3-Clause)"],
    ["GPL-2.0+", "GPL-2.0+"],
    [null, "NOASSERTION"],
    ["", "NOASSERTION"],
    ["MIT or Apache", "NOASSERTION"],
    ["see LICENSE", "NOASSERTION"],
    ["(MIT", "NOASSERTION"],
    ["MIT AND", "NOASSERTION"],
  ])("%j → %s", (license, expected) => {
    expect(spdxLicense(license)).toBe(expected);
  });
});

describe("cargoPurl", () => {
  it("is plain for crates.io, qualified for other registries and git, absent for a path", () => {
    expect(cargoPurl("serde", "1.0.0", { kind: "registry", url: "https://github.com/rust-lang/crates.io-index", cratesIo: true })).toBe("pkg:cargo/serde@1.0.0");
    expect(cargoPurl("x", "1.0.0", { kind: "registry", url: "https://my.registry/index", cratesIo: false })).toBe("pkg:cargo/x@1.0.0?repository_url=https://my.registry/index");
    expect(cargoPurl("x", "1.0.0-rc.1+b", { kind: "git", url: "https://github.com/o/x", rev: "abc" })).toBe("pkg:cargo/x@1.0.0-rc.1%2Bb?vcs_url=git%2Bhttps://github.com/o/x%40abc");
    expect(cargoPurl("x", "1.0.0", { kind: "path" })).toBeUndefined();
  });
});
