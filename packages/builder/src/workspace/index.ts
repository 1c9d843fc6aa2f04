export { findWorkspaceRoot, readWorkspace, type Workspace, type WorkspaceMember } from "./read-workspace.js";
export { buildWorkspace, listWorkspaceServices, planWorkspace, type Service as WorkspaceService, type ServiceOutcome, type WorkspaceBuildOptions, type WorkspaceBuildResult } from "./build-workspace.js";
export { buildProjects, type ProjectsBuildOptions } from "./build-projects.js";
