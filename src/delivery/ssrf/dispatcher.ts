/**
 * The undici Dispatcher every webhook delivery goes through. It judges the address it actually connects to,
 * so a DNS answer that changes between assertSafeWebhookUrl and the connection (DNS rebinding) is still
 * caught:
 *
 * - a host name is resolved by the connector's own `lookup`, which keeps only the addresses
 *   isAllowedAddress allows and fails the connection with UnsafeWebhookUrl when none is left;
 * - a literal IP never reaches `lookup` (node:net connects to it directly), so the connector judges it
 *   before connecting.
 *
 * Redirects are not followed by callers (`redirect: 'manual'`), so every hop is a URL that was checked.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { judgeAddress, type SsrfPolicy } from './address.ts';
import { UnsafeWebhookUrl } from './unsafe-webhook-url.ts';
import type { HostResolver } from './url.ts';

export interface GuardedDispatcherOptions {
  /** TCP (and TLS) connect timeout. Default 10 s. */
  connectTimeoutMs?: number;
  /** Replaces the system resolver at connect time (tests). Default: node:dns lookup, all addresses. */
  resolve?: HostResolver;
}

/** An undici Agent whose connections only ever reach addresses the policy allows. */
export function createGuardedDispatcher(
  policy: SsrfPolicy,
  options: GuardedDispatcherOptions = {},
): Dispatcher {
  const base = buildConnector({
    timeout: options.connectTimeoutMs ?? 10_000,
    lookup: guardedLookup(policy, options.resolve),
  });
  const connect: buildConnector.connector = (connectOptions, callback) => {
    const host = connectOptions.hostname;
    if (isIP(host) !== 0) {
      const verdict = judgeAddress(host, policy);
      if (!verdict.allowed) {
        const error = new UnsafeWebhookUrl(
          `the address ${host} is not a public address (${verdict.category})`,
        );
        queueMicrotask(() => callback(error, null));
        return;
      }
    }
    // Returning the socket lets undici cancel a pending connection.
    return base(connectOptions, callback);
  };
  return new Agent({ connect });
}

/** A node:net `lookup` that resolves every address and hands on only the allowed ones. */
export function guardedLookup(policy: SsrfPolicy, resolve?: HostResolver): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolveAll(hostname, lookupOptions, resolve).then(
      (answers) => {
        const family = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
        const candidates = answers.filter((answer) => family === 0 || answer.family === family);
        const allowed = candidates.filter((answer) => judgeAddress(answer.address, policy).allowed);
        const first = allowed[0];
        if (first === undefined) {
          callback(refusal(hostname, candidates, policy), []);
        } else if (lookupOptions.all === true) {
          callback(null, allowed);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => {
        callback(error instanceof Error ? error : new Error(String(error)), []);
      },
    );
  };
}

async function resolveAll(
  hostname: string,
  lookupOptions: LookupOptions,
  resolve: HostResolver | undefined,
): Promise<LookupAddress[]> {
  if (resolve !== undefined) {
    const addresses = await resolve(hostname);
    return addresses.map((address) => ({ address, family: isIP(address) }));
  }
  return new Promise((fulfil, reject) => {
    const options = { all: true as const, verbatim: true, hints: lookupOptions.hints ?? 0 };
    dnsLookup(hostname, options, (error, addresses) => (error ? reject(error) : fulfil(addresses)));
  });
}

function refusal(hostname: string, answers: LookupAddress[], policy: SsrfPolicy): UnsafeWebhookUrl {
  if (answers.length === 0) return new UnsafeWebhookUrl(`the host ${hostname} resolves to no address`);
  const described = answers
    .map((answer) => `${answer.address} (${judgeAddress(answer.address, policy).category})`)
    .join(', ');
  return new UnsafeWebhookUrl(`the host ${hostname} resolves to no public address: ${described}`);
}
