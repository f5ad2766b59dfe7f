import { describe, expect, it } from 'vitest';
import { clientBucketOf } from '../../src/platform/client-address.ts';

describe('clientBucketOf', () => {
  it('keeps an IPv4 address as it is, also written IPv4-mapped', () => {
    expect(clientBucketOf('203.0.113.7')).toBe('203.0.113.7');
    expect(clientBucketOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('names an IPv6 address by its /64, however it is written', () => {
    expect(clientBucketOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientBucketOf('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientBucketOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientBucketOf('::1')).toBe('0:0:0:0::/64');
    expect(clientBucketOf('2001:db8:1:3::1')).not.toBe(clientBucketOf('2001:db8:1:2::1'));
  });

  it('leaves what is not an address alone', () => {
    expect(clientBucketOf('unknown')).toBe('unknown');
  });
});
