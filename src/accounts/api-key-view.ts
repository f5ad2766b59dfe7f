import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { ApiScope } from './api-scopes.ts';
import { spendDayStart, spentSinceSql } from './key-spending.ts';

/** A key as its owner sees it: never the key itself, nor its hash. */
export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  ipAllowlist: string[] | null;
  dailySpendLimit: number | null;
  /** IDR held or charged today (UTC) for orders created with this key. */
  spentToday: number;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

const VIEW = `SELECT k.id, k.name, k.key_prefix AS prefix, k.scopes, k.ip_allowlist::text[] AS "ipAllowlist",
                     k.daily_spend_limit AS "dailySpendLimit",
                     ${spentSinceSql('k.id', '$2::timestamptz')}::bigint AS "spentToday",
                     k.last_used_at AS "lastUsedAt", host(k.last_used_ip) AS "lastUsedIp",
                     k.created_at AS "createdAt", k.revoked_at AS "revokedAt"
              FROM api_keys k`;

/** The account's keys, live ones first, newest first. */
export async function apiKeyViews(ctx: DbContext, accountId: number, now: Date): Promise<ApiKeyView[]> {
  const rows = await ctx.db.query<ApiKeyView>(
    `${VIEW} WHERE k.account_id = $1 ORDER BY k.revoked_at IS NOT NULL, k.id DESC`,
    [accountId, spendDayStart(now)],
  );
  return rows.rows;
}

/** One key of the account; NOT_FOUND when it is another account's or does not exist. */
export async function apiKeyView(
  ctx: DbContext,
  input: { accountId: number; keyId: number; now: Date },
): Promise<ApiKeyView> {
  const rows = await ctx.db.query<ApiKeyView>(`${VIEW} WHERE k.account_id = $1 AND k.id = $3`, [
    input.accountId,
    spendDayStart(input.now),
    input.keyId,
  ]);
  if (!rows.rows[0]) throw new DomainError('NOT_FOUND', `no API key ${input.keyId}`);
  return rows.rows[0];
}

/** What the audit log keeps of a key: its settings, never the secret. */
export function auditedKey(view: ApiKeyView) {
  return {
    name: view.name,
    prefix: view.prefix,
    scopes: view.scopes,
    ip_allowlist: view.ipAllowlist,
    daily_spend_limit: view.dailySpendLimit,
    revoked_at: view.revokedAt?.toISOString() ?? null,
  };
}
