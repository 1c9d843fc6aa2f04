import type { Digest } from "../oci/index.js";

/**
 * Where a client has seen each blob (pushed, or found already there), per registry, so a later
 * push of the same blob to another repository of that registry can mount it instead of
 * uploading it again (distribution-spec "Mounting a blob from another repository").
 */
export class BlobLocations {
  readonly #seen = new Map<string, string>();

  remember(registry: string, digest: Digest, repository: string): void {
    this.#seen.set(`${registry}\n${digest}`, repository);
  }

  /** A repository of `registry` known to hold `digest`, other than `except`. */
  find(registry: string, digest: Digest, except: string): string | undefined {
    const repository = this.#seen.get(`${registry}\n${digest}`);
    return repository === except ? undefined : repository;
  }
}
