/**
 * A notification that was refused (bad signature, unknown top-up, wrong merchant…), kept for the operator
 * with where it came from (specs/payments.md §4.7). Headers that carry secrets are dropped, and only the
 * start of the body is kept: the log must not become a store of signatures or payloads.
 */
import type { DbContext } from '../platform/db.ts';

const SECRET_HEADER = /authorization|cookie|signature|secret|token|api[-_]?key|^sign$|^x-.*sign/i;
const BODY_EXCERPT = 2_000;

export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || SECRET_HEADER.test(name)) continue;
    kept[name.toLowerCase()] = (Array.isArray(value) ? value.join(', ') : value).slice(0, 500);
  }
  return kept;
}

export async function recordRejectedNotification({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: {
    gateway: string;
    reason: string;
    sourceIp?: string | null | undefined;
    headers: Record<string, string | string[] | undefined>;
    body?: Buffer | string | undefined;
    receivedAt?: Date | undefined;
  };
}): Promise<{ id: number }> {
  const body =
    input.body === undefined ? null : Buffer.from(input.body).toString('utf8').slice(0, BODY_EXCERPT);
  const row = await ctx.db.query<{ id: number }>(
    `INSERT INTO rejected_payment_notifications (gateway, reason, source_ip, headers, body_excerpt, received_at)
     VALUES ($1, $2, $3, $4, $5, coalesce($6, now())) RETURNING id`,
    [
      input.gateway.slice(0, 40),
      input.reason.slice(0, 200),
      input.sourceIp ?? null,
      JSON.stringify(redactHeaders(input.headers)),
      // NUL cannot be stored in text; a garbage body is kept readable.
      body?.replaceAll('\u0000', '\uFFFD') ?? null,
      input.receivedAt ?? null,
    ],
  );
  return { id: row.rows[0]!.id };
}
