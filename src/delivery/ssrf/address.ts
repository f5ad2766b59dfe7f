/**
 * Which IP addresses a webhook may be delivered to. Only ordinary public unicast is allowed: everything
 * that can reach numpool's own network (loopback, private, link-local, unique-local, CGNAT), every special
 * or reserved block, and IPv6 forms that embed such an IPv4 address (mapped, NAT64, 6to4, Teredo) are
 * refused. `allowPrivate` (local development and tests only) additionally lets loopback, private,
 * link-local and unique-local targets through.
 *
 * Two layers decide: an explicit CIDR table first (it names the blocks ipaddr.js lumps together, e.g. its
 * "reserved"), then ipaddr.js `range()` for anything the table does not list; only `unicast` passes. For
 * IPv6, unicast must also lie in 2000::/3 (global unicast), so unassigned space such as the deprecated
 * IPv4-compatible ::a.b.c.d is refused too.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface SsrfPolicy {
  /** Local development and tests only: allow loopback, private and link-local targets (and http:). */
  allowPrivate: boolean;
}

/** What an address is, e.g. `unicast`, `loopback`, `private`, `6to4 of 10.0.0.1 (private)`. */
export interface AddressVerdict {
  allowed: boolean;
  category: string;
}

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** The categories `allowPrivate` lets through. */
const PRIVATE_CATEGORIES: ReadonlySet<string> = new Set(['loopback', 'private', 'linkLocal', 'uniqueLocal']);

const V4_TABLE: ReadonlyArray<readonly [IPv4, number, string]> = cidrs<IPv4>([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'carrierGradeNat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'linkLocal'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved (IETF protocol assignments)'],
  ['192.0.2.0/24', 'reserved (documentation)'],
  ['192.88.99.0/24', 'reserved (6to4 relay anycast)'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved (benchmarking)'],
  ['198.51.100.0/24', 'reserved (documentation)'],
  ['203.0.113.0/24', 'reserved (documentation)'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['255.255.255.255/32', 'broadcast'],
]);

const V6_TABLE: ReadonlyArray<readonly [IPv6, number, string]> = cidrs<IPv6>([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'reserved (local-use NAT64)'],
  ['100::/64', 'reserved (discard)'],
  ['2001:2::/48', 'reserved (benchmarking)'],
  ['2001:db8::/32', 'reserved (documentation)'],
  ['3fff::/20', 'reserved (documentation)'],
  ['fc00::/7', 'uniqueLocal'],
  ['fe80::/10', 'linkLocal'],
  ['fec0::/10', 'siteLocal'],
  ['ff00::/8', 'multicast'],
]);

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16');
const TEREDO = ipaddr.IPv6.parseCIDR('2001::/32');

/** True when an address (v4 or v6, IPv4-mapped v6 canonicalised) may be connected to under the policy. */
export function isAllowedAddress(address: string, policy: SsrfPolicy): boolean {
  return judgeAddress(address, policy).allowed;
}

/**
 * The verdict with its reason. Only canonical textual addresses count (what DNS answers and what the URL
 * parser produces; `[...]` brackets and an IPv6 zone are accepted): anything else is refused as
 * `not an IP address` rather than guessed at.
 */
export function judgeAddress(address: string, policy: SsrfPolicy): AddressVerdict {
  const bracketed = address.startsWith('[') && address.endsWith(']');
  const text = bracketed ? address.slice(1, -1) : address;
  const family = isIP(text);
  if (family === 0 || (bracketed && family !== 6)) return { allowed: false, category: 'not an IP address' };
  const parsed = ipaddr.parse(text);
  return parsed.kind() === 'ipv4' ? judgeV4(parsed as IPv4, policy) : judgeV6(parsed as IPv6, policy);
}

function judgeV4(ip: IPv4, policy: SsrfPolicy): AddressVerdict {
  return verdict(lookupTable(ip, V4_TABLE) ?? ip.range(), policy);
}

function judgeV6(ip: IPv6, policy: SsrfPolicy): AddressVerdict {
  if (ip.isIPv4MappedAddress()) return embedded('IPv4-mapped', [ip.toIPv4Address()], policy);
  if (ip.match(NAT64_WELL_KNOWN)) return embedded('NAT64', [v4FromParts(ip.parts[6]!, ip.parts[7]!)], policy);
  if (ip.match(SIX_TO_FOUR)) return embedded('6to4', [v4FromParts(ip.parts[1]!, ip.parts[2]!)], policy);
  if (ip.match(TEREDO)) {
    // Teredo: server IPv4 in bits 32–63, client IPv4 (bit-inverted) in the last 32 bits. Both must be public.
    const server = v4FromParts(ip.parts[2]!, ip.parts[3]!);
    const client = v4FromParts(~ip.parts[6]! & 0xffff, ~ip.parts[7]! & 0xffff);
    return embedded('Teredo', [server, client], policy);
  }
  const category = lookupTable(ip, V6_TABLE) ?? ip.range();
  if (category === 'unicast' && !ip.match(GLOBAL_UNICAST_V6)) {
    return { allowed: false, category: 'reserved (outside global unicast 2000::/3)' };
  }
  return verdict(category, policy);
}

function embedded(kind: string, addresses: IPv4[], policy: SsrfPolicy): AddressVerdict {
  for (const v4 of addresses) {
    const inner = judgeV4(v4, policy);
    if (!inner.allowed)
      return { allowed: false, category: `${kind} of ${v4.toString()} (${inner.category})` };
  }
  return { allowed: true, category: `${kind} of public IPv4` };
}

function verdict(category: string, policy: SsrfPolicy): AddressVerdict {
  const allowed = category === 'unicast' || (policy.allowPrivate && PRIVATE_CATEGORIES.has(category));
  return { allowed, category };
}

function lookupTable<T extends IPv4 | IPv6>(
  ip: T,
  table: ReadonlyArray<readonly [T, number, string]>,
): string | undefined {
  for (const [network, bits, category] of table) {
    if (ip.match(network, bits)) return category;
  }
  return undefined;
}

function v4FromParts(high: number, low: number): IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function cidrs<T extends IPv4 | IPv6>(
  rows: ReadonlyArray<readonly [string, string]>,
): ReadonlyArray<readonly [T, number, string]> {
  return rows.map(([cidr, category]) => {
    const [network, bits] = ipaddr.parseCIDR(cidr);
    return [network as T, bits, category] as const;
  });
}
