/**
 * What an API key may do. `read`: catalog, balance, order reads and streams; `orders`: create and change
 * orders; `webhook`: webhook settings and delivery log; `billing`: top-ups and the ledger. A signed-in
 * session holds every scope its role allows.
 */
export const API_SCOPES = ['read', 'orders', 'webhook', 'billing'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}
