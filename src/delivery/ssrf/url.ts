/**
 * The check a webhook URL passes when a customer sets it (and again before each delivery): syntax, scheme,
 * no credentials, no internal host names, a literal IP judged after the URL parser's normalisation (so
 * `http://2130706433/`, `http://0x7f.1/` and `http://0177.0.0.1/` are all 127.0.0.1), and every address
 * the host name resolves to judged by isAllowedAddress.
 *
 * Passing this check is not enough on its own: DNS may answer differently at connect time (rebinding).
 * Deliveries must also go through createGuardedDispatcher, which judges the address actually connected to.
 */
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { judgeAddress, type SsrfPolicy } from './address.ts';
import { UnsafeWebhookUrl } from './unsafe-webhook-url.ts';

/** Resolves a host name to the textual IP addresses it points at (v4 and v6). */
export type HostResolver = (host: string) => Promise<string[]>;

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Names that only ever mean "this machine" or "this site", refused without asking DNS. */
const INTERNAL_NAMES = ['localhost', 'local', 'internal', 'localdomain', 'home.arpa'] as const;

/** Default resolver: the system resolver (what connections use), every address, in the order it answers. */
export async function resolveHost(host: string): Promise<string[]> {
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
}

/** Syntax + scheme + literal-IP check, and DNS resolution of the host: every resolved address must be public. */
export async function assertSafeWebhookUrl(
  url: string,
  policy: SsrfPolicy,
  resolve: HostResolver = resolveHost,
): Promise<URL> {
  const parsed = parseWebhookUrl(url, policy);
  const host = parsed.hostname;

  if (host.startsWith('[') || isIPv4(host)) {
    assertAllowed(host, policy, `the address ${host}`);
    return parsed;
  }

  if (!policy.allowPrivate) assertPublicName(host);

  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new UnsafeWebhookUrl(`the host ${host} does not resolve`, { cause: error });
  }
  if (addresses.length === 0) throw new UnsafeWebhookUrl(`the host ${host} resolves to no address`);
  for (const address of addresses)
    assertAllowed(address, policy, `the host ${host} resolves to ${address}, which`);
  return parsed;
}

/** The synchronous part: a well-formed http(s) URL without credentials. */
function parseWebhookUrl(url: string, policy: SsrfPolicy): URL {
  if (typeof url !== 'string' || url.trim() === '') throw new UnsafeWebhookUrl('the URL is empty');
  const text = url.trim();
  if (text.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new UnsafeWebhookUrl(`the URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  // The URL parser silently drops tabs and newlines anywhere; a URL that needs that is not one we store.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u0020\u007f]/.test(text))
    throw new UnsafeWebhookUrl('the URL contains whitespace or control characters');

  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UnsafeWebhookUrl('the URL is not valid');
  }
  if (parsed.href.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new UnsafeWebhookUrl(`the URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowPrivate)) {
    throw new UnsafeWebhookUrl(
      policy.allowPrivate ? 'the URL must use https or http' : 'the URL must use https',
    );
  }
  if (parsed.username !== '' || parsed.password !== '' || hasEmptyUserInfo(text)) {
    throw new UnsafeWebhookUrl('the URL must not contain credentials');
  }
  if (parsed.hostname === '') throw new UnsafeWebhookUrl('the URL has no host');
  if (parsed.port === '0') throw new UnsafeWebhookUrl('the URL has an invalid port');
  return parsed;
}

/** `https://@host/` and `https://:@host/` parse to empty credentials; refuse them as credentials anyway. */
function hasEmptyUserInfo(text: string): boolean {
  const afterScheme = text.replace(/^[a-z][a-z0-9+.-]*:\/*/i, '');
  const authority = afterScheme.split(/[/?#\\]/, 1)[0] ?? '';
  return authority.includes('@');
}

function assertPublicName(host: string): void {
  const name = host.replace(/\.+$/, '');
  if (name === '') throw new UnsafeWebhookUrl('the URL has no host');
  for (const internal of INTERNAL_NAMES) {
    if (name === internal || name.endsWith(`.${internal}`)) {
      throw new UnsafeWebhookUrl(`the host ${host} is an internal name`);
    }
  }
  if (!name.includes('.'))
    throw new UnsafeWebhookUrl(`the host ${host} is not a fully qualified domain name`);
}

function assertAllowed(address: string, policy: SsrfPolicy, subject: string): void {
  const verdict = judgeAddress(address, policy);
  if (!verdict.allowed)
    throw new UnsafeWebhookUrl(`${subject} is not a public address (${verdict.category})`);
}
