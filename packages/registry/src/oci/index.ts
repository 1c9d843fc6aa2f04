export * from "./media-types.js";
export * from "./digest.js";
export * from "./platform.js";
export * from "./descriptor.js";
export * from "./manifest.js";
export * from "./config.js";
export * from "./reference.js";
