import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the workspace packages from source, so a unit test never needs a build.
    alias: [
      { find: /^@wasmpack\/registry\/oci$/, replacement: `${src("registry")}oci/index.ts` },
      { find: /^@wasmpack\/registry\/layout$/, replacement: `${src("registry")}layout/index.ts` },
      { find: /^@wasmpack\/registry\/credentials$/, replacement: `${src("registry")}credentials/index.ts` },
      { find: /^@wasmpack\/registry\/referrers$/, replacement: `${src("registry")}referrers/index.ts` },
      { find: /^@wasmpack\/registry\/signing$/, replacement: `${src("registry")}signing/index.ts` },
      { find: /^@wasmpack\/registry\/errors$/, replacement: `${src("registry")}errors.ts` },
      { find: /^@wasmpack\/registry$/, replacement: `${src("registry")}index.ts` },
      { find: /^@wasmpack\/builder$/, replacement: `${src("builder")}index.ts` },
    ],
  },
  test: {
    include: ["packages/*/{src,test}/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
