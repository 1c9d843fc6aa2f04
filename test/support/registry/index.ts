export { freePort } from "./free-port.js";
export { startRegistry, startRegistryFixture, type RegistryAuth, type RegistryFixture, type RunningRegistry } from "./registry-process.js";
export { startTokenRegistry, type TokenRegistry } from "./token-registry.js";
export type { IssuerControls, TokenIssuer, TokenIssuerOptions, TokenRequestRecord } from "./token-issuer.js";
export { listenOnLoopback, startFaultProxy, type Fault, type FaultProxy, type SeenRequest } from "./fault-proxy.js";
export { skopeoCopy, skopeoDigest, layoutDigest } from "../judges.js";
export { writeTestImage, writeTestIndex, type TestImage, type TestImageOptions } from "./image-fixture.js";
// packages/registry/test/push-pull-open.test.ts runs umoci with it.
export { runOk as run } from "../cli.js";
export { findCrane, startCraneRegistry } from "./crane-registry.js";
export { findReferrersRegistry, startReferrersRegistry } from "./referrers-registry.js";
