#!/usr/bin/env node
import module from "node:module";

// Node ≥ 22.1 keeps compiled JavaScript between runs: a CLI that starts many times in CI loads
// faster. Enabled before main.js is imported, so that every chunk is compiled through the cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
const { main } = await import("./main.js");
process.exitCode = await main(process.argv.slice(2));
