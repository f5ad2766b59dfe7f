/**
 * The gateway simulator's state file: the personas' payments and the port it listened on, as one JSON
 * document, so a restarted simulator still knows every payment numpool made at it (a real gateway keeps
 * them) and can listen where the stored payment URLs point.
 *
 * Failure semantics: an unreadable or corrupt file is logged and the simulator starts empty; a failed
 * write is logged and the simulator goes on (the next change writes again). Each write goes to a temp file
 * renamed over the old one, so a crash at any moment leaves the previous file or the new one, never half
 * of one. Writes are coalesced: while one runs, every change made meanwhile goes into the next.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SimLogger } from '../types.ts';

const VERSION = 1;

export interface GatewaySimState {
  /** The port the simulator listened on last. */
  port: number | null;
  /** Each persona's exported state, by its prefix. */
  gateways: Record<string, unknown>;
}

/** The stored state, or undefined when there is none or it cannot be read (logged). */
export async function readGatewaySimState(
  path: string,
  log: SimLogger | undefined,
): Promise<GatewaySimState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      log?.warn({ path, err: error }, 'gateway simulator state unreadable; starting empty');
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not a JSON object');
    const { version, port, gateways } = parsed as Record<string, unknown>;
    if (version !== VERSION) throw new Error(`unknown version ${String(version)}`);
    if (gateways === null || typeof gateways !== 'object' || Array.isArray(gateways))
      throw new Error('gateways is not an object');
    const validPort = Number.isInteger(port) && (port as number) > 0 && (port as number) < 65_536;
    return { port: validPort ? (port as number) : null, gateways: gateways as Record<string, unknown> };
  } catch (error) {
    log?.warn({ path, err: error }, 'gateway simulator state is corrupt; starting empty');
    return undefined;
  }
}

export class GatewaySimStateFile {
  readonly #path: string;
  readonly #snapshot: () => GatewaySimState;
  readonly #log: SimLogger | undefined;
  /** What the file holds now (as far as this process wrote it): an unchanged state is not rewritten. */
  #written: string | undefined;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  constructor(path: string, snapshot: () => GatewaySimState, log: SimLogger | undefined) {
    this.#path = path;
    this.#snapshot = snapshot;
    this.#log = log;
  }

  /** Resolves once a write that began after this call has finished (or failed, logged); never rejects. */
  save(): Promise<void> {
    if (this.#queued) return this.#queued;
    if (!this.#running) {
      this.#running = this.#write().finally(() => {
        this.#running = undefined;
      });
      return this.#running;
    }
    this.#queued = this.#running.then(() => {
      this.#queued = undefined;
      return this.save();
    });
    return this.#queued;
  }

  async #write(): Promise<void> {
    let text: string;
    try {
      // Taken at once, before any await: every change made up to this call is in it.
      text = `${JSON.stringify({ version: VERSION, ...this.#snapshot() })}\n`;
    } catch (error) {
      this.#log?.warn({ path: this.#path, err: error }, 'gateway simulator state not serialisable');
      return;
    }
    if (text === this.#written) return;
    const temp = `${this.#path}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(this.#path), { recursive: true });
      await writeFile(temp, text, { mode: 0o600 });
      await rename(temp, this.#path);
      this.#written = text;
    } catch (error) {
      this.#log?.warn({ path: this.#path, err: error }, 'gateway simulator state not written');
    }
  }
}
