/**
 * The customers of a chaos run: order loops over both surfaces (/v2 with idempotency keys, some sent
 * twice; the handler API), each order driven to finish, cancel, resend-then-finish or expiry; one event
 * stream per account that reconnects with Last-Event-ID whenever its node dies; and a webhook receiver.
 * Every answer of 500 or more is noted with its time, so the run can tell outage windows from faults.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep } from '../../bench/lib/processes.ts';

export interface Customer {
  accountId: number;
  key: string;
}

export interface Target {
  catalogProductId: number;
  service: string;
  country: number;
}

export interface ServerError {
  at: number;
  status: number;
  path: string;
  body: string;
}

export interface Traffic {
  orders: Map<number, { accountId: number; surface: 'v2' | 'handler'; plan: Plan }>;
  creates: { attempted: number; refused: number; replays: number; replayMismatches: number };
  serverErrors: ServerError[];
}

type Plan = 'finish' | 'cancel' | 'resend' | 'expire';

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

function planFor(): Plan {
  const r = Math.random();
  if (r < 0.5) return 'finish';
  if (r < 0.72) return 'cancel';
  if (r < 0.88) return 'resend';
  return 'expire';
}

export function newTraffic(): Traffic {
  return {
    orders: new Map(),
    creates: { attempted: 0, refused: 0, replays: 0, replayMismatches: 0 },
    serverErrors: [],
  };
}

interface Answer {
  status: number;
  text: string;
}

/**
 * One request to a live API node. A connection that fails before an answer is retried on another node
 * when `retry` allows it: always for reads and idempotent writes, only on a refused connection otherwise.
 */
export async function send(
  traffic: Traffic,
  nodes: () => string[],
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  retry: 'always' | 'refused',
): Promise<Answer | undefined> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const live = nodes();
    if (live.length === 0) {
      await sleep(250);
      continue;
    }
    try {
      const response = await fetch(`${pick(live)}${path}`, {
        ...init,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status >= 500) {
        traffic.serverErrors.push({
          at: Date.now(),
          status: response.status,
          path,
          body: text.slice(0, 200),
        });
        if (retry === 'always' && (response.status === 503 || response.status === 502)) {
          await sleep(Number(response.headers.get('retry-after') ?? 1) * 500);
          continue;
        }
      }
      return { status: response.status, text };
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (retry === 'refused' && code !== 'ECONNREFUSED') return undefined;
      await sleep(200);
    }
  }
  return undefined;
}

const json = (
  answer: Answer | undefined,
): { success?: boolean; data?: unknown; error?: { code: string } } => {
  try {
    return answer ? JSON.parse(answer.text) : {};
  } catch {
    return {};
  }
};

interface OrderDriver {
  /** The order's status, and how many SMS it has (handler: unknown, -1). */
  status(id: number): Promise<{ status: string | undefined; revision: number }>;
  act(id: number, action: 'finish' | 'cancel' | 'resend'): Promise<string | undefined>;
}

function v2Driver(traffic: Traffic, nodes: () => string[], key: string): OrderDriver {
  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  return {
    status: async (id) => {
      const body = json(await send(traffic, nodes, `/v2/orders/${id}`, { headers: auth }, 'always'));
      const data = body.data as { status?: string; sms_revision?: number | null } | undefined;
      return { status: data?.status, revision: data?.sms_revision ?? 0 };
    },
    act: async (id, action) => {
      const answer = await send(
        traffic,
        nodes,
        `/v2/orders/${action}`,
        { method: 'POST', headers: auth, body: JSON.stringify({ id }) },
        'always',
      );
      const body = json(answer);
      return body.success ? 'ok' : body.error?.code;
    },
  };
}

function handlerDriver(traffic: Traffic, nodes: () => string[], key: string): OrderDriver {
  const call = (query: string) =>
    send(traffic, nodes, `/stubs/handler_api.php?api_key=${key}&${query}`, {}, 'always');
  const codes = { finish: 6, cancel: 8, resend: 3 } as const;
  return {
    status: async (id) => {
      const text = (await call(`action=getStatus&id=${id}`))?.text ?? '';
      // After a resend the handler says STATUS_WAIT_RETRY until the next SMS: waiting for OK is enough.
      const status = text.startsWith('STATUS_OK')
        ? 'OTP_RECEIVED'
        : text.startsWith('STATUS_WAIT')
          ? 'ACTIVE'
          : text === 'STATUS_CANCEL'
            ? 'CANCELED'
            : text || undefined;
      return { status, revision: -1 };
    },
    act: async (id, action) => {
      const text = (await call(`action=setStatus&id=${id}&status=${codes[action]}`))?.text ?? '';
      return /^ACCESS_/.test(text) ? 'ok' : text;
    },
  };
}

async function createOrder(
  traffic: Traffic,
  nodes: () => string[],
  customer: Customer,
  target: Target,
  surface: 'v2' | 'handler',
): Promise<number | undefined> {
  traffic.creates.attempted++;
  if (surface === 'handler') {
    const answer = await send(
      traffic,
      nodes,
      `/stubs/handler_api.php?api_key=${customer.key}&action=getNumber&service=${target.service}&country=${target.country}`,
      {},
      'refused',
    );
    const match = /^ACCESS_NUMBER:(\d+):/.exec(answer?.text ?? '');
    if (!match) traffic.creates.refused++;
    return match ? Number(match[1]) : undefined;
  }
  const request = {
    method: 'POST',
    headers: {
      authorization: `Bearer ${customer.key}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify({ catalog_product_id: target.catalogProductId }),
  };
  const idOf = (answer: Answer | undefined) =>
    (json(answer).data as { orders?: Array<{ id: number }> } | undefined)?.orders?.[0]?.id;
  const id = idOf(await send(traffic, nodes, '/v2/orders/create', request, 'always'));
  if (id === undefined) {
    traffic.creates.refused++;
    return undefined;
  }
  // A client that lost the answer sends the same request again: it must get the same order back.
  if (Math.random() < 0.2) {
    traffic.creates.replays++;
    const again = idOf(await send(traffic, nodes, '/v2/orders/create', request, 'always'));
    if (again !== id) traffic.creates.replayMismatches++;
  }
  return id;
}

/** Waits for an SMS newer than `after` (a revision; -1 when the surface does not tell). */
async function waitForCode(
  driver: OrderDriver,
  id: number,
  ms: number,
  after = 0,
): Promise<{ status: string | undefined; revision: number }> {
  const deadline = Date.now() + ms;
  let seen: { status: string | undefined; revision: number } = { status: undefined, revision: 0 };
  while (Date.now() < deadline) {
    seen = await driver.status(id);
    const fresh = seen.revision < 0 || seen.revision > after;
    if (
      (seen.status === 'OTP_RECEIVED' && fresh) ||
      ['COMPLETED', 'CANCELED', 'EXPIRED'].includes(seen.status ?? '')
    )
      return seen;
    await sleep(400);
  }
  return seen;
}

/** Drives one order to its planned end. Refusals (a raced SMS, a closed order) are part of the game. */
async function driveOrder(driver: OrderDriver, id: number, plan: Plan): Promise<void> {
  if (plan === 'expire') return;
  if (plan === 'cancel') {
    await sleep(200 + Math.random() * 1500);
    const result = await driver.act(id, 'cancel');
    // The SMS came first: the order is paid for, so finish it.
    if (result !== 'ok') await driver.act(id, 'finish');
    return;
  }
  const first = await waitForCode(driver, id, 15_000);
  if (first.status !== 'OTP_RECEIVED') {
    if (first.status !== 'CANCELED' && first.status !== 'EXPIRED') await driver.act(id, 'cancel');
    return;
  }
  if (plan === 'resend' && (await driver.act(id, 'resend')) === 'ok') {
    // The customer waits for the new code before finishing.
    await waitForCode(driver, id, 15_000, first.revision);
  }
  await driver.act(id, 'finish');
}

/** Order loops until `orders` were placed or the deadline passed. */
export async function runOrderLoops(options: {
  traffic: Traffic;
  nodes: () => string[];
  customers: Customer[];
  targets: Target[];
  orders: number;
  concurrency: number;
  until: number;
}): Promise<void> {
  const { traffic, nodes } = options;
  let placed = 0;
  const inFlight = new Set<Promise<void>>();
  const loop = async () => {
    while (placed < options.orders && Date.now() < options.until) {
      placed++;
      const customer = pick(options.customers);
      const surface = Math.random() < 0.7 ? 'v2' : 'handler';
      const id = await createOrder(traffic, nodes, customer, pick(options.targets), surface);
      if (id === undefined) continue;
      const plan = planFor();
      traffic.orders.set(id, { accountId: customer.accountId, surface, plan });
      const driver =
        surface === 'v2'
          ? v2Driver(traffic, nodes, customer.key)
          : handlerDriver(traffic, nodes, customer.key);
      // The loop moves on to its next create while this order plays out.
      const work = driveOrder(driver, id, plan).catch(() => undefined);
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
      if (inFlight.size > options.concurrency * 4) await Promise.race(inFlight);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  await Promise.all(inFlight);
}

export interface Streams {
  /** Event ids each account's stream carried. */
  seen: Map<number, Set<number>>;
  reconnects: number;
  /** Why streams ended: an HTTP status that was not 200, an error's message, or `ended`. */
  endings: Map<string, number>;
  close(): void;
}

/** One /v2/stream?events=all per account from the first event, following it across node deaths. */
export function openStreams(nodes: () => string[], customers: Customer[]): Streams {
  const seen = new Map<number, Set<number>>();
  const abort = new AbortController();
  const endings = new Map<string, number>();
  const streams: Streams = { seen, reconnects: 0, endings, close: () => abort.abort() };
  for (const customer of customers) {
    const ids = new Set<number>();
    seen.set(customer.accountId, ids);
    void (async () => {
      let last = 0;
      while (!abort.signal.aborted) {
        const live = nodes();
        if (live.length === 0) {
          await sleep(200);
          continue;
        }
        let ending = 'ended';
        try {
          const response = await fetch(`${pick(live)}/v2/stream?events=all&last_event_id=${last}`, {
            headers: {
              authorization: `Bearer ${customer.key}`,
              accept: 'text/event-stream',
              'last-event-id': String(last),
            },
            signal: abort.signal,
          });
          if (response.status !== 200 || !response.body) {
            ending = `status ${response.status}`;
            await response.body?.cancel();
            throw new Error(ending);
          }
          const decoder = new TextDecoder();
          let buffer = '';
          for await (const chunk of response.body) {
            buffer += decoder.decode(chunk as Uint8Array, { stream: true });
            let end = buffer.indexOf('\n\n');
            while (end >= 0) {
              const frame = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const id = /^id: (\d+)$/m.exec(frame)?.[1];
              if (id) {
                ids.add(Number(id));
                last = Math.max(last, Number(id));
              }
              end = buffer.indexOf('\n\n');
            }
          }
        } catch (error) {
          // The node died or restarts: reconnect below.
          if (ending === 'ended') ending = (error as Error).message;
        }
        if (!abort.signal.aborted) {
          streams.reconnects++;
          endings.set(ending, (endings.get(ending) ?? 0) + 1);
          await sleep(200);
        }
      }
    })();
  }
  return streams;
}

export interface WebhookReceiver {
  url: string;
  /** `${order_id}:${event}` of every delivery received (duplicates allowed). */
  received: Set<string>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          event?: string;
          data?: { order_id?: number; id?: number };
        };
        const order = body.data?.order_id ?? body.data?.id;
        if (body.event && order !== undefined) received.add(`${order}:${body.event}`);
      } catch {
        // not an event
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
