/**
 * What a chaos run must leave behind, read from the database, the simulator and the customers' own
 * records once everything is quiet. Each check is a boolean, with the offending records beside it.
 */
import type { AppContext } from '../../src/app-context.ts';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { DEFAULT_PERSONAS } from '../../src/sim/index.ts';
import type { Streams, Traffic, WebhookReceiver } from './traffic.ts';

export interface Window {
  from: number;
  to: number;
  what: string;
}

interface SimActivation {
  id: string;
  persona: string;
  status: string;
  messages: Array<{ text: string }>;
}

async function activations(simUrl: string): Promise<SimActivation[]> {
  const all: SimActivation[] = [];
  for (const persona of DEFAULT_PERSONAS) {
    const response = await fetch(`${simUrl}/control/personas/${persona.name}/activations`);
    all.push(...((await response.json()) as SimActivation[]));
  }
  return all;
}

const OPEN = new Set(['waiting', 'received', 'waiting_retry']);

/** What is still open: orders, pending webhooks, upstream activations numpool still has to close. */
export async function stillOpen(ctx: AppContext, accountIds: number[]) {
  const { rows } = await ctx.db.query<{ open: number; pending: number; orphans: number }>(
    `SELECT (SELECT count(*)::int FROM orders WHERE account_id = ANY($1)
               AND status IN ('PROVISIONING', 'ACTIVE', 'OTP_RECEIVED')) AS open,
            (SELECT count(*)::int FROM webhook_deliveries WHERE account_id = ANY($1) AND status = 'pending') AS pending,
            (SELECT count(*)::int FROM upstream_orphans) AS orphans`,
    [accountIds],
  );
  return rows[0]!;
}

/**
 * Nothing of the run is open, no webhook is pending, and no activation is open at the simulator (an
 * activation no order owns is cancelled by the orphan sweep once its grace has passed).
 */
export async function quiescent(ctx: AppContext, accountIds: number[], simUrl: string): Promise<boolean> {
  const r = await stillOpen(ctx, accountIds);
  if (r.open + r.pending + r.orphans > 0) return false;
  return (await activations(simUrl)).every((a) => !OPEN.has(a.status));
}

export async function runChecks(input: {
  ctx: AppContext;
  simUrl: string;
  accountIds: number[];
  traffic: Traffic;
  streams: Streams;
  webhooks: WebhookReceiver;
  outages: Window[];
  /** Nodes that went away without being killed (see startCluster). */
  unexpectedExits: string[];
}) {
  const { ctx, accountIds } = input;
  const details: Record<string, unknown> = {};

  const violations = await checkLedger({ ctx });
  details.ledger = violations.slice(0, 10);
  const open = await stillOpen(ctx, accountIds);
  details.stillOpen = open.open + open.pending + open.orphans > 0 ? [open] : [];

  // Every wallet = what was deposited − what orders were charged (+ refunds returned), from the transfers.
  const wallets = await ctx.db.query<{ account_id: number; stored: string; derived: string }>(
    `SELECT la.account_id,
            (la.credits_posted - la.debits_posted)::text AS stored,
            (coalesce((SELECT sum(amount) FROM transfers t WHERE t.credit_account_id = la.id AND t.kind IN ('posted', 'post_pending')), 0)
             - coalesce((SELECT sum(amount) FROM transfers t WHERE t.debit_account_id = la.id AND t.kind IN ('posted', 'post_pending')), 0))::text AS derived
     FROM ledger_accounts la WHERE la.account_id = ANY($1)`,
    [accountIds],
  );
  const walletDrift = wallets.rows.filter((w) => w.stored !== w.derived);
  details.walletDrift = walletDrift.slice(0, 10);

  const doubleCharged = await ctx.db.query<{ order_id: number; charges: number }>(
    `SELECT o.id AS order_id, count(t.id)::int AS charges
     FROM orders o JOIN transfers t ON t.pending_id = o.hold_transfer_id AND t.kind = 'post_pending'
     WHERE o.account_id = ANY($1) GROUP BY o.id HAVING count(t.id) > 1`,
    [accountIds],
  );
  details.doubleCharged = doubleCharged.rows.slice(0, 10);

  const heldOnTerminal = await ctx.db.query<{ id: number; status: string }>(
    `SELECT o.id, o.status FROM orders o JOIN transfers h ON h.id = o.hold_transfer_id
     WHERE o.account_id = ANY($1) AND o.status IN ('COMPLETED', 'CANCELED', 'EXPIRED', 'FAILED')
       AND NOT EXISTS (SELECT 1 FROM transfers r WHERE r.pending_id = h.id)`,
    [accountIds],
  );
  details.heldOnTerminal = heldOnTerminal.rows.slice(0, 10);

  // Upstream: an activation still open at the simulator whose order numpool has closed, or never made.
  const sim = await activations(input.simUrl);
  const orders = await ctx.db.query<{
    id: number;
    status: string;
    provider_ref: string;
    code: string;
    sms: number;
  }>(
    `SELECT o.id, o.status, o.provider_ref, p.code,
            (SELECT count(*)::int FROM sms_messages s WHERE s.order_id = o.id) AS sms
     FROM orders o JOIN providers p ON p.id = o.provider_id
     WHERE o.account_id = ANY($1) AND o.provider_ref IS NOT NULL`,
    [accountIds],
  );
  const byRef = new Map(orders.rows.map((o) => [`${o.code}:${o.provider_ref}`, o]));
  const openUpstream = sim
    .filter((a) => OPEN.has(a.status))
    .map((a) => {
      const order = byRef.get(`${a.persona}:${a.id}`);
      return `${a.persona}:${a.id} (${a.status}; ${order ? `order ${order.id} ${order.status}` : 'no order'})`;
    });
  details.openUpstream = openUpstream.slice(0, 10);

  // Every SMS the simulator sent for an order is on the order, and reached the webhook receiver.
  const smsMissing: string[] = [];
  const webhookMissing: number[] = [];
  for (const activation of sim) {
    if (activation.messages.length === 0) continue;
    const order = byRef.get(`${activation.persona}:${activation.id}`);
    if (!order) continue;
    if (order.sms < activation.messages.length)
      smsMissing.push(
        `order ${order.id} ${order.status}: ${order.sms}/${activation.messages.length} (${activation.persona})`,
      );
    if (order.sms > 0 && !input.webhooks.received.has(`${order.id}:order.otp_received`))
      webhookMissing.push(order.id);
  }
  details.smsMissing = smsMissing.slice(0, 10);
  details.webhookMissing = webhookMissing.slice(0, 10);

  // Every event of an account reached its stream (by resume after each reconnect).
  const events = await ctx.db.query<{ account_id: number; id: string }>(
    `SELECT account_id, id::text FROM order_events WHERE account_id = ANY($1)`,
    [accountIds],
  );
  const unseen = events.rows.filter((e) => !input.streams.seen.get(e.account_id)?.has(Number(e.id)));
  details.sseUnseen = unseen.slice(0, 10);
  details.sseUnseenTotal = unseen.length > 0 ? [unseen.length] : [];
  details.unexpectedExits = input.unexpectedExits;

  const inOutage = (at: number) => input.outages.some((w) => at >= w.from && at <= w.to);
  const stray5xx = input.traffic.serverErrors.filter((e) => !inOutage(e.at));
  details.stray5xx = stray5xx.slice(0, 10);

  const checks = {
    ledger_check_clean: violations.length === 0,
    wallets_equal_deposits_minus_charges:
      walletDrift.length === 0 && wallets.rows.length === accountIds.length,
    no_order_charged_twice: doubleCharged.rows.length === 0,
    no_hold_pending_on_terminal_order: heldOnTerminal.rows.length === 0,
    no_upstream_activation_left_open: openUpstream.length === 0,
    every_sms_on_its_order: smsMissing.length === 0,
    every_sms_delivered_to_webhook: webhookMissing.length === 0,
    every_sse_client_saw_every_event: unseen.length === 0,
    idempotent_retries_returned_the_same_order: input.traffic.creates.replayMismatches === 0,
    no_5xx_outside_outage_windows: stray5xx.length === 0,
    no_node_exited_by_itself: input.unexpectedExits.length === 0,
  };
  return {
    checks,
    details,
    smsEmitted: sim.reduce((n, a) => n + a.messages.length, 0),
    events: events.rows.length,
  };
}
