import type { Pool } from '../platform/db.ts';
import { appliedMigrationVersion, latestMigrationVersion } from '../platform/migrate.ts';

export interface Readiness {
  ready: boolean;
  database: boolean;
  migrations: { applied: number; expected: number };
}

/** Ready when the database answers and every migration this build knows has been applied. */
export async function checkReadiness({ ctx }: { ctx: { pool: Pool } }): Promise<Readiness> {
  const expected = latestMigrationVersion();
  try {
    const applied = await appliedMigrationVersion(ctx.pool);
    return { ready: applied >= expected, database: true, migrations: { applied, expected } };
  } catch {
    return { ready: false, database: false, migrations: { applied: 0, expected } };
  }
}
