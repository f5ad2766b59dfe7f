/**
 * Push delivery: POST each SMS to the persona's webhook in the SMS-Activate activation webhook format
 * (`{"activationId":int,"service","text","code","country":int,"receivedAt"}`), as numpool's provider
 * webhook will receive it. Anything but HTTP 200, or a network error, is retried with exponential backoff a
 * few times and then dropped (counted), like a provider that gives up. close() aborts retries in flight.
 */
import type { SimLogger } from './types.ts';

export interface WebhookPayload {
  activationId: number;
  service: string;
  text: string;
  code: string;
  country: number;
  receivedAt: string;
}

export interface PushOutcome {
  delivered(): void;
  failedAttempt(): void;
  abandoned(): void;
}

/** Attempts = 1 + retries; waits 100, 200 and 400 ms between them (short: the simulator serves tests). */
const RETRY_DELAYS_MS = [100, 200, 400];
const ATTEMPT_TIMEOUT_MS = 5000;

export class WebhookPusher {
  readonly #abort = new AbortController();
  readonly #log: SimLogger | undefined;

  constructor(log: SimLogger | undefined) {
    this.#log = log;
  }

  push(url: string, payload: WebhookPayload, outcome: PushOutcome): void {
    void this.#deliver(url, payload, outcome);
  }

  close(): void {
    this.#abort.abort();
  }

  async #deliver(url: string, payload: WebhookPayload, outcome: PushOutcome): Promise<void> {
    const body = JSON.stringify(payload);
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      if (this.#abort.signal.aborted) return;
      if (attempt > 0) {
        const waited = await this.#sleep(RETRY_DELAYS_MS[attempt - 1]!);
        if (!waited) return;
      }
      let status: number | string;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        });
        // Read to the end (a few bytes), so the connection goes back to the pool: a cancelled body
        // closes it, and every push then paid a new connection.
        await response.arrayBuffer();
        status = response.status;
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        status = error instanceof Error ? error.message : String(error);
      }
      if (status === 200) {
        outcome.delivered();
        return;
      }
      outcome.failedAttempt();
      this.#log?.debug(
        { url, activationId: payload.activationId, attempt, status },
        'sim webhook attempt failed',
      );
    }
    outcome.abandoned();
    this.#log?.warn({ url, activationId: payload.activationId }, 'sim webhook delivery abandoned');
  }

  /** Resolves true after ms, false if the pusher closed first. */
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const signal = this.#abort.signal;
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      timer.unref();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
