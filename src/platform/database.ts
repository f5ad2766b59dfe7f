/** Where the database comes from: DATABASE_URL when set, otherwise the embedded server in the data dir. */
import type { Config } from '../config.ts';
import { openEmbeddedPostgres } from './embedded-postgres.ts';
import type { Logger } from './logger.ts';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export async function openDatabase(config: Config, log: Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  const embedded = await openEmbeddedPostgres({ dataDir: config.dataDir, log });
  return { url: embedded.url, embedded: true, stop: embedded.stop };
}
