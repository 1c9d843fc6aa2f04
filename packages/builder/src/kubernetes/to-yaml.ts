import { Document, isMap, isScalar } from "yaml";
import type { KubernetesObject } from "./kubernetes-objects.js";

/**
 * Comments written above a field of the pod spec, for whoever reads or edits the YAML: why a
 * setting that looks optional must stay. `kubectl apply` ignores them.
 */
const POD_SPEC_COMMENTS: Record<string, string> = {
  shareProcessNamespace:
    " The pause process, not the Wasm module, is PID 1: as PID 1 the module (no signal handler)\n" +
    " ignores SIGTERM, and every stop would wait terminationGracePeriodSeconds for SIGKILL.",
};

/** Multi-document YAML, one document per object, for `kubectl apply -f`. */
export function toYaml(objects: readonly KubernetesObject[]): string {
  // lineWidth 0: never fold a long value (an image digest) across lines. No anchors either: the
  // pod template shares its labels object with the Deployment, and `&a1`/`*a1` would hide that.
  return objects
    .map((object) => {
      const document = new Document(object, { aliasDuplicateObjects: false });
      if (object.kind === "Deployment" || object.kind === "Job") {
        const podSpec = document.getIn(["spec", "template", "spec"], true);
        if (isMap(podSpec)) {
          for (const pair of podSpec.items) {
            const comment = isScalar(pair.key) ? POD_SPEC_COMMENTS[String(pair.key.value)] : undefined;
            if (comment && isScalar(pair.key)) pair.key.commentBefore = comment;
          }
        }
      }
      return `---\n${document.toString({ lineWidth: 0 })}`;
    })
    .join("");
}
