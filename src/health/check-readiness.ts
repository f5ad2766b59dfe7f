import type { Pool } from '../platform/db.ts';
import { appliedMigrationVersion, latestMigrationVersion } from '../platform/migrate.ts';
import type { Redis } from '../platform/redis.ts';

export interface Readiness {
  ready: boolean;
  database: boolean;
  migrations: { applied: number; expected: number };
  /** null when no Redis is configured. */
  redis: boolean | null;
}

// The migrations this build ships; read once, not on every probe.
const EXPECTED_MIGRATION = latestMigrationVersion();

async function redisAnswers(redis: Redis | undefined): Promise<boolean | null> {
  if (!redis) return null;
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  }
}

/** Ready when the database answers, every shipped migration is applied, and Redis (if configured) answers. */
export async function checkReadiness({
  ctx,
}: {
  ctx: { pool: Pool; redis?: Redis | undefined };
}): Promise<Readiness> {
  const [applied, redis] = await Promise.all([
    appliedMigrationVersion(ctx.pool).catch(() => undefined),
    redisAnswers(ctx.redis),
  ]);
  const database = applied !== undefined;
  return {
    ready: database && applied >= EXPECTED_MIGRATION && redis !== false,
    database,
    migrations: { applied: applied ?? 0, expected: EXPECTED_MIGRATION },
    redis,
  };
}
