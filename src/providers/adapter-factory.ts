import { createFivesimAdapter } from './fivesim/fivesim-adapter.ts';
import { createHandlerAdapter, type HandlerDialect } from './handler/handler-adapter.ts';
import type { AdapterOptions, ProviderAdapter } from './port.ts';
import type { ProviderRecord } from './provider.ts';

const DIALECTS: HandlerDialect[] = ['auto', 'plain', 'json'];

/** Builds the adapter for a provider's kind from its stored settings. */
export function createAdapter(provider: ProviderRecord, options: AdapterOptions): ProviderAdapter {
  switch (provider.kind) {
    case 'handler': {
      const dialect = DIALECTS.find((d) => d === provider.settings.dialect) ?? 'auto';
      return createHandlerAdapter({ ...options, dialect });
    }
    case 'fivesim':
      return createFivesimAdapter(options);
    default: {
      const unknown: never = provider.kind;
      throw new Error(`unknown provider kind ${String(unknown)}`);
    }
  }
}
