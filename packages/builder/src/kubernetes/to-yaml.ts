import { stringify } from "yaml";
import type { KubernetesObject } from "./kubernetes-objects.js";

/** Multi-document YAML, one document per object, for `kubectl apply -f`. */
export function toYaml(objects: readonly KubernetesObject[]): string {
  // lineWidth 0: never fold a long value (an image digest) across lines. No anchors either: the
  // pod template shares its labels object with the Deployment, and `&a1`/`*a1` would hide that.
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })}`).join("");
}
