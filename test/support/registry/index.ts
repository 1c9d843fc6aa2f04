export { freePort } from "./free-port.js";
export { startRegistry, startRegistryFixture, type RegistryAuth, type RegistryFixture, type RunningRegistry } from "./registry-process.js";
export { startTokenRegistry, type TokenRegistry } from "./token-registry.js";
export { startTokenIssuer, type IssuerControls, type TokenIssuer, type TokenIssuerOptions, type TokenRequestRecord } from "./token-issuer.js";
export { startFaultProxy, type Fault, type FaultProxy, type SeenRequest } from "./fault-proxy.js";
export { skopeoCopy, skopeoDigest, layoutDigest } from "./skopeo.js";
export { writeTestImage, writeTestIndex, type TestImage, type TestImageOptions } from "./image-fixture.js";
export { run } from "./run.js";
export { findCrane, startCraneRegistry } from "./crane-registry.js";
