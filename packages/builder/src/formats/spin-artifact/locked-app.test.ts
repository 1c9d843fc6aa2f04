import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { lockedApp, type LockedContent } from "./locked-app.js";

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const content = (ids: string[], files: Record<string, { path: string; ref: { digest: string; inline?: string } }[]> = {}): LockedContent => ({
  wasm: new Map(ids.map((id, i) => [id, { digest: digest(String(i + 1)) }])),
  files: new Map(Object.entries(files)),
});
const lock = (toml: string, c: LockedContent) => lockedApp(parse(toml), "/app/spin.toml", c);

describe("lockedApp from spin.toml version 2", () => {
  it("writes Spin's shape: metadata without origin, generated trigger ids, content refs, sorted maps", () => {
    const locked = lock(
      `spin_manifest_version = 2
[application]
name = "shop"
version = "2.0.0"
authors = ["A", "B"]
[application.trigger.http]
base = "/"
[variables]
api_key = { required = true, secret = true }
region = { default = "eu", description = "where" }
[[trigger.http]]
route = "/cart/..."
component = "cart"
executor = { type = "wagi", argv = "\${SCRIPT_NAME}" }
[[trigger.http]]
id = "named"
route = "/"
component = "home"
[[trigger.http]]
route = "/again"
component = "cart"
[component.cart]
source = "cart.wasm"
description = "the cart"
allowed_outbound_hosts = ["https://api.example.com", "http://inventory.spin.internal"]
key_value_stores = ["default"]
sqlite_databases = ["orders"]
environment = { Z = "1", A = "2" }
files = ["static"]
[component.cart.variables]
key = "{{ api_key }}"
[component.home]
source = "home.wasm"
allowed_outbound_hosts = []
`,
      content(["cart", "home"], { cart: [{ path: "static/b.txt", ref: { digest: digest("b") } }, { path: "static/a.txt", ref: { inline: "aGk=", digest: digest("a") } }] }),
    );
    expect(JSON.stringify(locked)).toBe(
      JSON.stringify({
        spin_lock_version: 1,
        must_understand: ["component_host_requirements"],
        metadata: { authors: ["A", "B"], name: "shop", trigger: { base: "/", type: "http" }, triggers: { http: { base: "/" } }, version: "2.0.0" },
        variables: { api_key: { secret: true }, region: { description: "where", default: "eu" } },
        triggers: [
          { id: "cart-http-trigger", trigger_type: "http", trigger_config: { component: "cart", executor: { argv: "${SCRIPT_NAME}", type: "wagi" }, route: "/cart/..." } },
          { id: "named", trigger_type: "http", trigger_config: { component: "home", route: "/" } },
          { id: "http-trigger1", trigger_type: "http", trigger_config: { component: "cart", route: "/again" } },
        ],
        components: [
          {
            id: "cart",
            metadata: {
              allowed_outbound_hosts: ["https://api.example.com", "http://inventory.spin.internal"],
              databases: ["orders"],
              description: "the cart",
              key_value_stores: ["default"],
            },
            source: { content_type: "application/wasm", digest: digest("1") },
            env: { A: "2", Z: "1" },
            files: [
              { inline: "aGk=", digest: digest("a"), path: "static/a.txt" },
              { digest: digest("b"), path: "static/b.txt" },
            ],
            config: { key: "{{ api_key }}" },
            host_requirements: { local_service_chaining: "required" },
          },
          { id: "home", source: { content_type: "application/wasm", digest: digest("2") } },
        ],
      }),
    );
  });

  it("refuses what it cannot carry, naming the file and field", () => {
    const app = (component: string) => `spin_manifest_version = 2\n[application]\nname = "a"\n[[trigger.http]]\nroute = "/"\ncomponent = "c"\n[component.c]\nsource = "c.wasm"\n${component}\n`;
    expect(() => lock(app(`[component.c.dependencies]\n"a:b" = "1.0"`), content(["c"]))).toThrow(/^\/app\/spin\.toml: component\.c\.dependencies is not supported in a spin-artifact/);
    expect(() => lock(app(`allowed_http_hosts = ["example.com"]`), content(["c"]))).toThrow(/allowed_http_hosts is not supported .*; use allowed_outbound_hosts/);
    expect(() => lock(app(""), content([]))).toThrow(/component\.c\.source is not a local file/);
    expect(() => lock(`${app("")}[variables]\nx = { required = true, default = "y" }\n`, content(["c"]))).toThrow(/variables\.x must be `required` or have a `default`, not both/);
  });
});

describe("lockedApp from spin.toml version 1", () => {
  it("converts as Spin does: trigger-<id> triggers, global trigger config, default outbound hosts", () => {
    const locked = lock(
      `spin_manifest_version = "1"
name = "old"
version = "1.0.0"
trigger = { type = "http", base = "/" }
[[component]]
id = "hello"
source = "hello.wasm"
environment = { GREETING = "hi" }
[component.trigger]
route = "/hello"
executor = { type = "wagi" }
`,
      content(["hello"]),
    );
    expect(locked).toEqual({
      spin_lock_version: 1,
      metadata: { name: "old", trigger: { base: "/", type: "http" }, triggers: { http: { base: "/" } }, version: "1.0.0" },
      triggers: [{ id: "trigger-hello", trigger_type: "http", trigger_config: { component: "hello", executor: { type: "wagi" }, route: "/hello" } }],
      components: [
        {
          id: "hello",
          metadata: { allowed_outbound_hosts: ["redis://*:*", "mysql://*:*", "postgres://*:*"] },
          source: { content_type: "application/wasm", digest: digest("1") },
          env: { GREETING: "hi" },
        },
      ],
    });
  });
});
