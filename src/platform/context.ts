/**
 * The plain context passed to every verb: no container, no globals. Built once at start (or per test).
 */
import type { Config } from '../config.ts';
import type { Clock } from './clock.ts';
import type { DbContext } from './db.ts';
import type { Logger } from './logger.ts';
import type { Redis } from './redis.ts';

export interface AppContext extends DbContext {
  config: Config;
  log: Logger;
  clock: Clock;
  secret: string;
  redis: Redis | undefined;
}
