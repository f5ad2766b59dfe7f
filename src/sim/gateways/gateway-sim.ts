/**
 * Simulated payment gateways: each persona (Heleket, Duitku, Stripe) speaks its gateway's real wire format
 * (specs/payments.md) under its own path, keeps its payments in memory, and has control endpoints that
 * "pay" a payment and then send the signed notification to the URL numpool gave — with faults on demand
 * (duplicate and out-of-order notifications, a bad signature, a status call that disagrees, down at
 * creation). One node:http server hosts them all; startGatewaySimulator builds it from the personas asked.
 * A persona's payments can be exported as plain JSON and restored, so the sandbox's stand-ins keep them
 * across a restart as the real gateways do; faults, timers and pending notifications are not kept.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Reply } from '../http-io.ts';

export interface GatewaySimRequest {
  method: string;
  /** The path below the persona's prefix, with its query (`/v1/payment`, `/webapi/api/merchant/v2/inquiry`). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The exact bytes received, as UTF-8. */
  body: string;
}

export interface GatewaySim {
  /** The first path segment that routes to this persona (`heleket`, `duitku`, `stripe`). */
  readonly prefix: string;
  /**
   * Paths served as they are, without the prefix: Stripe's library takes a host and port but no path,
   * so its persona answers `/v1/…` at the root.
   */
  readonly rootPath?: string;
  handle(request: GatewaySimRequest): Promise<Reply>;
  /** `/control/<prefix>/…`: pay, fail, refund, dispute, faults. */
  control(request: GatewaySimRequest): Promise<Reply>;
  /** Stops timers and pending notification retries. */
  close(): void;
  /**
   * The durable state (payments and what hangs off them) as plain JSON, to be serialised at once: it may
   * share objects with the persona. Faults are left out on purpose: a restarted gateway works again.
   */
  exportState(): unknown;
  /** Replaces the durable state with one exportState gave; throws, changing nothing, on a malformed one. */
  restoreState(state: unknown): void;
}
