/**
 * Bans and how long they last. A ban blocks creating orders (reads, cancel, finish keep working) until
 * `until`, or until an operator lifts it.
 *
 * Escalation: tier 1 lasts NUMPOOL_ABUSE_BAN_MINUTES; a ban placed within ESCALATION_HOURS of the end of
 * the previous one is one tier higher, and each tier doubles the duration, capped at MAX_BAN_MINUTES
 * (with the default 15 minutes: 15 min, 30 min, 1 h, 2 h … 7 days from tier 11 on). Doubling rather than
 * quadrupling: an honest account with a run of bad numbers pays little, a persistent one still reaches
 * the cap within a day. A ban an operator lifted is forgiven: the next one starts again at tier 1.
 */
import type { Queryable } from '../platform/db.ts';

export const ESCALATION_HOURS = 24;
export const MAX_BAN_MINUTES = 7 * 24 * 60;

export interface AbuseBan {
  id: number;
  accountId: number;
  tier: number;
  startedAt: Date;
  until: Date;
  liftedAt: Date | null;
  liftedBy: number | null;
  reason: BanReason;
}

/** The judged window that tripped a ban, and the thresholds in force then. */
export interface BanReason {
  orders: number;
  failed: number;
  failureRate: number;
  thresholds: { windowOrders: number; minOrders: number; failureRate: number };
}

/** Advisory lock namespace: ban placement and lifting are serialised per account. */
const BAN_LOCK_NAMESPACE = 727_004;

/** Two orders ending at once must not place two bans, nor a lift race a placement: one at a time. */
export async function lockAccountBans(db: Queryable, accountId: number): Promise<void> {
  await db.query({
    name: 'abuse.lock-account',
    text: 'SELECT pg_advisory_xact_lock($1, hashtext($2::text))',
    values: [BAN_LOCK_NAMESPACE, String(accountId)],
  });
}

export const BAN_COLUMNS = `id, account_id AS "accountId", tier, started_at AS "startedAt", until,
  lifted_at AS "liftedAt", lifted_by AS "liftedBy", reason`;

/** The account's most recent ban, whether in force, over or lifted. */
export async function lastBan(db: Queryable, accountId: number): Promise<AbuseBan | null> {
  const found = await db.query<AbuseBan>({
    name: 'abuse.last-ban',
    text: `SELECT ${BAN_COLUMNS} FROM abuse_bans WHERE account_id = $1 ORDER BY started_at DESC, id DESC LIMIT 1`,
    values: [accountId],
  });
  return found.rows[0] ?? null;
}

/** The ban in force at `now`, if any: one probe of a partial index that is empty for most accounts. */
export async function banInForce(db: Queryable, accountId: number, now: Date): Promise<AbuseBan | null> {
  const found = await db.query<AbuseBan>({
    name: 'abuse.ban-in-force',
    text: `SELECT ${BAN_COLUMNS} FROM abuse_bans
           WHERE account_id = $1 AND lifted_at IS NULL AND until > $2 ORDER BY until DESC LIMIT 1`,
    values: [accountId, now],
  });
  return found.rows[0] ?? null;
}

/** When a ban stopped blocking: lifted, or run out. */
export function banEnd(ban: Pick<AbuseBan, 'until' | 'liftedAt'>): Date {
  return ban.liftedAt && ban.liftedAt < ban.until ? ban.liftedAt : ban.until;
}

/** The tier of a ban placed at `now`, after `previous`. */
export function nextTier(previous: AbuseBan | null, now: Date): number {
  if (!previous || previous.liftedAt) return 1;
  const sinceEnd = now.getTime() - banEnd(previous).getTime();
  return sinceEnd <= ESCALATION_HOURS * 3_600_000 ? previous.tier + 1 : 1;
}

export function banMinutes(tier: number, baseMinutes: number): number {
  // The exponent is bounded so the product stays finite whatever the tier.
  return Math.min(MAX_BAN_MINUTES, baseMinutes * 2 ** Math.min(tier - 1, 30));
}

/** Whole seconds until the ban ends, at least 1 while it is in force (clients wait that long). */
export function retryAfterSeconds(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
