import packageJson from "../package.json" with { type: "json" };

/** wasmpack's version, from its package.json (bundled in). */
export const VERSION: string = packageJson.version;
