/** What a load run sends, as plain data (it crosses into the load generator's worker thread). */
export interface LoadRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /**
   * Count answers that refuse for a rate limit: HTTP 429, or a body naming the limit (the handler
   * protocol answers its errors in the body). Reads every body of this request, so only for small ones.
   */
  countLimited?: boolean;
}

export interface LoadSpec {
  origin: string;
  connections: number;
  durationSeconds: number;
  /** Cycled through by every connection. */
  requests: LoadRequest[];
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** `authorization: Bearer <key>`, the next key of the list on each request (all connections share it). */
  rotateBearer?: string[];
  /** A new `idempotency-key` on each request. */
  freshIdempotencyKey?: boolean;
  /** Requests per second over all connections (a client with a pace of its own); absent = as fast as answered. */
  overallRate?: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  /** Latencies of 2xx answers, ms. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Answers refused for a rate limit (HTTP 429, or the limit named in the body where counted). */
  limited: number;
  /** Average bytes received per answer, headers included. */
  bytesPerAnswer: number;
}
