/**
 * What the simulator-backed adapter tests share: the catalog codes, adapters pointed at a persona, fault
 * switching that always switches back, and an assertion on ProviderError kinds.
 */
import { expect } from 'vitest';
import { buildCatalogCodes, seedCatalogRows } from '../../src/catalog/catalog-codes.ts';
import { createFivesimAdapter } from '../../src/providers/fivesim/fivesim-adapter.ts';
import { createHandlerAdapter } from '../../src/providers/handler/handler-adapter.ts';
import { type ProviderAdapter, ProviderError, type ProviderErrorKind } from '../../src/providers/port.ts';
import { DEFAULT_PERSONAS, type FaultMode, type Simulator } from '../../src/sim/index.ts';

export const codes = buildCatalogCodes(seedCatalogRows());

/** Indonesia × WhatsApp: every default persona offers it. */
export const INDONESIA = 6;
export const WHATSAPP = 1;

export const DECIMAL = /^\d+(\.\d+)?$/;

export function persona(name: string) {
  const found = DEFAULT_PERSONAS.find((p) => p.name === name);
  if (!found) throw new Error(`no persona ${name}`);
  return found;
}

export function adapterFor(
  sim: Simulator,
  name: string,
  overrides: { credential?: string; timeoutMs?: number } = {},
): ProviderAdapter {
  const config = persona(name);
  const options = {
    baseUrl: sim.baseUrl(name),
    credential: overrides.credential ?? config.credential,
    currency: config.currency,
    codes,
    timeoutMs: overrides.timeoutMs ?? 5000,
  };
  if (config.protocol === 'fivesim') return createFivesimAdapter(options);
  // The persona's own dialect, so beta reads SMS text through getStatusV2 (alpha through getFullSms).
  return createHandlerAdapter({ ...options, dialect: config.dialect ?? 'auto' });
}

export async function expectKind(promise: Promise<unknown>, kind: ProviderErrorKind): Promise<ProviderError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected ${kind}, resolved with ${JSON.stringify(value)}`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).kind, (error as ProviderError).message).toBe(kind);
  return error as ProviderError;
}

export async function withFault<T>(
  sim: Simulator,
  name: string,
  fault: FaultMode,
  run: () => Promise<T>,
  options: { latencyMs?: number } = {},
): Promise<T> {
  sim.setFault(name, fault, options);
  try {
    return await run();
  } finally {
    sim.setFault(name, 'ok');
  }
}
