import { WasmpackError } from "../errors.js";
import { MediaType, parseManifest, type Descriptor, type Digest } from "../oci/index.js";
import { readManifestBytes } from "./manifest-endpoints.js";
import { signalOf, type CallOptions, type RepositoryHttp } from "./repository-http.js";
import { header } from "./transport.js";

/** Pages of a referrers list followed at most; a registry that links on forever is cut off. */
const MAX_PAGES = 64;

/**
 * `GET /v2/<name>/referrers/<digest>` (distribution-spec 1.1, "Listing Referrers"): every page
 * of the list (`Link: <…>; rel="next"`). A registry without the API answers 404, and the spec
 * has clients fall back to the referrers tag schema then: that is `undefined` here.
 */
export async function getReferrers(http: RepositoryHttp, digest: Digest, options?: CallOptions): Promise<Descriptor[] | undefined> {
  const subject = `referrers of ${digest}`;
  const found: Descriptor[] = [];
  let url: URL | undefined = http.url(`referrers/${digest}`);
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const response = await http.send({ method: "GET", url, headers: { accept: MediaType.ImageIndex }, ...signalOf(options) });
    if (response.status === 404 && page === 0) {
      await response.body.dump().catch(() => undefined);
      return undefined;
    }
    if (response.status !== 200) throw await http.fail(response, "GET", subject, "manifest");
    const where = `${http.registry}/${http.reference.repository} ${subject}`;
    const parsed = parseManifest(await readManifestBytes(response, where), MediaType.ImageIndex, where);
    if (parsed.kind !== "index") throw new WasmpackError("registry", "REFERRERS_INVALID", `${where}: the registry answered with a manifest, not an image index`);
    found.push(...parsed.index.manifests);
    url = nextPage(header(response, "link"), url);
  }
  return found;
}

function nextPage(link: string | undefined, base: URL): URL | undefined {
  const next = link?.split(",").find((part) => /;\s*rel="?next"?/.test(part));
  const target = next?.match(/<([^>]+)>/)?.[1];
  return target ? new URL(target, base) : undefined;
}
