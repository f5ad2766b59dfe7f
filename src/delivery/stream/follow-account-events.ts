/**
 * Following an account's events for a stream: from a resume position, every event exactly once, in the
 * order they become visible — including late-committing ones with lower ids (see STRAGGLER_WINDOW).
 * Wake-ups may come at any rate: reads never overlap, and a wake-up during a read causes one more read.
 */
import type { DbContext } from '../../platform/db.ts';
import { STRAGGLER_WINDOW, type StreamEvent, UNSENT_BATCH, unsentEvents } from './account-events.ts';

export interface EventFollower {
  /** Reads what is new and hands it to the sink; call on every wake-up. */
  wake(): Promise<void>;
  stop(): void;
}

export function followAccountEvents({
  ctx,
  input,
}: {
  ctx: DbContext;
  input: {
    accountId: number;
    resumeFrom: number;
    /** Only these event names; all when absent. */
    events?: readonly string[] | undefined;
    sink: (event: StreamEvent) => void;
    onError: (error: unknown) => void;
  };
}): EventFollower {
  const floor = input.resumeFrom;
  let lastId = input.resumeFrom;
  let stopped = false;
  let reading = false;
  let again = false;
  // Ids sent recently, so late-committing events can be found without sending anything twice.
  const sent = new Map<number, number>();

  const wake = async (): Promise<void> => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const events = await unsentEvents({
          ctx,
          input: {
            accountId: input.accountId,
            afterId: lastId,
            floor,
            sent: new Set(sent.keys()),
            events: input.events,
          },
        });
        const now = Date.now();
        for (const event of events) {
          if (stopped) break;
          input.sink(event);
          sent.set(event.id, now);
          lastId = Math.max(lastId, event.id);
        }
        for (const [id, at] of sent) if (now - at > 2 * STRAGGLER_WINDOW.seconds * 1000) sent.delete(id);
        if (events.length >= UNSENT_BATCH) again = true;
      } while (again && !stopped);
    } catch (error) {
      input.onError(error);
    } finally {
      reading = false;
    }
  };
  return {
    wake,
    stop: () => {
      stopped = true;
    },
  };
}
