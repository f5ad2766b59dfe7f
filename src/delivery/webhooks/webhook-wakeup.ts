/**
 * The wake-up that starts a delivery at commit: PostgreSQL NOTIFY on WEBHOOK_WAKEUP_CHANNEL, issued inside
 * the transaction that wrote the delivery row, so it is heard by every listening worker exactly when the
 * row becomes visible (never before, never for a rolled-back row) — across processes, without Redis.
 *
 * A payload is a comma-separated list of `deliveryId:attempts` (the attempts the row had when it was
 * woken, so a late duplicate wake-up cannot send a scheduled retry early). Anyone with database access can
 * NOTIFY, so listeners parse strictly and drop what does not fit. A lost wake-up costs only latency: the
 * queued job sends the delivery a few seconds later.
 */

export const WEBHOOK_WAKEUP_CHANNEL = 'numpool_webhook_deliveries';

export interface WokenDelivery {
  deliveryId: number;
  attempts: number;
}

/** NOTIFY payloads are at most 8000 bytes; one holds far more ids than a transaction writes. */
const MAX_PAYLOAD = 8000;
const ITEM = /^([1-9]\d{0,14}):(\d{1,6})$/;

export function wakeupPayload(deliveries: readonly WokenDelivery[]): string {
  return deliveries.map((d) => `${d.deliveryId}:${d.attempts}`).join(',');
}

/** The deliveries a payload names; malformed items are dropped (returned as `rejected`). */
export function parseWakeupPayload(payload: unknown): { deliveries: WokenDelivery[]; rejected: number } {
  if (typeof payload !== 'string' || payload.length === 0 || payload.length > MAX_PAYLOAD) {
    return { deliveries: [], rejected: 1 };
  }
  const deliveries: WokenDelivery[] = [];
  let rejected = 0;
  for (const item of payload.split(',')) {
    const match = ITEM.exec(item.trim());
    const deliveryId = Number(match?.[1]);
    if (!match || !Number.isSafeInteger(deliveryId)) rejected++;
    else deliveries.push({ deliveryId, attempts: Number(match[2]) });
  }
  return { deliveries, rejected };
}
