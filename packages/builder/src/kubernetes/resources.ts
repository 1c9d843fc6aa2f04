import { WasmpackError } from "@wasmpack/registry/errors";
import type { ResourceList, ResourceRequirements } from "./kubernetes-objects.js";

/**
 * Sized for a Wasm service, which needs a fraction of a container's memory: the module, its
 * linear memory and the engine (issue 4).
 */
const DEFAULT_RESOURCES: ResourceRequirements = {
  requests: { cpu: "50m", memory: "32Mi" },
  limits: { cpu: "200m", memory: "64Mi" },
};

export interface ResourceOverrides {
  requests?: Partial<ResourceList>;
  limits?: Partial<ResourceList>;
}

// apimachinery `resource.Quantity`: a signed decimal number with an optional suffix.
const QUANTITY = /^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?[0-9]+)?$/;

export function resolveResources(overrides: ResourceOverrides = {}): ResourceRequirements {
  const merge = (side: "requests" | "limits"): ResourceList => {
    const list = { ...DEFAULT_RESOURCES[side], ...definedOnly(overrides[side]) };
    for (const [key, value] of Object.entries(list)) {
      if (!QUANTITY.test(value)) {
        throw new WasmpackError("usage", "K8S_QUANTITY_INVALID", `${side} ${key} ${JSON.stringify(value)} is not a Kubernetes quantity (e.g. 64Mi, 200m)`);
      }
    }
    return { cpu: list.cpu, memory: list.memory };
  };
  const resources = { requests: merge("requests"), limits: merge("limits") };
  for (const key of ["cpu", "memory"] as const) {
    // The API server rejects a request above its limit; say so before anything is applied.
    if (quantityValue(resources.requests[key]) > quantityValue(resources.limits[key])) {
      throw new WasmpackError("usage", "K8S_QUANTITY_INVALID", `${key} request ${resources.requests[key]} is above its limit ${resources.limits[key]}`);
    }
  }
  return resources;
}

const SUFFIX: Record<string, number> = {
  "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The numeric value of a quantity that matched QUANTITY, close enough to compare two of them. */
function quantityValue(quantity: string): number {
  const match = /^([+]?[0-9.]+)(.*)$/.exec(quantity);
  const [, number = "0", suffix = ""] = match ?? [];
  const scale = SUFFIX[suffix] ?? (/^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : 1);
  return Number(number) * scale;
}

function definedOnly(list: Partial<ResourceList> | undefined): Partial<ResourceList> {
  return Object.fromEntries(Object.entries(list ?? {}).filter(([, v]) => v !== undefined));
}
