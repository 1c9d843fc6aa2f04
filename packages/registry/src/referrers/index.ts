export { ArtifactType, EMPTY_CONFIG, artifactDescriptor, createArtifact, fallbackTag, referrerDescriptor, subjectOf, type Artifact, type ArtifactFile } from "./artifact.js";
export { attachInLayout, layoutReferrers, pruneLayoutReferrers } from "./layout-referrers.js";
export { listReferrers, pushReferrers, type ReferrersList, type ReferrersVia } from "./remote-referrers.js";
export { pullReferrers } from "./pull-referrers.js";
