import type { Config } from '../config.ts';
import type { Clock } from '../platform/clock.ts';
import type { DbContext } from '../platform/db.ts';

/** What the abuse guard's verbs use: the database, the clock (ban windows) and the thresholds. */
export interface AbuseContext extends DbContext {
  clock: Clock;
  config: Pick<Config, 'abuseGuard'>;
}
