import type { AdapterOptions, ProviderAdapter } from './port.ts';
import type { ProviderRecord } from './provider.ts';

/** Builds the adapter for a provider's kind. */
export function createAdapter(provider: ProviderRecord, options: AdapterOptions): ProviderAdapter {
  switch (provider.kind) {
    case 'handler':
    case 'fivesim':
      throw new Error(`adapter for ${provider.kind} is not available`);
    default: {
      const unknown: never = provider.kind;
      throw new Error(`unknown provider kind ${String(unknown)}`);
    }
  }
}
