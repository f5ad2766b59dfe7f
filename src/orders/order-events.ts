/**
 * The outbox: each customer-visible order change is written as an event in the same transaction as the
 * change, with the exact payload webhooks and streams will carry (the contract's WebhookEventData).
 */
import { enqueueWebhook } from '../delivery/webhooks/enqueue-webhook.ts';
import { onCommit } from '../platform/db.ts';
import type { OrderRecord } from './order.ts';
import { announceOrderChange } from './order-cache.ts';
import { type OrderView, orderView } from './order-view.ts';
import type { OrdersContext } from './orders-context.ts';

/** The contract's webhook events: a closed set (its SDKs reject any other name). */
export const WEBHOOK_EVENTS = [
  'order.otp_received',
  'order.completed',
  'order.expired',
  'order.canceled',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** Every event an order writes; activation and resend reach streams and long-polls, not webhooks. */
export type OrderEvent = WebhookEvent | 'order.activated' | 'order.resend_requested';

function isWebhookEvent(event: OrderEvent): event is WebhookEvent {
  return (WEBHOOK_EVENTS as readonly string[]).includes(event);
}

export interface OrderEventData {
  order_id: number;
  phone_number: string | null;
  otp_code: string | null;
  otp_message: string | null;
  sms_revision: number | null;
  product_id: number;
  catalog_product_id: number | null;
  country: string | null;
  platform: string | null;
  operator_id: number | null;
  operator_name: string | null;
  can_finish: boolean;
  can_resend: boolean;
  can_cancel: boolean;
  can_replace: boolean;
  can_reactivate: boolean;
  resend_available_at: string | null;
  cancel_available_at: string | null;
  replace_available_at: string | null;
}

export function eventData(view: OrderView, event: OrderEvent, smsText?: string): OrderEventData {
  return {
    order_id: view.id,
    phone_number: view.phone,
    otp_code: view.otpCode,
    // otp_message is the text of this SMS commit; sms_revision only on SMS events.
    otp_message: event === 'order.otp_received' ? (smsText ?? view.otpMessage) : view.otpMessage,
    sms_revision: event === 'order.otp_received' ? view.smsRevision : null,
    product_id: view.productId,
    catalog_product_id: view.catalogProductId,
    country: view.countryName,
    platform: view.platformName,
    operator_id: view.operatorId,
    operator_name: view.operatorName,
    can_finish: view.canFinish,
    can_resend: view.canResend,
    can_cancel: view.canCancel,
    can_replace: view.canReplace,
    can_reactivate: view.canReactivate,
    resend_available_at: view.resendAvailableAt,
    cancel_available_at: view.cancelAvailableAt,
    replace_available_at: view.replaceAvailableAt,
  };
}

/** Channels woken after an order event commits: the account's stream and the order's long-polls. */
export const accountChannel = (accountId: number) => `numpool:account:${accountId}`;
export const orderChannel = (orderId: number) => `numpool:order:${orderId}`;

/** The advisory-lock class of the per-account event-order lock (the account id is the other key). */
const EVENT_ORDER_LOCK = 7_204_211;

export async function recordOrderEvent({
  ctx,
  input,
}: {
  ctx: OrdersContext;
  input: { order: OrderRecord; event: OrderEvent; now: Date; smsText?: string };
}): Promise<void> {
  const payload = eventData(orderView(input.order, input.now), input.event, input.smsText);
  // One account's events take their ids in commit order: the id is drawn under a lock held until this
  // transaction ends, so a later event can never commit with a lower id. Streams resume from the newest id
  // a client saw, which is then exact. Taken after the order row and before the wallet (transitionOrder's
  // order), the same for every transition, so it adds no deadlock.
  await ctx.db.query({
    name: 'orders.event-order-lock',
    text: 'SELECT pg_advisory_xact_lock($1, $2::int)',
    values: [EVENT_ORDER_LOCK, input.order.accountId % 2_147_483_647],
  });
  const inserted = await ctx.db.query<{ id: number }>({
    name: 'orders.record-event',
    text: `INSERT INTO order_events (account_id, order_id, event, payload, created_at) VALUES ($1, $2, $3, $4, $5)
           RETURNING id`,
    values: [input.order.accountId, input.order.id, input.event, JSON.stringify(payload), input.now],
  });
  const eventId = inserted.rows[0]!.id;
  if (isWebhookEvent(input.event))
    await enqueueWebhook({
      ctx,
      input: {
        accountId: input.order.accountId,
        orderEventId: eventId,
        body: { event: input.event, timestamp: input.now.toISOString(), data: payload },
        sms:
          input.event === 'order.otp_received'
            ? {
                orderId: input.order.id,
                serviceCode: input.order.handlerCode,
                text: input.smsText ?? input.order.otpMessage ?? '',
                code: input.order.otpCode,
                countryId: input.order.countryId,
                receivedAt: input.now,
              }
            : undefined,
      },
    });
  announceOrderChange(ctx, input.order.id);
  onCommit(ctx, async () => {
    await ctx.bus.publish(accountChannel(input.order.accountId), String(eventId));
    await ctx.bus.publish(orderChannel(input.order.id), String(eventId));
  });
}
