import { YAML } from "../support/builder-deps.js";
import { describe, expect, it } from "vitest";
import { generateManifests, toYaml, type Deployment, type Job, type KubernetesObject, type RuntimeClass, type Service, type WorkloadOptions } from "@wasmpack/builder";
import { validateStrict } from "./strict-schema.js";

const DIGEST = "sha256:373223b4721a596a5278d0400eab5a416dc77dfe8709c499ec5cbf0a155991aa";
const IMAGE = `ghcr.io/acme/wasmedge-http@${DIGEST}`;

function generate(options: Partial<WorkloadOptions> = {}) {
  return generateManifests({ image: IMAGE, runtime: "wasmedge", name: "wasmedge-http", ...options });
}
const only = <K extends KubernetesObject["kind"]>(objects: KubernetesObject[], kind: K) => {
  const found = objects.filter((o) => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Extract<KubernetesObject, { kind: K }>;
};
const deploymentOf = (objects: KubernetesObject[]) => only(objects, "Deployment") as Deployment;
const serviceOf = (objects: KubernetesObject[]) => only(objects, "Service") as Service;
const containerOf = (objects: KubernetesObject[]) => deploymentOf(objects).spec.template.spec.containers[0]!;

const VARIATIONS: [string, Partial<WorkloadOptions>][] = [
  ["wasmedge defaults", {}],
  ["wasmedge, every option", { variant: "compat", namespace: "edge", version: "1.2.3", replicas: 1, port: 3000, service: { type: "NodePort", nodePort: 31001 }, nodeSelector: { "example.com/wasm": "yes" }, runtimeClass: "crun", health: "/health", resources: { limits: { memory: "128Mi" } } }],
  ["spin", { runtime: "spin", name: "spin-hello", health: "/" }],
  ["spin with an existing RuntimeClass", { runtime: "spin", name: "spin-hello", runtimeClass: "wasmtime-spin-v2", namespace: "apps" }],
  ["wasmtime", { runtime: "wasmtime", name: "hello", service: { type: "NodePort" } }],
  ["wasmedge job", { kind: "job", variant: "compat", namespace: "batch", version: "0.1.0" }],
  ["wasmtime job of a Wasm artifact", { runtime: "wasmtime", name: "hello", kind: "job", backoffLimit: 0, imageKind: "wasm-artifact", resources: { limits: { memory: "128Mi" } } }],
  ["spin job with an existing RuntimeClass", { runtime: "spin", name: "spin-hello", kind: "job", runtimeClass: "wasmtime-spin-v2" }],
];

describe("generateManifests: Kubernetes API schema", () => {
  it.each(VARIATIONS)("%s: every object validates strictly and the YAML round-trips", (_, options) => {
    const { objects } = generate(options);
    for (const object of objects) validateStrict(object);
    const yaml = toYaml(objects);
    const documents = YAML.parseAllDocuments(yaml);
    expect(Array.isArray(documents)).toBe(true);
    const parsed = (documents as { errors: unknown[]; toJS(): unknown }[]).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS();
    });
    expect(parsed).toEqual(objects);
    expect(yaml).not.toMatch(/[&*]a\d/); // no YAML anchors or aliases
  });

  it("proves the strict check rejects unknown fields and wrong types, so passing it means something", () => {
    const deployment = structuredClone(deploymentOf(generate().objects)) as unknown as Record<string, any>;
    deployment.spec.template.spec.containers[0].securityContext.capabilities.adds = ["NET_ADMIN"];
    expect(() => validateStrict(deployment as never)).toThrow("unknown field(s) /spec/template/spec/containers/0/securityContext/capabilities/adds");

    const typo = structuredClone(serviceOf(generate().objects)) as unknown as Record<string, any>;
    typo.spec.port = 80; // belongs in spec.ports[]
    expect(() => validateStrict(typo as never)).toThrow("unknown field(s) /spec/port");

    const wrongType = structuredClone(deploymentOf(generate().objects)) as unknown as Record<string, any>;
    wrongType.spec.replicas = "three";
    expect(() => validateStrict(wrongType as never)).toThrow(/replicas/);

    const runtimeClass = { apiVersion: "node.k8s.io/v1", kind: "RuntimeClass", metadata: { name: "spin" } }; // no handler
    expect(() => validateStrict(runtimeClass)).toThrow(/handler/);
  });
});

describe("generateManifests: WasmEdge", () => {
  it("puts the image's variant on the pod, which is where crun reads it", () => {
    for (const variant of ["compat", "compat-smart"] as const) {
      const template = deploymentOf(generate({ variant }).objects).spec.template;
      expect(template.metadata.annotations).toEqual({ "module.wasm.image/variant": variant });
    }
    expect(deploymentOf(generate().objects).spec.template.metadata.annotations).toEqual({ "module.wasm.image/variant": "compat-smart" });
  });

  it("selects wasmedge nodes, listens on 8080, and names a RuntimeClass only when asked", () => {
    const { objects } = generate();
    expect(objects.map((o) => o.kind)).toEqual(["Deployment", "Service"]);
    const pod = deploymentOf(objects).spec.template.spec;
    expect(pod.nodeSelector).toEqual({ wasmedge: "true" });
    expect(pod.runtimeClassName).toBeUndefined();
    expect(containerOf(objects).ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(containerOf(objects).command).toBeUndefined();
    expect(deploymentOf(generate({ runtimeClass: "crun" }).objects).spec.template.spec.runtimeClassName).toBe("crun");
  });
});

describe("generateManifests: Spin", () => {
  it.each([[{}], [{ runtimeClass: "wasmtime-spin-v2" }], [{ health: "/health", namespace: "apps" }]])(
    "always gives the Deployment a runtimeClassName and command [\"/\"] (%j)",
    (extra: Partial<WorkloadOptions>) => {
      const { objects } = generate({ runtime: "spin", name: "spin-hello", ...extra });
      const pod = deploymentOf(objects).spec.template.spec;
      expect(pod.runtimeClassName).toBe(extra.runtimeClass ?? "spin");
      expect(containerOf(objects).command).toEqual(["/"]);
      expect(containerOf(objects).ports![0]!.containerPort).toBe(80);
      expect(pod.nodeSelector).toEqual({ spin: "true" });
      expect(deploymentOf(objects).spec.template.metadata.annotations).toBeUndefined();
    },
  );

  it("writes RuntimeClass spin with handler spin first, scheduled onto spin nodes, unless an existing class is named", () => {
    const { objects } = generate({ runtime: "spin", name: "spin-hello" });
    expect(objects.map((o) => o.kind)).toEqual(["RuntimeClass", "Deployment", "Service"]);
    const runtimeClass = objects[0] as RuntimeClass;
    expect([runtimeClass.metadata.name, runtimeClass.handler, runtimeClass.scheduling]).toEqual(["spin", "spin", { nodeSelector: { spin: "true" } }]);
    expect(runtimeClass.metadata).not.toHaveProperty("namespace");
    expect(generate({ runtime: "spin", name: "spin-hello", runtimeClass: "wasmtime-spin-v2" }).objects.map((o) => o.kind)).toEqual(["Deployment", "Service"]);
  });

  it("opens port 80 to the non-root user with the safe sysctl, and refuses another port", () => {
    const pod = deploymentOf(generate({ runtime: "spin", name: "spin-hello" }).objects).spec.template.spec;
    expect(pod.securityContext.sysctls).toEqual([{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }]);
    expect(deploymentOf(generate().objects).spec.template.spec.securityContext).not.toHaveProperty("sysctls");
    expect(() => generate({ runtime: "spin", name: "spin-hello", port: 8080 })).toThrow("containerd-shim-spin serves on port 80");
  });
});

describe("generateManifests: wasmtime", () => {
  it("writes RuntimeClass wasmtime with its handler and runs the pods under it", () => {
    const { objects } = generate({ runtime: "wasmtime", name: "hello" });
    const runtimeClass = only(objects, "RuntimeClass") as RuntimeClass;
    expect([runtimeClass.metadata.name, runtimeClass.handler]).toEqual(["wasmtime", "wasmtime"]);
    expect(deploymentOf(objects).spec.template.spec.runtimeClassName).toBe("wasmtime");
    expect(deploymentOf(objects).spec.template.spec.nodeSelector).toEqual({ wasmtime: "true" });
    expect(containerOf(objects).ports![0]!.containerPort).toBe(8080);
    expect(containerOf(objects).command).toBeUndefined(); // the rootfs image's entrypoint names the module
  });

  it("names the module in the pod's command for a Wasm artifact, which has no entrypoint", () => {
    const { objects, notes } = generate({ runtime: "wasmtime", name: "hello", imageKind: "wasm-artifact" });
    expect(containerOf(objects).command).toEqual(["hello.wasm"]);
    expect(notes.join("\n")).not.toContain("use_local_image_pull");
  });
});

describe("generateManifests: always", () => {
  it("pins the image by digest and refuses a tag", () => {
    expect(containerOf(generate().objects).image).toBe(IMAGE);
    expect(containerOf(generate({ image: `ghcr.io/acme/app:1.0@${DIGEST}` }).objects).image).toBe(`ghcr.io/acme/app:1.0@${DIGEST}`);
    expect(() => generate({ image: "ghcr.io/acme/app:1.0" })).toThrow(/not pinned by digest/);
  });

  it("adds readiness and liveness probes only with a health path", () => {
    expect(containerOf(generate().objects)).not.toHaveProperty("readinessProbe");
    expect(containerOf(generate().objects)).not.toHaveProperty("livenessProbe");
    const container = containerOf(generate({ health: "/healthz" }).objects);
    expect(container.readinessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(() => generate({ health: "healthz" })).toThrow("must start with /");
  });

  it("runs 3 replicas with Wasm-sized resources by default, both overridable", () => {
    const { objects } = generate();
    expect(deploymentOf(objects).spec.replicas).toBe(3);
    expect(containerOf(objects).resources).toEqual({ requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } });
    const tuned = generate({ replicas: 1, resources: { requests: { memory: "48Mi" }, limits: { cpu: "1" } } }).objects;
    expect(deploymentOf(tuned).spec.replicas).toBe(1);
    expect(containerOf(tuned).resources).toEqual({ requests: { cpu: "50m", memory: "48Mi" }, limits: { cpu: "1", memory: "64Mi" } });
    expect(() => generate({ resources: { requests: { memory: "128Mi" } } })).toThrow("memory request 128Mi is above its limit 64Mi");
    expect(() => generate({ resources: { limits: { cpu: "lots" } } })).toThrow("is not a Kubernetes quantity");
  });

  it("runs restricted: no privilege escalation, no capabilities, read-only rootfs, a numeric non-root user", () => {
    const pod = deploymentOf(generate().objects).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0]!.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
  });

  it("labels every object, selects on the name only, and puts the namespace on namespaced objects", () => {
    const { objects } = generate({ runtime: "spin", name: "spin-hello", version: "0.1.0+build.7", namespace: "apps" });
    const labels = { "app.kubernetes.io/name": "spin-hello", "app.kubernetes.io/version": "0.1.0_build.7", "app.kubernetes.io/managed-by": "wasmpack" };
    expect(deploymentOf(objects).metadata).toEqual({ name: "spin-hello", namespace: "apps", labels });
    expect(deploymentOf(objects).spec.template.metadata.labels).toEqual(labels);
    expect(deploymentOf(objects).spec.selector).toEqual({ matchLabels: { "app.kubernetes.io/name": "spin-hello" } });
    expect(serviceOf(objects).metadata).toEqual({ name: "spin-hello", namespace: "apps", labels });
    expect(serviceOf(objects).spec.selector).toEqual({ "app.kubernetes.io/name": "spin-hello" });
    expect((objects[0] as RuntimeClass).metadata.labels["app.kubernetes.io/managed-by"]).toBe("wasmpack");
  });

  it("writes a ClusterIP service by default and a NodePort one on request", () => {
    expect(serviceOf(generate().objects).spec).toMatchObject({ type: "ClusterIP", ports: [{ name: "http", protocol: "TCP", port: 80, targetPort: "http" }] });
    expect(serviceOf(generate({ service: { type: "NodePort", nodePort: 31001 } }).objects).spec.ports[0]).toMatchObject({ nodePort: 31001 });
    expect(() => generate({ service: { type: "NodePort", nodePort: 8080 } })).toThrow("outside the default NodePort range");
  });

  it("rejects names the API server would reject", () => {
    expect(() => generate({ name: "Spin_Hello" })).toThrow(/name "Spin_Hello" must be/);
    expect(() => generate({ namespace: "Apps" })).toThrow(/namespace "Apps"/);
    expect(() => generate({ nodeSelector: { "bad key!": "x" } })).toThrow(/node selector key/);
  });
});

describe("generateManifests: stopping a WasmEdge pod", () => {
  // Measured under crun's WasmEdge handler: as PID 1 of its PID namespace the module ignores
  // SIGTERM (stop waited 10 s, exit 137); with the pod's PID namespace shared, 0.035 s (exit 143).
  it("shares the pod's PID namespace for WasmEdge, so the pause process, not the module, is PID 1", () => {
    for (const options of [{}, { kind: "job" } as const, { runtimeClass: "crun", variant: "compat" } as const]) {
      const { objects } = generate(options);
      const workload = objects.find((o) => o.kind === "Deployment" || o.kind === "Job") as Deployment | Job;
      expect(workload.spec.template.spec.shareProcessNamespace, JSON.stringify(options)).toBe(true);
      validateStrict(workload);
    }
  });

  it("says why in the YAML, right above the field, and in the notes", () => {
    const { objects, notes } = generate();
    expect(toYaml(objects)).toContain(
      "      # The pause process, not the Wasm module, is PID 1: as PID 1 the module (no signal handler)\n" +
        "      # ignores SIGTERM, and every stop would wait terminationGracePeriodSeconds for SIGKILL.\n" +
        "      shareProcessNamespace: true\n",
    );
    expect(notes.join("\n")).toContain("the pod sets shareProcessNamespace: true: crun runs the module as PID 1 of its own PID namespace");
  });

  it("leaves the runwasi shims' pods as they are (not measured there), and says so", () => {
    for (const runtime of ["spin", "wasmtime"] as const) {
      const { objects, notes } = generate({ runtime, name: "hello" });
      expect(deploymentOf(objects).spec.template.spec).not.toHaveProperty("shareProcessNamespace");
      expect(toYaml(objects)).not.toContain("shareProcessNamespace");
      expect(notes.join("\n")).toContain("whether it stops on SIGTERM was not measured, so shareProcessNamespace is not set");
    }
  });
});

describe("generateManifests: --kind job", () => {
  const jobOf = (objects: KubernetesObject[]) => only(objects, "Job") as Job;

  it("writes a batch/v1 Job and nothing that serves: no Service, no ports, no probes, no replicas", () => {
    const { objects } = generate({ kind: "job", version: "0.1.0" });
    expect(objects.map((o) => o.kind)).toEqual(["Job"]);
    const job = jobOf(objects);
    expect(job.spec.backoffLimit).toBe(3);
    expect(job.spec).not.toHaveProperty("selector"); // the Job controller makes its own
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    expect(pod.containers[0]).not.toHaveProperty("ports");
    expect(pod.containers[0]).not.toHaveProperty("readinessProbe");
    expect(pod.securityContext).not.toHaveProperty("sysctls");
  });

  it("runs the same pod as the Deployment would, but for what only a server needs", () => {
    for (const options of [{}, { runtime: "spin", name: "spin-hello" }, { runtime: "wasmtime", name: "hello", imageKind: "wasm-artifact" }] as Partial<WorkloadOptions>[]) {
      const served = deploymentOf(generate(options).objects).spec.template;
      const once = jobOf(generate({ ...options, kind: "job" }).objects).spec.template;
      const { ports: _ports, ...container } = served.spec.containers[0]!;
      const { sysctls: _sysctls, ...securityContext } = served.spec.securityContext;
      expect(once).toEqual({ metadata: served.metadata, spec: { ...served.spec, securityContext, restartPolicy: "Never", containers: [container] } });
    }
    // The shims' RuntimeClass comes first, as for a Deployment.
    expect(generate({ runtime: "wasmtime", name: "hello", kind: "job" }).objects.map((o) => o.kind)).toEqual(["RuntimeClass", "Job"]);
  });

  it("refuses a server's options on a Job, and a backoff limit on a Deployment", () => {
    expect(() => generate({ kind: "job", replicas: 2, health: "/health" })).toThrow("--replicas, --health apply to --kind deployment; a Job runs once");
    expect(() => generate({ kind: "job", service: { type: "NodePort" } })).toThrow("--service applies to --kind deployment");
    expect(() => generate({ kind: "job", port: 8080 })).toThrow("--port applies to --kind deployment");
    expect(() => generate({ backoffLimit: 1 })).toThrow("--backoff-limit applies to --kind job");
    expect(() => generate({ kind: "job", backoffLimit: -1 })).toThrow("backoff limit -1 must be a whole number");
  });
});

describe("generateManifests: notes for the node", () => {
  it("tells what containerd 2.3 needs for rootfs-layout images, and that a Spin artifact needs no unpack", () => {
    const compat = generate({ imageKind: "compat-smart" }).notes.join("\n");
    expect(compat).toContain('use_local_image_pull = true under [plugins."io.containerd.cri.v1.images"]');
    expect(compat).toContain("module.wasm.image/variant=compat-smart");
    const spin = generate({ runtime: "spin", name: "spin-hello", imageKind: "spin-layout" }).notes.join("\n");
    expect(spin).toContain("use_local_image_pull = true");
    expect(spin).toContain("a Spin OCI artifact (spin registry push) needs no unpack");
    const artifact = generate({ runtime: "spin", name: "spin-hello", imageKind: "spin-artifact" }).notes.join("\n");
    expect(artifact).not.toContain("use_local_image_pull");
    expect(artifact).toContain("needs no unpack");
  });
});

describe("toYaml", () => {
  it("keeps the layout stable (golden)", () => {
    expect(toYaml(generate({ runtime: "spin", name: "spin-hello", version: "0.1.0", health: "/health" }).objects)).toMatchSnapshot();
  });
});
