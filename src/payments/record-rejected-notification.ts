/**
 * A notification that was refused (bad signature, unknown top-up, wrong merchant…), kept for the operator
 * with where it came from (specs/payments.md §4.7). Headers that carry secrets are dropped, signatures in
 * the body are blanked, and only the start of the body is kept: the log must not become a store of
 * signatures or payloads.
 *
 * A burst — BURST_THRESHOLD refusals for one gateway within BURST_WINDOW_MINUTES — is reported once, when
 * the count reaches the threshold (someone probing the hook, or a gateway whose key changed). The count
 * stops at the threshold, so a flood costs a bounded index scan per refusal.
 */
import type { DbContext } from '../platform/db.ts';

const SECRET_HEADER = /authorization|cookie|signature|secret|token|api[-_]?key|^sign$|^x-.*sign/i;
const BODY_EXCERPT = 2_000;
export const BURST_THRESHOLD = 20;
export const BURST_WINDOW_MINUTES = 5;

/** Signatures inside a body (Heleket's `sign`, Duitku's `signature`): kept out of the log too. */
export function redactBody(body: string): string {
  return body
    .replace(/("sign"\s*:\s*)"[^"]*"/g, '$1"[redacted]"')
    .replace(/(^|&)(signature|sign)=[^&]*/gi, '$1$2=[redacted]');
}

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
}): Promise<{ id: number; burst: boolean }> {
  const body =
    input.body === undefined
      ? null
      : redactBody(Buffer.from(input.body).toString('utf8').slice(0, BODY_EXCERPT));
  const gateway = input.gateway.slice(0, 40);
  const row = await ctx.db.query<{ id: number; received_at: Date }>(
    `INSERT INTO rejected_payment_notifications (gateway, reason, source_ip, headers, body_excerpt, received_at)
     VALUES ($1, $2, $3, $4, $5, coalesce($6, now())) RETURNING id, received_at`,
    [
      gateway,
      input.reason.slice(0, 200),
      input.sourceIp ?? null,
      JSON.stringify(redactHeaders(input.headers)),
      // NUL cannot be stored in text; a garbage body is kept readable.
      body?.replaceAll('\u0000', '\uFFFD') ?? null,
      input.receivedAt ?? null,
    ],
  );
  const { id, received_at: receivedAt } = row.rows[0]!;
  // Refusals up to this one within the window (this one included), counted to one past the threshold.
  const recent = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM rejected_payment_notifications
       WHERE gateway = $1 AND id <= $2
         AND received_at > $3::timestamptz - make_interval(mins => $4) AND received_at <= $3::timestamptz
       ORDER BY received_at DESC LIMIT $5) r`,
    [gateway, id, receivedAt, BURST_WINDOW_MINUTES, BURST_THRESHOLD + 1],
  );
  return { id, burst: recent.rows[0]!.n === BURST_THRESHOLD };
}
