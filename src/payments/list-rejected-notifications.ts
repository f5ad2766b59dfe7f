/** The refused-notification log for operators, newest first, optionally for one gateway. */
import type { DbContext } from '../platform/db.ts';

export interface RejectedNotification {
  id: number;
  gateway: string;
  reason: string;
  sourceIp: string | null;
  /** As received, without the headers that carry secrets. */
  headers: Record<string, string>;
  bodyExcerpt: string | null;
  receivedAt: Date;
}

export async function listRejectedNotifications({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { gateway?: string | undefined; beforeId?: number | undefined; limit?: number | undefined };
}): Promise<RejectedNotification[]> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const rows = await ctx.db.query<RejectedNotification>(
    `SELECT id, gateway, reason, source_ip AS "sourceIp", headers, body_excerpt AS "bodyExcerpt",
            received_at AS "receivedAt"
     FROM rejected_payment_notifications
     WHERE ($1::text IS NULL OR gateway = $1) AND ($2::bigint IS NULL OR id < $2)
     ORDER BY id DESC LIMIT $3`,
    [input.gateway ?? null, input.beforeId ?? null, limit],
  );
  return rows.rows;
}
