/**
 * The one way an SMS enters an order, whether pushed by a provider or found by polling.
 *
 * Deduplicated per order (the same text reported twice, by push and by poll, is one SMS). The first SMS posts
 * the hold — that is when the customer pays — and every novel SMS bumps sms_revision, keeps the last
 * recognised code, and writes an order.otp_received event, all in one transaction with the order locked.
 * An SMS for an order that is no longer open is ignored.
 */
import { createHash } from 'node:crypto';
import { postHold } from '../ledger/resolve-hold.ts';
import { extractOtp } from '../otp/extract-otp.ts';
import type { AppContext } from '../platform/context.ts';
import { withTransaction } from '../platform/db.ts';
import { recordDeliveryOutcome } from '../providers/delivery-stats.ts';
import { loadOrder } from './load-order.ts';
import { isOpen, ORDER_SELECT, type OrderRecord } from './order.ts';
import { recordOrderEvent } from './order-events.ts';

export interface IncomingSms {
  providerId: number;
  providerRef: string;
  text: string;
  /** The provider's own reading of the code, if any. */
  code?: string | null | undefined;
  receivedAt?: Date | null | undefined;
}

/** Drops C0 control characters except tab and newlines, and DEL. */
function stripControlCharacters(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) continue;
    out += char;
  }
  return out;
}

export type IngestResult = 'accepted' | 'duplicate' | 'unknown_order' | 'closed_order';

export async function ingestSms({
  ctx,
  input,
}: {
  ctx: AppContext;
  input: IncomingSms;
}): Promise<IngestResult> {
  // Control characters (a NUL above all) cannot be stored and mean nothing to a customer.
  const text = stripControlCharacters(input.text).slice(0, 4000);
  return withTransaction(ctx, async (tx) => {
    const found = await tx.db.query<OrderRecord>(
      `${ORDER_SELECT} WHERE o.provider_id = $1 AND o.provider_ref = $2 FOR UPDATE OF o`,
      [input.providerId, input.providerRef],
    );
    const order = found.rows[0];
    if (!order) return 'unknown_order';
    if (!isOpen(order.status)) return 'closed_order';

    const now = ctx.clock.now();
    const receivedAt = input.receivedAt && input.receivedAt <= now ? input.receivedAt : now;
    // A first SMS after the window is too late: the order expires uncharged (the sweep may not have run).
    if (order.smsRevision === 0 && order.expiresAt && receivedAt >= order.expiresAt) return 'closed_order';
    const code = extractOtp({ text, platformSlug: order.platformCode, providerCode: input.code });
    const revision = order.smsRevision + 1;
    // Providers keep reporting an SMS until a newer one replaces it, also after a resend: the same text on
    // the same order is the same SMS. (A resend that brings back the very same text changes nothing the
    // customer does not already have.)
    const dedupeKey = createHash('sha256').update(text).digest('hex');
    const stored = await tx.db.query(
      `INSERT INTO sms_messages (order_id, dedupe_key, text, code, revision, received_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (order_id, dedupe_key) DO NOTHING`,
      [order.id, dedupeKey, text, code, revision, receivedAt],
    );
    if (stored.rowCount === 0) return 'duplicate';

    const first = order.smsRevision === 0;
    await tx.db.query(
      `UPDATE orders SET status = 'OTP_RECEIVED', sms_revision = $2, otp_message = $3,
         otp_code = coalesce($4, otp_code), otp_received_at = coalesce(otp_received_at, $5),
         resend_available_at = CASE WHEN $6 THEN $5::timestamptz + make_interval(secs => $7) ELSE resend_available_at END
       WHERE id = $1`,
      [order.id, revision, text, code, receivedAt, first, ctx.config.orders.resendCooldownSeconds],
    );
    const after = await loadOrder({ ctx: tx, input: { orderId: order.id } });
    await recordOrderEvent({
      ctx: tx,
      input: { order: after, event: 'order.otp_received', now, smsText: text },
    });
    if (first) {
      await recordDeliveryOutcome({
        ctx: tx,
        input: {
          providerId: input.providerId,
          countryId: order.countryId,
          platformId: order.platformId,
          delivered: true,
          timeToCodeMs: order.activatedAt ? Math.max(0, now.getTime() - order.activatedAt.getTime()) : null,
        },
      });
    }
    // The charge comes last: it locks the customer's wallet row, shared by all their orders, so it is
    // held only for the moment before commit (measured: many concurrent codes for one account).
    if (first && order.holdTransferId !== null) {
      await postHold({ ctx: tx, input: { holdId: order.holdTransferId } });
    }
    return 'accepted';
  });
}
