/**
 * Top-ups in a chaos run: customers start top-ups at the three gateways over `/api/topups` on any live
 * node, and pay most of them at the simulated gateways (run in the chaos process), whose notifications
 * go through the balancer to a live node — sent once, several times at once, out of order, or lost.
 * Nodes die meanwhile, so notifications fail and jobs stop halfway; the reconciler on the workers must
 * still credit every paid top-up, once, for what was paid, and nothing else.
 */

import { sleep } from '../../bench/lib/processes.ts';
import type { AppContext } from '../../src/app-context.ts';
import { type Customer, send, type Traffic } from './traffic.ts';

export interface TopupPlan {
  id: number;
  accountId: number;
  gateway: 'heleket' | 'duitku' | 'stripe';
  /** Paid at the gateway (else left to lapse: never to be credited). */
  paid: boolean;
  /** How its notification was sent: copies (0 = lost) and whether an older status followed. */
  notify: { times: number; outOfOrder: boolean };
}

export interface TopupTraffic {
  topups: TopupPlan[];
  /** Creates that got no top-up (a node died mid-request, or it was refused). */
  unanswered: number;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

const BODIES = {
  heleket: { gateway: 'heleket', amount: '10.00', currency: 'USD' },
  duitku: { gateway: 'duitku', amount: '50000', currency: 'IDR', method: 'NQ' },
  stripe: { gateway: 'stripe', amount: '5.00', currency: 'USD' },
} as const;

/** The simulator's "pay" for each gateway's payment id. */
const PAY_PATH = {
  heleket: (ref: string) => `heleket/payments/${ref}/pay`,
  duitku: (ref: string) => `duitku/payments/${ref}/pay`,
  stripe: (ref: string) => `stripe/sessions/${ref}/pay`,
} as const;

/** Retries what the run's own PostgreSQL refuses while it is crash-restarted. */
async function patiently<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 60) throw error;
      await sleep(500);
    }
  }
}

/** Top-ups one after another (one loop per customer) until `count` were started or the deadline passed. */
export async function runTopupLoops(options: {
  ctx: AppContext;
  traffic: Traffic;
  nodes: () => string[];
  customers: Customer[];
  gatewaysUrl: string;
  count: number;
  until: number;
}): Promise<TopupTraffic> {
  const result: TopupTraffic = { topups: [], unanswered: 0 };
  let started = 0;
  const loop = async (customer: Customer) => {
    while (started < options.count && Date.now() < options.until) {
      started++;
      const gateway = pick(['heleket', 'duitku', 'stripe'] as const);
      const answer = await send(
        options.traffic,
        options.nodes,
        '/api/topups',
        {
          method: 'POST',
          headers: { authorization: `Bearer ${customer.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(BODIES[gateway]),
        },
        'refused',
      );
      const id = answer?.status === 201 ? topupNumber(answer.text) : undefined;
      if (id === undefined) {
        result.unanswered++;
        continue;
      }
      const copies = Math.random();
      const plan: TopupPlan = {
        id,
        accountId: customer.accountId,
        gateway,
        paid: Math.random() < 0.9,
        notify: { times: copies < 0.15 ? 0 : copies < 0.45 ? 3 : 1, outOfOrder: Math.random() < 0.4 },
      };
      result.topups.push(plan);
      if (plan.paid) {
        const reference = await patiently(async () => {
          const row = await options.ctx.db.query<{ ref: string }>(
            'SELECT gateway_payment_id AS ref FROM topups WHERE id = $1',
            [id],
          );
          return row.rows[0]!.ref;
        });
        const paid = await fetch(`${options.gatewaysUrl}/control/${PAY_PATH[gateway](reference)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ notify: plan.notify }),
        });
        await paid.arrayBuffer();
        if (paid.status !== 200) throw new Error(`paying top-up ${id} at ${gateway}: ${paid.status}`);
      }
      await sleep(200 + Math.random() * 600);
    }
  };
  await Promise.all(options.customers.map(loop));
  return result;
}

function topupNumber(text: string): number | undefined {
  try {
    const id = (JSON.parse(text) as { data?: { id?: unknown } }).data?.id;
    return typeof id === 'string' ? Number(id.replace('np-topup-', '')) : undefined;
  } catch {
    return undefined;
  }
}

/** Paid top-ups not credited yet: the run is quiet only once there are none. */
export async function uncreditedPaid(ctx: AppContext, topups: TopupPlan[]): Promise<number> {
  const paid = topups.filter((t) => t.paid).map((t) => t.id);
  if (paid.length === 0) return 0;
  const row = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM topups WHERE id = ANY($1::bigint[]) AND status <> 'credited'`,
    [paid],
  );
  return row.rows[0]!.n;
}

/**
 * Every paid top-up is credited, for exactly what was paid; no unpaid one is; and each account's
 * gateway deposits are exactly its paid top-ups — as many, and as much.
 */
export async function runTopupChecks(ctx: AppContext, topups: TopupPlan[]) {
  const details: Record<string, unknown> = {};
  const rows = await ctx.db.query<{ id: number; status: string; expected: number; credited: number | null }>(
    `SELECT id, status, expected_idr AS expected, credited_idr AS credited FROM topups
     WHERE id = ANY($1::bigint[])`,
    [topups.map((t) => t.id)],
  );
  const byId = new Map(rows.rows.map((r) => [Number(r.id), r]));
  const notCredited: string[] = [];
  const creditedUnpaid: string[] = [];
  for (const plan of topups) {
    const row = byId.get(plan.id);
    if (plan.paid && (row?.status !== 'credited' || Number(row.credited) !== Number(row.expected)))
      notCredited.push(
        `${plan.gateway} ${plan.id}: ${row?.status} ${row?.credited ?? '-'} of ${row?.expected}`,
      );
    if (!plan.paid && (row?.status === 'credited' || row?.credited !== null))
      creditedUnpaid.push(`${plan.gateway} ${plan.id}: ${row?.status}`);
  }
  details.paidNotCredited = notCredited.slice(0, 10);
  details.unpaidCredited = creditedUnpaid.slice(0, 10);

  const accountIds = [...new Set(topups.map((t) => t.accountId))];
  const deposits = await ctx.db.query<{ account_id: number; n: number; idr: string }>(
    `SELECT w.account_id, count(*)::int AS n, sum(t.amount)::text AS idr
     FROM transfers t JOIN ledger_accounts w ON w.id = t.credit_account_id
     WHERE w.account_id = ANY($1) AND t.code = 'gateway_deposit' GROUP BY w.account_id`,
    [accountIds],
  );
  const depositsOf = new Map(deposits.rows.map((d) => [Number(d.account_id), d]));
  const depositMismatch: string[] = [];
  for (const accountId of accountIds) {
    const paid = topups.filter((t) => t.accountId === accountId && t.paid);
    const expected = paid.reduce((sum, t) => sum + Number(byId.get(t.id)?.expected ?? 0), 0);
    const found = depositsOf.get(accountId);
    if ((found?.n ?? 0) !== paid.length || Number(found?.idr ?? 0) !== expected)
      depositMismatch.push(
        `account ${accountId}: ${found?.n ?? 0} deposits of ${found?.idr ?? 0} IDR for ${paid.length} paid top-ups of ${expected}`,
      );
  }
  details.depositMismatch = depositMismatch.slice(0, 10);
  return {
    checks: {
      every_paid_topup_credited_once_for_what_was_paid: notCredited.length === 0,
      no_unpaid_topup_credited: creditedUnpaid.length === 0,
      gateway_deposits_equal_paid_topups: depositMismatch.length === 0,
    },
    details,
  };
}
