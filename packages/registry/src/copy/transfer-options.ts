import { RegistryClient, type RegistryClientOptions } from "../remote/client.js";
import type { ProgressListener } from "./progress.js";

/** Options shared by `pushFromLayout`, `pullToLayout` and `copyRemote`. */
export interface TransferOptions extends RegistryClientOptions {
  /** A client to reuse (its pool, credentials and tokens); when absent one is made from these options and closed at the end. */
  client?: RegistryClient;
  /** Blobs transferred at once. Default 4. */
  concurrency?: number;
  /** Progress events: per blob and manifest, and retries (the latter only with a client made here). */
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/** Runs `work` with the given client, or with one made (and closed) for it. */
export async function withClient<T>(options: TransferOptions, work: (client: RegistryClient) => Promise<T>): Promise<T> {
  if (options.client) return work(options.client);
  const listener = options.onProgress;
  const client = new RegistryClient({
    ...options,
    onRetry: (retry) => {
      options.onRetry?.(retry);
      listener?.({ type: "retry", retry });
    },
  });
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}
