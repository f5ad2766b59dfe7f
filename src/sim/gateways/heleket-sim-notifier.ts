/**
 * The Heleket persona's webhook sender: POSTs a body to an invoice's url_callback and, like Heleket, tries
 * again on anything but 2xx (a few short waits here: the simulator serves tests). Every attempt's outcome
 * is kept for the control API's listing. close() aborts what is in flight.
 */
import type { SimLogger } from '../types.ts';

const RETRY_DELAYS_MS = [100, 200, 400];
const ATTEMPT_TIMEOUT_MS = 5000;

export interface HeleketDelivery {
  status: string;
  signatureValid: boolean;
  /** HTTP status of each attempt, or the network error's message. */
  attempts: Array<number | string>;
  delivered: boolean;
}

export class HeleketNotifier {
  readonly #abort = new AbortController();
  readonly #log: SimLogger | undefined;

  constructor(log: SimLogger | undefined) {
    this.#log = log;
  }

  /** Resolves when the delivery succeeded or was given up. */
  async deliver(url: string, body: string, record: HeleketDelivery): Promise<void> {
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      if (this.#abort.signal.aborted) return;
      if (attempt > 0 && !(await this.#sleep(RETRY_DELAYS_MS[attempt - 1]!))) return;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        });
        await response.arrayBuffer();
        record.attempts.push(response.status);
        if (response.status >= 200 && response.status < 300) {
          record.delivered = true;
          return;
        }
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        record.attempts.push(error instanceof Error ? error.message : String(error));
      }
      this.#log?.debug({ url, status: record.status, attempt }, 'heleket sim webhook attempt failed');
    }
    this.#log?.warn({ url, status: record.status }, 'heleket sim webhook delivery abandoned');
  }

  close(): void {
    this.#abort.abort();
  }

  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.#abort.signal.aborted) return resolve(false);
      const timer = setTimeout(() => resolve(true), ms);
      this.#abort.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve(false);
        },
        { once: true },
      );
    });
  }
}
