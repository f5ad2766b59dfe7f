/**
 * A verified gateway notification, stored once per (gateway, event key) before it is answered
 * (specs/payments.md §4.6): a duplicate delivery stores nothing and is told so, and gets the same 2xx.
 * The re-check and the credit run later, from the stored row.
 */
import type { DbContext } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import type { GatewayCode } from './gateway-port.ts';
import { assertGatewayCode } from './gateway-settings.ts';

export async function recordPaymentEvent({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { gateway: GatewayCode; eventKey: string; payload: unknown; receivedAt?: Date | undefined };
}): Promise<{ id: number | null; isNew: boolean }> {
  const gateway = assertGatewayCode(input.gateway);
  if (input.eventKey.length === 0 || input.eventKey.length > 300) {
    throw new DomainError('VALIDATION_ERROR', 'event key must be 1-300 characters');
  }
  const inserted = await ctx.db.query<{ id: number }>(
    `INSERT INTO payment_events (gateway, event_key, payload, received_at) VALUES ($1, $2, $3, coalesce($4, now()))
     ON CONFLICT (gateway, event_key) DO NOTHING RETURNING id`,
    [gateway, input.eventKey, JSON.stringify(input.payload ?? null), input.receivedAt ?? null],
  );
  const id = inserted.rows[0]?.id ?? null;
  return { id, isNew: id !== null };
}

/** What processing a stored event came to (credited, ignored, review, …): once. */
export async function markPaymentEventProcessed({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { id: number; outcome: string };
}): Promise<void> {
  await ctx.db.query(
    `UPDATE payment_events SET processed_at = now(), outcome = $2 WHERE id = $1 AND processed_at IS NULL`,
    [input.id, input.outcome.slice(0, 200)],
  );
}
