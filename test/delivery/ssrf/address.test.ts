/** isAllowedAddress: which addresses a webhook may connect to, under both policies. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAllowedAddress } from '../../../src/delivery/ssrf/index.ts';

const STRICT = { allowPrivate: false };
const DEV = { allowPrivate: true };

const PUBLIC = [
  // IPv4 public unicast, including the neighbours of every refused block.
  '8.8.8.8',
  '1.1.1.1',
  '93.184.215.14',
  '1.0.0.0',
  '9.255.255.255',
  '11.0.0.0',
  '100.63.255.255',
  '100.128.0.0',
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.0',
  '192.0.3.0',
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0',
  '198.51.99.255',
  '203.0.112.255',
  '223.255.255.255',
  // IPv6 global unicast.
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '2a00:1450:4001:80b::200e',
  '2001:db9::1',
  '[2606:4700:4700::1111]',
  // Embeddings of a public IPv4 address.
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '::FFFF:8.8.8.8',
  '64:ff9b::8.8.8.8',
  '64:ff9b::808:808',
  '2002:808:808::1',
  '2001:0:4136:e378:8000:63bf:f7f7:f7f7', // Teredo: server 65.54.227.120, client 8.8.8.8
];

const PRIVATE = [
  '127.0.0.1',
  '127.255.255.254',
  '10.0.0.1',
  '10.255.255.255',
  '172.16.0.1',
  '172.31.255.255',
  '192.168.0.1',
  '192.168.255.255',
  '169.254.169.254',
  '169.254.0.1',
  '::1',
  '[::1]',
  'fe80::1',
  'fe80::1%eth0',
  'febf:ffff::1',
  'fc00::1',
  'fd12:3456:789a::1',
  '::ffff:127.0.0.1',
  '::ffff:7f00:1',
  '::ffff:10.0.0.1',
  '::ffff:169.254.169.254',
  '::ffff:192.168.1.1',
  '64:ff9b::127.0.0.1',
  '64:ff9b::a00:1',
  '64:ff9b::a9fe:a9fe',
  '2002:7f00:1::1',
  '2002:c0a8:101::',
];

const NEVER = [
  // IPv4 special blocks.
  '0.0.0.0',
  '0.1.2.3',
  '0.255.255.255',
  '100.64.0.1',
  '100.127.255.254',
  '192.0.0.8',
  '192.0.0.170',
  '192.0.2.1',
  '192.88.99.1',
  '198.18.0.1',
  '198.19.255.255',
  '198.51.100.7',
  '203.0.113.9',
  '224.0.0.1',
  '239.255.255.250',
  '240.0.0.1',
  '254.255.255.255',
  '255.255.255.255',
  // IPv6 special blocks.
  '::',
  '[::]',
  'ff02::1',
  'ff0e::1',
  'fec0::1',
  'feff::1',
  '2001:db8::1',
  '2001:db8:ffff::1',
  '3fff::1',
  '100::1',
  '2001:2::1',
  '64:ff9b:1::a00:1',
  '::7f00:1', // deprecated IPv4-compatible
  '::808:808', // deprecated IPv4-compatible, even of a public address
  '::ffff:0:7f00:1', // RFC 6145 IPv4-translated
  '5f00::1',
  '4000::1',
  // Embeddings of a special IPv4 address.
  '::ffff:0.0.0.0',
  '::ffff:100.64.0.1',
  '::ffff:224.0.0.1',
  '::ffff:255.255.255.255',
  '2002:0:1::1',
  '2002:e000:1::1',
  '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo client 192.0.2.45 (documentation)
];

const PRIVATE_EMBEDDED_IN_TEREDO = [
  '2001:0:4136:e378:8000:63bf:f5ff:fffe', // client 10.0.0.1
  '2001:0:a00:1:8000:63bf:f7f7:f7f7', // server 10.0.0.1
  '2001:0:4136:e378:8000:63bf:80ff:fffe', // client 127.0.0.1
];

const NOT_ADDRESSES = [
  '',
  'localhost',
  'example.com',
  '127.1',
  '2130706433',
  '0x7f000001',
  '0177.0.0.1',
  '010.0.0.1',
  '1.2.3.4.5',
  '256.1.1.1',
  ' 8.8.8.8',
  '8.8.8.8 ',
  '[8.8.8.8]',
  '::ffff:127.0.0.1:80',
  '2001:4860:4860::8888::1',
  'gggg::1',
];

describe('isAllowedAddress', () => {
  it.each(PUBLIC)('allows public %s under both policies', (address) => {
    expect(isAllowedAddress(address, STRICT)).toBe(true);
    expect(isAllowedAddress(address, DEV)).toBe(true);
  });

  it.each(PRIVATE)('refuses loopback/private/link-local %s, which allowPrivate lets through', (address) => {
    expect(isAllowedAddress(address, STRICT)).toBe(false);
    expect(isAllowedAddress(address, DEV)).toBe(true);
  });

  it.each(NEVER)('refuses special-purpose %s under both policies', (address) => {
    expect(isAllowedAddress(address, STRICT)).toBe(false);
    expect(isAllowedAddress(address, DEV)).toBe(false);
  });

  it.each(PRIVATE_EMBEDDED_IN_TEREDO)('refuses Teredo %s embedding a non-public IPv4', (address) => {
    expect(isAllowedAddress(address, STRICT)).toBe(false);
  });

  it.each(NOT_ADDRESSES)('refuses %j, which is not a canonical IP address', (text) => {
    expect(isAllowedAddress(text, STRICT)).toBe(false);
    expect(isAllowedAddress(text, DEV)).toBe(false);
  });

  it('judges every IPv6 embedding of an IPv4 address exactly as the IPv4 address itself', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.boolean(), (v4, allowPrivate) => {
        const policy = { allowPrivate };
        const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
        const high = ((a << 8) | b).toString(16);
        const low = ((c << 8) | d).toString(16);
        const expected = isAllowedAddress(v4, policy);
        expect(isAllowedAddress(`::ffff:${v4}`, policy)).toBe(expected);
        expect(isAllowedAddress(`::ffff:${high}:${low}`, policy)).toBe(expected);
        expect(isAllowedAddress(`64:ff9b::${v4}`, policy)).toBe(expected);
        expect(isAllowedAddress(`2002:${high}:${low}::1`, policy)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses every address inside the refused IPv4 blocks', () => {
    const blocks: Array<[number, number]> = [
      [0x00000000, 8],
      [0x0a000000, 8],
      [0x64400000, 10],
      [0x7f000000, 8],
      [0xa9fe0000, 16],
      [0xac100000, 12],
      [0xc0000000, 24],
      [0xc0000200, 24],
      [0xc0a80000, 16],
      [0xc6120000, 15],
      [0xc6336400, 24],
      [0xcb007100, 24],
      [0xe0000000, 4],
      [0xf0000000, 4],
    ];
    const inBlock = fc
      .tuple(fc.constantFrom(...blocks), fc.nat())
      .map(([[base, bits], n]) => (base + (n % 2 ** (32 - bits))) >>> 0)
      .map((n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
    fc.assert(
      fc.property(inBlock, (address) => {
        expect(isAllowedAddress(address, STRICT)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
