// Validates generated objects against the Kubernetes API schema, the way `kubectl apply
// --validate=strict` does: every field must exist in the schema, not only have the right type.
//
// kubernetes-models' validators (AJV, compiled from the API's OpenAPI document) check types,
// enums and required fields but let unknown fields through: the OpenAPI schema does not say
// `additionalProperties: false`. A validator reads exactly the properties its schema knows,
// so the object is validated a second time through a Proxy that records every property read;
// any field the validator never looked at is unknown to the API.
import { Deployment } from "kubernetes-models/apps/v1";
import { Job } from "kubernetes-models/batch/v1";
import { RuntimeClass } from "kubernetes-models/node.k8s.io/v1";
import { Service } from "kubernetes-models/v1";

interface ModelClass {
  new (data: never): { validate(): void; toJSON(): unknown };
  prototype: { validate(this: unknown): void };
}

const MODELS: Record<string, ModelClass> = {
  "apps/v1/Deployment": Deployment as unknown as ModelClass,
  "batch/v1/Job": Job as unknown as ModelClass,
  "v1/Service": Service as unknown as ModelClass,
  "node.k8s.io/v1/RuntimeClass": RuntimeClass as unknown as ModelClass,
};

/** Throws when `object` breaks the schema or holds a field the schema does not define. */
export function validateStrict(object: { apiVersion: string; kind: string }): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  const model = new Model(object as never);
  model.validate();
  const data = model.toJSON();
  const read = new Set<string>();
  const track = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== "object") return value;
    return new Proxy(value, {
      get(target, key, receiver) {
        const child: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== "string" || !Object.hasOwn(target, key)) return child;
        read.add(`${path}/${key}`);
        return track(child, `${path}/${key}`);
      },
    });
  };
  Model.prototype.validate.call(track(data, ""));
  const unknown: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value)) {
      const at = `${path}/${key}`;
      if (read.has(at)) walk(child, at);
      else unknown.push(at);
    }
  };
  walk(data, "");
  if (unknown.length > 0) throw new Error(`${object.kind}: unknown field(s) ${unknown.join(", ")}`);
}
