import type { DbContext } from '../../platform/db.ts';

/** Whether the account signs in with a second factor (a pending, unconfirmed set-up does not count). */
export async function isTotpEnabled({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number };
}): Promise<boolean> {
  const result = await ctx.db.query<{ enabled: boolean }>(
    'SELECT totp_enabled_at IS NOT NULL AS enabled FROM accounts WHERE id = $1',
    [input.accountId],
  );
  return result.rows[0]?.enabled ?? false;
}
