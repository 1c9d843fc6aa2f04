export { classifyImage, type ImageKind } from "./classify-image.js";
export type { ImageContents, ImageFileEntry } from "./image-contents.js";
export { imageContentsFromLayout, openLayoutImage, type LayoutImage } from "./layout-contents.js";
export { imageContentsFromPlan } from "./plan-contents.js";
export { imageServing, verifyImage, type VerifyOptions } from "./verify-image.js";
export { PROGRAM_WHY, WORKLOAD_KINDS, isWorkloadKind, spinAppServing, type Serving, type WorkloadKind } from "./serving.js";
export { assertVerified, type VerifyCheck, type VerifyReport } from "./verify-report.js";
export { runtimesForKind } from "./runtime-fit-checks.js";
