/**
 * An account's order events as a stream's history: the same payloads webhooks carry, by increasing id,
 * so a client resumes with Last-Event-ID. History is kept for NUMPOOL_RETENTION_EVENTS_DAYS.
 */
import type { DbContext } from '../../platform/db.ts';

export interface StreamEvent {
  id: number;
  event: string;
  createdAt: Date;
  payload: object;
}

/**
 * Events ids are taken when a transaction writes them, but transactions commit in any order: an event
 * with a lower id can become visible after a higher one was already streamed. A live stream therefore
 * also looks a little behind its position (recent events, a bounded id range) for ones it has not sent.
 */
export const STRAGGLER_WINDOW = { seconds: 30, ids: 5_000 } as const;
export const UNSENT_BATCH = 1_000;

export async function unsentEvents({
  ctx,
  input,
}: {
  ctx: DbContext;
  /** floor: the position the client resumed from; nothing at or below it is sent again. */
  input: {
    accountId: number;
    afterId: number;
    floor: number;
    sent: ReadonlySet<number>;
    /** Only these event names; all when absent. */
    events?: readonly string[] | undefined;
  };
}): Promise<StreamEvent[]> {
  const result = await ctx.db.query<StreamEvent>({
    name: 'stream.unsent-events',
    text: `SELECT id, event, created_at AS "createdAt", payload FROM order_events
           WHERE account_id = $1 AND id > $5 AND NOT (id = ANY($6::bigint[]))
             AND (id > $2 OR (id > $2 - $3 AND created_at > now() - make_interval(secs => $4)))
             AND ($8::text[] IS NULL OR event = ANY($8))
           ORDER BY id LIMIT $7`,
    values: [
      input.accountId,
      input.afterId,
      STRAGGLER_WINDOW.ids,
      STRAGGLER_WINDOW.seconds,
      input.floor,
      [...input.sent],
      UNSENT_BATCH,
      input.events ?? null,
    ],
  });
  return result.rows;
}

export async function latestEventId({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number };
}): Promise<number> {
  const result = await ctx.db.query<{ id: number | null }>(
    'SELECT max(id) AS id FROM order_events WHERE account_id = $1',
    [input.accountId],
  );
  return result.rows[0]?.id ?? 0;
}

/** The event as webhooks send it: {event, timestamp, data}. */
export function eventBody(event: StreamEvent): string {
  return JSON.stringify({
    event: event.event,
    timestamp: event.createdAt.toISOString(),
    data: event.payload,
  });
}
