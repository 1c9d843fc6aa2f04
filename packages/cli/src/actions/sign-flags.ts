import { WasmpackError } from "@wasmpack/registry/errors";

/** `--sign` needs `--key` and a push; `--key` alone is a mistake worth saying. Checked before any build work. */
export function checkSignFlags(options: { sign?: boolean | undefined; key?: string | undefined; push?: string | undefined }, pushing = options.push !== undefined): void {
  if (options.sign && !options.key) throw new WasmpackError("usage", "KEY_REQUIRED", "--sign needs --key FILE (a cosign.key or PEM private key)");
  if (options.key && !options.sign) throw new WasmpackError("usage", "SIGN_REQUIRED", "--key is the signing key: add --sign");
  if (options.sign && !pushing) throw new WasmpackError("usage", "SIGN_NEEDS_PUSH", "--sign signs pushed images: add --push REF (or run wasmpack sign REF after pushing)");
}
