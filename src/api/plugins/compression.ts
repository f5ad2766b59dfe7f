/**
 * Response compression for every route (@fastify/compress): br or gzip as the client asks, identity when it
 * asks for neither. Brotli runs at quality 4: close to gzip's cost with smaller output, where its default
 * of 11 costs a whole core per large page. Bodies under 1 KiB are sent as they are: compressing them saves
 * less than the framing costs. Cached catalog bodies arrive compressed already (rendered-bodies.ts) and
 * pass through untouched.
 */
import { type BrotliOptions, constants } from 'node:zlib';
import type { FastifyCompressOptions } from '@fastify/compress';

export const ENCODINGS = ['br', 'gzip'] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const COMPRESSION_THRESHOLD_BYTES = 1024;
export const BROTLI_OPTIONS: BrotliOptions = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };

export const COMPRESSION: FastifyCompressOptions = {
  encodings: [...ENCODINGS],
  threshold: COMPRESSION_THRESHOLD_BYTES,
  brotliOptions: BROTLI_OPTIONS,
};
