/**
 * Test helpers for the provider simulator: start one on a free port with a fixed seed, and talk to it
 * over real HTTP the way adapters do (fetch, query strings, bearer tokens).
 */
import { type Simulator, type SimulatorOptions, startSimulator } from '../../src/sim/index.ts';

export const SEED = 7;

/**
 * SMS are scheduled a minute out by default, so tests decide when codes arrive (injectSms); tests of the
 * scheduled path lower a persona's delay through the control API.
 */
export function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ seed: SEED, smsDelayMs: 60_000, noSmsRate: 0, ...options });
}

export interface WireReply {
  status: number;
  contentType: string;
  body: string;
}

async function toWire(response: Response): Promise<WireReply> {
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

/** One handler-protocol call; GET with a query string unless a form body is asked for. */
export async function callHandler(
  sim: Simulator,
  persona: string,
  params: Record<string, string>,
  init: { method?: 'GET' | 'POST'; form?: boolean; headers?: Record<string, string> } = {},
): Promise<WireReply> {
  const endpoint = `${sim.baseUrl(persona)}/stubs/handler_api.php`;
  const query = new URLSearchParams(params).toString();
  if (init.form) {
    return toWire(
      await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
        body: query,
      }),
    );
  }
  return toWire(
    await fetch(`${endpoint}?${query}`, { method: init.method ?? 'GET', headers: init.headers ?? {} }),
  );
}

/** One 5SIM call below /v1 (path like 'user/profile'); token undefined = no Authorization header. */
export async function callFivesim(
  sim: Simulator,
  persona: string,
  path: string,
  token?: string,
): Promise<WireReply> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return toWire(await fetch(`${sim.baseUrl(persona)}/${path}`, { headers }));
}

export async function controlCall(
  sim: Simulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${sim.url}/control/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

/** Polls until done(value) or the deadline; returns the last value read. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
