/**
 * Seals the webhook secrets still stored in clear (from before they were kept sealed), once at start;
 * each row is sealed and cleared in one statement, so running it on several nodes at once is harmless.
 */
import type { DbContext } from '../../platform/db.ts';
import { seal } from '../../platform/secret-box.ts';

export async function sealWebhookSecrets({ ctx }: { ctx: DbContext & { secret: string } }): Promise<number> {
  const clear = await ctx.db.query<{ id: number; secret: string }>(
    'SELECT id, webhook_secret AS secret FROM accounts WHERE webhook_secret IS NOT NULL',
  );
  let sealed = 0;
  for (const row of clear.rows) {
    const updated = await ctx.db.query(
      `UPDATE accounts SET webhook_secret_sealed = $3, webhook_secret = NULL
       WHERE id = $1 AND webhook_secret = $2`,
      [row.id, row.secret, seal(ctx.secret, row.secret)],
    );
    sealed += updated.rowCount ?? 0;
  }
  return sealed;
}
