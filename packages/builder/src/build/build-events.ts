import type { Toolchain } from "../toolchain/index.js";

/** What a build reports while it runs; the CLI decides how to show it. */
export type BuildEvent =
  | { type: "toolchain"; toolchain: Toolchain }
  | { type: "command"; component: string; command: string }
  | { type: "output"; line: string }
  | { type: "wasm"; name: string; step: "optimize" | "component" }
  | { type: "verified"; format: string; runtime: string; checks: number };
