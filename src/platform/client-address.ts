/**
 * The part of a client's address that names one client when counting requests or failed logins: an IPv4
 * address itself (also written IPv4-mapped, `::ffff:a.b.c.d`), an IPv6 address by its /64 — the block a
 * single subscriber is normally given, so stepping through its addresses does not buy fresh budgets.
 */
import ipaddr from 'ipaddr.js';

export function clientBucketOf(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}
