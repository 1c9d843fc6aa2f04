import type { Reference } from "../oci/index.js";
import { defaultTarget } from "../remote/repository.js";
import { copy } from "./copy.js";
import { checkedTags, mountRepository, uploadOptions, type PushOptions, type PushResult } from "./push.js";
import { remoteSource, remoteTarget } from "./remote-store.js";
import { withClient } from "./transfer-options.js";

/**
 * Copies an image between two remote repositories, on one registry or two (`crane copy`). Blobs
 * stream through without being stored; on one registry they are mounted from the source
 * repository unless `mountFrom` says otherwise.
 */
export async function copyRemote(from: Reference, to: Reference, options: Omit<PushOptions, "source"> = {}): Promise<PushResult> {
  return withClient(options, async (client) => {
    const source = remoteSource(client.repository(from, "pull"), { signal: options.signal });
    const root = await source.resolve(defaultTarget(from));
    const repository = client.repository(to, "push");
    await repository.ping({ signal: options.signal });
    const mountFrom = mountRepository(to, options.mountFrom ?? (from.registry === to.registry ? from : undefined));
    const tags = checkedTags(options.tags ?? (to.tag ? [to.tag] : to.digest ? [] : [from.tag ?? "latest"]));
    const target = remoteTarget(repository, client.retry, uploadOptions(options, mountFrom), client.blobLocations);
    const result = await copy(source, target, root, { tags, concurrency: options.concurrency, onProgress: options.onProgress });
    return { digest: result.digest, descriptor: root, tags, pushed: result.transferred, skipped: result.skipped, mounted: result.mounted, bytes: result.bytes };
  });
}
