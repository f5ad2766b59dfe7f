/**
 * Where an API key may be used from: a list of CIDR ranges (IPv4 and IPv6), or null for anywhere. Lists
 * are stored as PostgreSQL cidr[] in the form parseAllowlist gives, and matched per request from the
 * cached principal, so each list is parsed once per process, not per request.
 */
import ipaddr from 'ipaddr.js';
import { DomainError } from '../platform/errors.ts';

export const MAX_ALLOWLIST_ENTRIES = 32;

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** One entry to its network in CIDR form; a bare address is a single-address range. Undefined if invalid. */
function normalizeEntry(entry: string): string | undefined {
  const text = entry.trim();
  const slash = text.includes('/');
  // Four-part decimal only: ipaddr.js also reads "10.1" or "0x0a.0.0.1", which nobody means in a list.
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(text) || (!slash && ipaddr.IPv4.isValidFourPartDecimal(text))) {
    const cidr = slash ? text : `${text}/32`;
    const bits = ipaddr.IPv4.parseCIDR(cidr)[1];
    return `${ipaddr.IPv4.networkAddressFromCIDR(cidr).toString()}/${bits}`;
  }
  if (text.includes('%')) return undefined; // zone ids name an interface, not an address
  if (ipaddr.IPv6.isValidCIDR(text) || (!slash && ipaddr.IPv6.isValid(text))) {
    const cidr = slash ? text : `${text}/128`;
    const bits = ipaddr.IPv6.parseCIDR(cidr)[1];
    return `${ipaddr.IPv6.networkAddressFromCIDR(cidr).toRFC5952String()}/${bits}`;
  }
  return undefined;
}

/** Validates and normalizes a list (host bits cleared, duplicates dropped); VALIDATION_ERROR if wrong. */
export function parseAllowlist(entries: readonly string[]): string[] {
  if (entries.length === 0) {
    throw new DomainError(
      'VALIDATION_ERROR',
      'ip_allowlist needs at least one range; null allows any address',
    );
  }
  if (entries.length > MAX_ALLOWLIST_ENTRIES) {
    throw new DomainError('VALIDATION_ERROR', `ip_allowlist holds at most ${MAX_ALLOWLIST_ENTRIES} ranges`);
  }
  const normalized = entries.map((entry) => {
    const range = typeof entry === 'string' ? normalizeEntry(entry) : undefined;
    if (!range) {
      throw new DomainError(
        'VALIDATION_ERROR',
        'ip_allowlist entries are IPv4 or IPv6 addresses or CIDR ranges',
        {
          entry: String(entry).slice(0, 64),
        },
      );
    }
    return range;
  });
  return [...new Set(normalized)];
}

const parsedLists = new WeakMap<readonly string[], Range[]>();

function rangesOf(list: readonly string[]): Range[] {
  let ranges = parsedLists.get(list);
  if (!ranges) {
    ranges = list.flatMap((cidr) => {
      try {
        return [ipaddr.parseCIDR(cidr)];
      } catch {
        return []; // stored lists are valid; an unreadable entry allows nothing
      }
    });
    parsedLists.set(list, ranges);
  }
  return ranges;
}

/** Whether a request from `ip` may use a key with this allowlist (null: any address). */
export function addressAllowed(list: readonly string[] | null, ip: string): boolean {
  if (list === null) return true;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(ip);
  } catch {
    return false;
  }
  // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d: they match IPv4 ranges too.
  const forms =
    address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
      ? [address, (address as ipaddr.IPv6).toIPv4Address()]
      : [address];
  return rangesOf(list).some(([network, bits]) =>
    forms.some((form) => form.kind() === network.kind() && form.match(network, bits)),
  );
}
