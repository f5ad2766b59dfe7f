import type { ProviderCurrency } from './port.ts';

export const PROVIDER_KINDS = ['handler', 'fivesim'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** A provider's settings as the rest of numpool sees them; the credential itself never leaves the database. */
export interface ProviderRecord {
  id: number;
  code: string;
  kind: ProviderKind;
  name: string;
  enabled: boolean;
  priority: number;
  baseUrl: string;
  currency: ProviderCurrency;
  timeoutMs: number;
  settings: Record<string, unknown>;
  sandbox: boolean;
  hasCredential: boolean;
  /** What the provider presents when it pushes SMS to /hooks/providers/{code}. */
  hookSecret: string;
  lastSyncAt: Date | null;
  lastSyncError: string | null;
  updatedAt: Date;
}

export const PROVIDER_COLUMNS = `id, code, kind, name, enabled, priority, base_url AS "baseUrl", currency,
  timeout_ms AS "timeoutMs", settings, sandbox, credential_enc IS NOT NULL AS "hasCredential", hook_secret AS "hookSecret",
  last_sync_at AS "lastSyncAt", last_sync_error AS "lastSyncError", updated_at AS "updatedAt"`;
