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

export async function eventsAfter({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: { accountId: number; afterId: number; limit?: number };
}): Promise<StreamEvent[]> {
  const result = await ctx.db.query<StreamEvent>({
    name: 'stream.events-after',
    text: `SELECT id, event, created_at AS "createdAt", payload FROM order_events
           WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
    values: [input.accountId, input.afterId, input.limit ?? 500],
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
