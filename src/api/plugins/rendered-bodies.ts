/**
 * Response bodies rendered once and sent many times: for reads whose answer depends only on a version the
 * domain names (the catalog snapshot's) and on the request's parameters. A body is kept serialised, and
 * compressed once per encoding on first demand, so a 1.9 MB page costs one render and one compression
 * per catalog version instead of one per request. Concurrent misses for one key share a single render.
 *
 * Entries are keyed by (version, key): a new version simply stops hitting the old entries, which the LRU
 * drops by size. Surfaces choose the key (query, surface, money rendering); nothing here knows what a
 * body means.
 */
import { promisify } from 'node:util';
import { brotliCompress, gzip } from 'node:zlib';
import negotiate from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { BROTLI_OPTIONS, COMPRESSION_THRESHOLD_BYTES, ENCODINGS, type Encoding } from './compression.ts';

export interface Rendered {
  body: string;
  contentType: string;
}

interface Entry {
  identity: Buffer;
  contentType: string;
  encoded: Partial<Record<Encoding, Promise<Buffer>>>;
  /** Bytes of the compressed variants done so far, counted in the cache's size. */
  encodedBytes: number;
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const COMPRESS: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  br: (body) => brotliAsync(body, BROTLI_OPTIONS),
  gzip: (body) => gzipAsync(body),
};

/**
 * Bounded so the API process stays within its memory budget: the hot answers (getPrices, the first pages,
 * small lists) and their compressed forms fit; every 10,000-slot page of a 110k-slot catalog at once
 * (11 × 1.9 MB, about 42 MB with the rest) does not, and the least used are rendered again.
 */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export class RenderedBodies {
  private readonly entries: LRUCache<string, Entry>;
  private readonly rendering = new Map<string, Promise<Entry>>();

  constructor(options: { maxBytes?: number } = {}) {
    this.entries = new LRUCache<string, Entry>({
      maxSize: options.maxBytes ?? DEFAULT_MAX_BYTES,
      sizeCalculation: (entry) => entry.identity.length + entry.encodedBytes + 64,
    });
  }

  /** Answers from the cached body for (version, key), rendering it first when there is none. */
  async send(
    request: FastifyRequest,
    reply: FastifyReply,
    at: { version: number; key: string },
    render: () => Promise<Rendered>,
  ): Promise<FastifyReply> {
    const id = `${at.version}|${at.key}`;
    const entry = this.entries.get(id) ?? (await this.renderOnce(id, render));
    const encoding =
      entry.identity.length < COMPRESSION_THRESHOLD_BYTES
        ? null
        : negotiate(request.headers['accept-encoding'] ?? '', [...ENCODINGS]);
    reply.header('content-type', entry.contentType).header('vary', 'accept-encoding');
    if (!encoding) return reply.send(entry.identity);
    const encoded = await this.encode(id, entry, encoding);
    return reply.header('content-encoding', encoding).send(encoded);
  }

  private renderOnce(id: string, render: () => Promise<Rendered>): Promise<Entry> {
    let pending = this.rendering.get(id);
    if (!pending) {
      pending = render()
        .then(({ body, contentType }) => {
          const entry: Entry = { identity: Buffer.from(body), contentType, encoded: {}, encodedBytes: 0 };
          this.entries.set(id, entry);
          return entry;
        })
        .finally(() => this.rendering.delete(id));
      this.rendering.set(id, pending);
    }
    return pending;
  }

  private encode(id: string, entry: Entry, encoding: Encoding): Promise<Buffer> {
    let encoded = entry.encoded[encoding];
    if (!encoded) {
      // Compression runs on the thread pool, off the event loop; the entry's size grows when it is done.
      encoded = COMPRESS[encoding](entry.identity);
      entry.encoded[encoding] = encoded;
      encoded.then(
        (bytes) => {
          entry.encodedBytes += bytes.length;
          if (this.entries.peek(id) === entry) this.entries.set(id, entry);
        },
        () => delete entry.encoded[encoding],
      );
    }
    return encoded;
  }
}

const byOwner = new WeakMap<object, RenderedBodies>();

/** One cache per owner (the catalog cache whose versions key it), shared by every surface of a node. */
export function renderedBodiesOf(owner: object): RenderedBodies {
  let bodies = byOwner.get(owner);
  if (!bodies) {
    bodies = new RenderedBodies();
    byOwner.set(owner, bodies);
  }
  return bodies;
}
