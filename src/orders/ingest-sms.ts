/**
 * The one way an SMS enters an order, whether pushed by a provider or found by polling.
 *
 * Deduplicated per order (the same text reported twice, by push and by poll, is one SMS). The first SMS posts
 * the hold — that is when the customer pays — and every novel SMS bumps sms_revision, keeps the last
 * recognised code, and writes an order.otp_received event, all in one transaction with the order locked.
 * An SMS for an order that is no longer open is ignored.
 */
import { createHash } from 'node:crypto';
import { extractOtp } from '../otp/extract-otp.ts';
import { withTransaction } from '../platform/db.ts';
import { EXPIRY_GRACE_SECONDS, isOpen } from './order.ts';
import { lockOrderByProviderRef, transitionOrder } from './order-lifecycle.ts';
import type { OrdersContext } from './orders-context.ts';

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

/** What is stored of an SMS text, and the key that makes the same text on the same order one SMS. */
function stored(text: string): { text: string; dedupeKey: string } {
  // Control characters (a NUL above all) cannot be stored and mean nothing to a customer.
  const clean = stripControlCharacters(text).slice(0, 4000);
  return { text: clean, dedupeKey: createHash('sha256').update(clean).digest('hex') };
}

/**
 * Which of a provider's reported SMS its open orders already hold: one read, no lock. Providers report an
 * open order's last SMS on every poll, so without this each poll took a row lock (and a commit) per open
 * order that had an SMS — 500 such transactions a second at 1,000 open orders, beside the pushes they
 * competed with. What this finds stored is skipped; everything else still goes through ingestSms, which
 * decides under the lock.
 */
export async function storedSmsIndexes({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { providerId: number; messages: Array<{ providerRef: string; text: string }> };
}): Promise<Set<number>> {
  if (input.messages.length === 0) return new Set();
  const found = await ctx.db.query<{ i: string }>({
    name: 'orders.stored-sms',
    text: `SELECT t.i FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(ref, key, i)
           JOIN orders o ON o.provider_id = $1 AND o.provider_ref = t.ref AND o.status IN ('ACTIVE', 'OTP_RECEIVED')
           JOIN sms_messages s ON s.order_id = o.id AND s.dedupe_key = t.key`,
    values: [
      input.providerId,
      input.messages.map((m) => m.providerRef),
      input.messages.map((m) => stored(m.text).dedupeKey),
    ],
  });
  return new Set(found.rows.map((row) => Number(row.i) - 1));
}

export async function ingestSms({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: IncomingSms;
}): Promise<IngestResult> {
  const { text, dedupeKey } = stored(input.text);
  return withTransaction(ctx, async (tx) => {
    const order = await lockOrderByProviderRef({
      ctx: tx,
      input: { providerId: input.providerId, providerRef: input.providerRef },
    });
    if (!order) return 'unknown_order';
    if (!isOpen(order.status)) return 'closed_order';

    const now = ctx.clock.now();
    const reported = input.receivedAt && input.receivedAt <= now ? input.receivedAt : null;
    const receivedAt = reported ?? now;
    // A first SMS after the window is too late: the order expires uncharged (the sweep may not have run).
    // Without a reported arrival time, one found within the grace may have arrived in time.
    const closesAt = order.expiresAt
      ? order.expiresAt.getTime() + (reported ? 0 : EXPIRY_GRACE_SECONDS * 1000)
      : Number.POSITIVE_INFINITY;
    if (order.smsRevision === 0 && receivedAt.getTime() >= closesAt) return 'closed_order';
    const code = extractOtp({ text, platformSlug: order.platformCode, providerCode: input.code });
    // Providers keep reporting an SMS until a newer one replaces it, also after a resend: the same text on
    // the same order is the same SMS. (A resend that brings back the very same text changes nothing the
    // customer does not already have.)
    const inserted = await tx.db.query({
      name: 'orders.insert-sms',
      text: `INSERT INTO sms_messages (order_id, dedupe_key, text, code, revision, received_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (order_id, dedupe_key) DO NOTHING`,
      values: [order.id, dedupeKey, text, code, order.smsRevision + 1, receivedAt],
    });
    if (inserted.rowCount === 0) return 'duplicate';
    await transitionOrder({
      ctx: tx,
      input: { order, move: { kind: 'receive_sms', text, code, receivedAt } },
    });
    return 'accepted';
  });
}
