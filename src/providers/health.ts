/**
 * Provider health on this node: a circuit breaker per provider (opens after consecutive timeouts,
 * connection failures or unreadable answers; after a pause one probe call is let through — success
 * closes it, failure re-opens it), plus latency and error metrics.
 *
 * Breaker state is per process on purpose: each node learns from its own calls in seconds, and nothing
 * about money depends on it — routing just skips a provider while its circuit is open.
 */
import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
} from 'cockatiel';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { isHealthFailure, ProviderError } from './port.ts';

export interface HealthOptions {
  /** Consecutive failures that open a circuit. */
  failureThreshold: number;
  /** How long a circuit stays open before a probe is allowed. */
  halfOpenAfterMs: number;
}

export const DEFAULT_HEALTH: HealthOptions = { failureThreshold: 5, halfOpenAfterMs: 15_000 };

export type CircuitView = 'closed' | 'open' | 'half_open';

export interface ProviderHealthSnapshot {
  providerId: number;
  circuit: CircuitView;
  consecutiveFailures: number;
  lastError: string | null;
  openedAt: Date | null;
}

interface Entry {
  breaker: CircuitBreakerPolicy;
  openedAt: number | null;
  consecutiveFailures: number;
  lastError: string | null;
}

export class ProviderHealth {
  readonly options: HealthOptions;
  private readonly entries = new Map<number, Entry>();
  private readonly latency: Histogram<'provider' | 'operation' | 'outcome'>;
  private readonly errors: Counter<'provider' | 'kind'>;
  private readonly circuitOpen: Gauge<'provider'>;

  constructor(registry: Registry, options: Partial<HealthOptions> = {}) {
    this.options = { ...DEFAULT_HEALTH, ...options };
    this.latency = new Histogram({
      name: 'numpool_provider_request_seconds',
      help: 'Upstream provider call latency',
      labelNames: ['provider', 'operation', 'outcome'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'numpool_provider_errors_total',
      help: 'Upstream provider call failures by kind',
      labelNames: ['provider', 'kind'],
      registers: [registry],
    });
    this.circuitOpen = new Gauge({
      name: 'numpool_provider_circuit_open',
      help: '1 while a provider circuit is open',
      labelNames: ['provider'],
      registers: [registry],
    });
  }

  private entry(providerId: number): Entry {
    let entry = this.entries.get(providerId);
    if (entry) return entry;
    const breaker = circuitBreaker(handleAll, {
      halfOpenAfter: this.options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(this.options.failureThreshold),
    });
    const created: Entry = { breaker, openedAt: null, consecutiveFailures: 0, lastError: null };
    breaker.onBreak(() => {
      created.openedAt = Date.now();
      this.circuitOpen.set({ provider: String(providerId) }, 1);
    });
    breaker.onReset(() => {
      created.openedAt = null;
      this.circuitOpen.set({ provider: String(providerId) }, 0);
    });
    this.entries.set(providerId, created);
    entry = created;
    return entry;
  }

  /** Runs one provider call through the breaker, timing it. An open circuit fails fast as UNAVAILABLE. */
  async call<T>(providerId: number, operation: string, fn: () => Promise<T>): Promise<T> {
    const entry = this.entry(providerId);
    const started = performance.now();
    const provider = String(providerId);
    const observe = (outcome: string) =>
      this.latency.observe({ provider, operation, outcome }, (performance.now() - started) / 1000);
    let result: { value: T } | { answer: ProviderError };
    try {
      // A business answer (no numbers, bad request…) is a healthy provider talking: the breaker sees it
      // as a success, so only consecutive real failures open the circuit.
      result = await entry.breaker.execute(async () => {
        try {
          return { value: await fn() };
        } catch (error) {
          if (error instanceof ProviderError && !isHealthFailure(error.kind)) return { answer: error };
          throw error;
        }
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        observe('circuit_open');
        throw new ProviderError('UNAVAILABLE', `provider ${providerId} circuit is open`, { cause: error });
      }
      const failure =
        error instanceof ProviderError
          ? error
          : new ProviderError('PROTOCOL', `provider ${providerId} call failed: ${String(error)}`, {
              cause: error,
            });
      entry.consecutiveFailures++;
      entry.lastError = failure.message;
      this.errors.inc({ provider, kind: failure.kind });
      observe(failure.kind);
      throw failure;
    }
    entry.consecutiveFailures = 0;
    if ('answer' in result) {
      this.errors.inc({ provider, kind: result.answer.kind });
      observe(result.answer.kind);
      throw result.answer;
    }
    observe('ok');
    return result.value;
  }

  circuit(providerId: number): CircuitView {
    const entry = this.entries.get(providerId);
    if (!entry) return 'closed';
    switch (entry.breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half_open';
      default:
        // Past the pause the next call is the probe: let routing send it.
        return entry.openedAt !== null && Date.now() - entry.openedAt >= this.options.halfOpenAfterMs
          ? 'half_open'
          : 'open';
    }
  }

  /** Routing may send this provider an order now. */
  isRoutable(providerId: number): boolean {
    return this.circuit(providerId) !== 'open';
  }

  snapshot(providerId: number): ProviderHealthSnapshot {
    const entry = this.entries.get(providerId);
    return {
      providerId,
      circuit: this.circuit(providerId),
      consecutiveFailures: entry?.consecutiveFailures ?? 0,
      lastError: entry?.lastError ?? null,
      openedAt: entry?.openedAt ? new Date(entry.openedAt) : null,
    };
  }
}
