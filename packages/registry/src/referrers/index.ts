export { ArtifactType, EMPTY_CONFIG, artifactDescriptor, createArtifact, fallbackTag, referrerDescriptor, type Artifact, type ArtifactFile } from "./artifact.js";
export { attachInLayout, layoutArtifacts, layoutReferrers } from "./layout-referrers.js";
export { listReferrers, planReferrers, pushReferrers, type ReferrersList, type ReferrersPlan, type ReferrersVia } from "./remote-referrers.js";
export { pullReferrers } from "./pull-referrers.js";
