import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gzipSync } from "node:zlib";
import {
  MediaType,
  createDeterministicTar,
  encodeImageConfig,
  encodeIndex,
  encodeManifest,
  sha256,
  type Descriptor,
  type Digest,
  type OciLayout,
  type Platform,
} from "@wasmpack/registry";

export interface TestImage {
  /** The manifest descriptor, as tagged in the layout. */
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
  /** Config and layers: every blob a push uploads. */
  blobs: Descriptor[];
}

export interface TestImageOptions {
  tag: string;
  /** Distinguishes images built with the same options. */
  seed?: string;
  platform?: Platform;
  /** Adds an uncompressed tar layer holding one random file of this many bytes, streamed through disk. */
  bigLayerBytes?: number;
}

/**
 * Writes a small Wasm-style image into `layout` with the registry package's own model: a
 * gzip'd deterministic tar layer holding a `.wasm` file, a config and a manifest, tagged `tag`.
 */
export async function writeTestImage(layout: OciLayout, options: TestImageOptions): Promise<TestImage> {
  const wasm = Buffer.concat([Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]), Buffer.from(`seed:${options.seed ?? options.tag}`)]);
  const tar = await collect(createDeterministicTar([{ type: "file", path: "app/main.wasm", mode: 0o755, size: wasm.length, open: () => Readable.from([wasm]) }]));
  const gz = gzipSync(tar, { level: 9 });
  const small = await layout.writeBlob(Readable.from([gz]));
  const layers: Descriptor[] = [{ mediaType: MediaType.LayerTarGzip, digest: small.digest, size: small.size }];
  const diffIds: Digest[] = [sha256(tar)];

  if (options.bigLayerBytes) {
    const big = await writeBigLayer(layout, options.bigLayerBytes);
    layers.push(big);
    diffIds.push(big.digest);
  }

  const config = encodeImageConfig({ platform: options.platform ?? { os: "wasip1", architecture: "wasm" }, diffIds, entrypoint: ["/app/main.wasm"] });
  await layout.writeEncoded(config);
  const manifest = encodeManifest({ config: config.descriptor, layers });
  await layout.writeEncoded(manifest);
  await layout.tag(options.tag, manifest.descriptor);
  return { manifest: manifest.descriptor, config: config.descriptor, layers, blobs: [config.descriptor, ...layers] };
}

/** Two single-platform images under one index, tagged `tag`. */
export async function writeTestIndex(layout: OciLayout, tag: string): Promise<{ index: Descriptor; images: TestImage[] }> {
  const images = [
    await writeTestImage(layout, { tag: `${tag}-p1`, platform: { os: "wasip1", architecture: "wasm" } }),
    await writeTestImage(layout, { tag: `${tag}-p2`, platform: { os: "wasip2", architecture: "wasm" } }),
  ];
  const index = encodeIndex(
    images.map((image, i) => ({ ...image.manifest, platform: { os: i === 0 ? "wasip1" : "wasip2", architecture: "wasm" } })),
  );
  await layout.writeEncoded(index);
  await layout.tag(tag, index.descriptor);
  return { index: index.descriptor, images };
}

/** A tar holding `size` random bytes, written to disk and streamed into the layout, never whole in memory. */
async function writeBigLayer(layout: OciLayout, size: number): Promise<Descriptor> {
  const dir = await mkdtemp(join(tmpdir(), "wasmpack-big-"));
  try {
    const file = join(dir, "data.bin");
    await pipeline(randomStream(size), createWriteStream(file));
    // Uncompressed, so the layer's digest is also its diff ID.
    const tar = createDeterministicTar([{ type: "file", path: "data/blob.bin", size, open: () => createReadStream(file) }]);
    const info = await layout.writeBlob(tar);
    return { mediaType: MediaType.LayerTar, digest: info.digest, size: info.size };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function randomStream(size: number): Readable {
  let left = size;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const n = Math.min(left, 1024 * 1024);
      left -= n;
      this.push(randomBytes(n));
    },
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
