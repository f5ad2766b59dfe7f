import type { DbContext } from '../platform/db.ts';
import { hashApiKey } from './api-key.ts';

/** Which account, if any, holds this key (revoked keys included: a key is never handed out twice). */
export async function apiKeyOwner({ ctx, input }: { ctx: DbContext; input: { key: string } }) {
  const result = await ctx.db.query<{ accountId: number; revoked: boolean }>(
    `SELECT account_id AS "accountId", revoked_at IS NOT NULL AS revoked FROM api_keys WHERE key_hash = $1`,
    [hashApiKey(input.key)],
  );
  return result.rows[0];
}
