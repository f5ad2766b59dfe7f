/** assertSafeWebhookUrl: syntax, scheme, credentials, internal names, literal IPs and DNS answers. */
import { describe, expect, it, vi } from 'vitest';
import { assertSafeWebhookUrl, UnsafeWebhookUrl } from '../../../src/delivery/ssrf/index.ts';

const STRICT = { allowPrivate: false };
const DEV = { allowPrivate: true };
const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

/** A resolver that answers `addresses` for every host and records what it was asked. */
function resolverOf(...addresses: string[]) {
  return vi.fn(async (_host: string) => addresses);
}

async function refusal(promise: Promise<unknown>): Promise<UnsafeWebhookUrl> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnsafeWebhookUrl);
  const unsafe = error as UnsafeWebhookUrl;
  expect(unsafe.reason).toEqual(expect.any(String));
  expect(unsafe.reason.length).toBeGreaterThan(0);
  return unsafe;
}

const at = (length: number) => {
  const prefix = 'https://example.com/';
  return prefix + 'a'.repeat(length - prefix.length);
};

describe('assertSafeWebhookUrl, strict policy', () => {
  it.each([
    ['https://example.com/hook', 'https://example.com/hook'],
    ['https://example.com:8443/hook?event=order&x=1', 'https://example.com:8443/hook?event=order&x=1'],
    ['HTTPS://Hooks.Example.COM/Path', 'https://hooks.example.com/Path'],
    ['  https://example.com/hook  ', 'https://example.com/hook'],
    ['https://example.com./hook', 'https://example.com./hook'],
    ['https://example.com/path@not-credentials', 'https://example.com/path@not-credentials'],
    ['https://bücher.example/hook', 'https://xn--bcher-kva.example/hook'],
    [at(2048), at(2048)],
  ])('accepts %s', async (input, href) => {
    const resolve = resolverOf(PUBLIC_V4, PUBLIC_V6);
    const url = await assertSafeWebhookUrl(input, STRICT, resolve);
    expect(url).toBeInstanceOf(URL);
    expect(url.href).toBe(href);
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledWith(url.hostname);
  });

  it.each([
    ['https://8.8.8.8/hook', '8.8.8.8'],
    ['https://134744072/hook', '8.8.8.8'],
    ['https://0x8080808/hook', '8.8.8.8'],
    ['https://010.010.010.010/hook', '8.8.8.8'],
    ['https://8.8.2056/hook', '8.8.8.8'],
    ['https://[2606:4700:4700::1111]:8443/hook', '[2606:4700:4700::1111]'],
    ['https://[::ffff:8.8.8.8]/hook', '[::ffff:808:808]'],
    ['https://[64:ff9b::8.8.8.8]/hook', '[64:ff9b::808:808]'],
  ])('accepts the public literal %s as %s without asking DNS', async (input, hostname) => {
    const resolve = resolverOf('127.0.0.1');
    const url = await assertSafeWebhookUrl(input, STRICT, resolve);
    expect(url.hostname).toBe(hostname);
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each([
    // Syntax and length.
    [''],
    ['   '],
    ['not a url'],
    ['example.com/hook'],
    ['/relative/hook'],
    ['https://'],
    ['https://exa mple.com/'],
    ['https://exa\tmple.com/'],
    ['https://example.com/a\nb'],
    ['https://example.com:99999/'],
    ['https://example.com:0/'],
    ['https://[::1/'],
    ['https://[example.com]/'],
    [at(2049)],
    [`https://example.com/?q=${'%'.repeat(1000)}${'é'.repeat(1000)}`],
    // Schemes.
    ['http://example.com/hook'],
    ['HTTP://example.com/hook'],
    ['ftp://example.com/hook'],
    ['ws://example.com/hook'],
    ['wss://example.com/hook'],
    ['file:///etc/passwd'],
    ['gopher://example.com:70/_hook'],
    ['javascript:alert(1)'],
    ['data:text/plain,hook'],
    ['mailto:hooks@example.com'],
    // Credentials, even empty ones.
    ['https://user:pass@example.com/hook'],
    ['https://user@example.com/hook'],
    ['https://:pass@example.com/hook'],
    ['https://@example.com/hook'],
    ['https://:@example.com/hook'],
    ['https://user%40example.com:x@example.com/hook'],
  ])('refuses %j without asking DNS', async (input) => {
    const resolve = resolverOf(PUBLIC_V4);
    await refusal(assertSafeWebhookUrl(input, STRICT, resolve));
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each([
    ['https://localhost/hook'],
    ['https://LOCALHOST:8443/hook'],
    ['https://localhost./hook'],
    ['https://%6c%6fcalhost/hook'],
    ['https://api.localhost/hook'],
    ['https://printer.local/hook'],
    ['https://metadata.google.internal/computeMetadata/v1/'],
    ['https://db.internal./hook'],
    ['https://router.home.arpa/hook'],
    ['https://box.localdomain/hook'],
    ['https://intranet/hook'],
    ['https://com/hook'],
  ])('refuses the internal or unqualified name in %s without asking DNS', async (input) => {
    const resolve = resolverOf(PUBLIC_V4);
    await refusal(assertSafeWebhookUrl(input, STRICT, resolve));
    expect(resolve).not.toHaveBeenCalled();
  });

  it.each([
    ['https://127.0.0.1/hook'],
    ['https://127.0.0.1:8443/hook'],
    ['https://127.0.0.1./hook'],
    ['https://127.1/hook'],
    ['https://2130706433/hook'],
    ['https://0x7f000001/hook'],
    ['https://0x7f.1/hook'],
    ['https://0177.0.0.1/hook'],
    ['https://0177.0.0.01/hook'],
    ['https://%31%32%37.0.0.1/hook'],
    ['https://0/hook'],
    ['https://0.0.0.0/hook'],
    ['https://10.0.0.1/hook'],
    ['https://167772161/hook'],
    ['https://172.16.5.4/hook'],
    ['https://3232235777/hook'],
    ['https://0xc0.0xa8.1.1/hook'],
    ['https://100.64.0.1/hook'],
    ['https://169.254.169.254/latest/meta-data/'],
    ['https://2852039166/latest/meta-data/'],
    ['https://192.0.2.1/hook'],
    ['https://224.0.0.1/hook'],
    ['https://255.255.255.255/hook'],
    ['https://[::1]/hook'],
    ['https://[::]/hook'],
    ['https://[0:0:0:0:0:0:0:1]/hook'],
    ['https://[::ffff:127.0.0.1]/hook'],
    ['https://[::ffff:7f00:1]/hook'],
    ['https://[::ffff:a9fe:a9fe]/hook'],
    ['https://[::ffff:10.0.0.1]:8443/hook'],
    ['https://[fe80::1]/hook'],
    ['https://[fd00::1]/hook'],
    ['https://[fec0::1]/hook'],
    ['https://[ff02::1]/hook'],
    ['https://[2001:db8::1]/hook'],
    ['https://[64:ff9b::7f00:1]/hook'],
    ['https://[64:ff9b::10.0.0.1]/hook'],
    ['https://[2002:7f00:1::1]/hook'],
    ['https://[2002:a9fe:a9fe::]/hook'],
    ['https://[::127.0.0.1]/hook'],
  ])('refuses the literal address in %s without asking DNS', async (input) => {
    const resolve = resolverOf(PUBLIC_V4);
    await refusal(assertSafeWebhookUrl(input, STRICT, resolve));
    expect(resolve).not.toHaveBeenCalled();
  });
});

describe('assertSafeWebhookUrl, DNS answers', () => {
  it.each([[[PUBLIC_V4]], [[PUBLIC_V6]], [[PUBLIC_V4, PUBLIC_V6, '8.8.8.8']], [['::ffff:8.8.8.8']]])(
    'accepts a host resolving only to public addresses %j',
    async (addresses) => {
      const url = await assertSafeWebhookUrl('https://hooks.example.com/x', STRICT, resolverOf(...addresses));
      expect(url.hostname).toBe('hooks.example.com');
    },
  );

  it.each([
    [['127.0.0.1'], '127.0.0.1'],
    [['10.0.0.5'], '10.0.0.5'],
    [['169.254.169.254'], '169.254.169.254'],
    [['::1'], '::1'],
    [['fd00::5'], 'fd00::5'],
    [['::ffff:192.168.0.1'], '::ffff:192.168.0.1'],
    [['0.0.0.0'], '0.0.0.0'],
    [[PUBLIC_V4, '127.0.0.1'], '127.0.0.1'],
    [['127.0.0.1', PUBLIC_V4], '127.0.0.1'],
    [[PUBLIC_V4, PUBLIC_V6, 'fe80::1'], 'fe80::1'],
    [[PUBLIC_V6, '::ffff:10.1.2.3'], '::ffff:10.1.2.3'],
    [[PUBLIC_V4, 'not-an-address'], 'not-an-address'],
  ])('refuses a host resolving to %j, naming %s', async (addresses, culprit) => {
    const error = await refusal(
      assertSafeWebhookUrl('https://hooks.example.com/x', STRICT, resolverOf(...addresses)),
    );
    expect(error.reason).toContain(culprit);
  });

  it('refuses a host that resolves to no address', async () => {
    await refusal(assertSafeWebhookUrl('https://hooks.example.com/x', STRICT, resolverOf()));
    await refusal(assertSafeWebhookUrl('http://hooks.example.com/x', DEV, resolverOf()));
  });

  it('refuses a host that does not resolve, keeping the resolver error as cause', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.com'), {
      code: 'ENOTFOUND',
    });
    const error = await refusal(
      assertSafeWebhookUrl('https://hooks.example.com/x', STRICT, async () => {
        throw failure;
      }),
    );
    expect(error.cause).toBe(failure);
  });

  it('uses the system resolver by default', async () => {
    const url = await assertSafeWebhookUrl('http://localhost:8080/hook', DEV);
    expect(url.href).toBe('http://localhost:8080/hook');
    await refusal(assertSafeWebhookUrl('https://numpool-ssrf-test.invalid/hook', STRICT));
  });
});

describe('assertSafeWebhookUrl, allowPrivate', () => {
  it.each([
    ['http://localhost:3000/hook', ['127.0.0.1', '::1']],
    ['http://api.localhost/hook', ['127.0.0.1']],
    ['https://printer.local/hook', ['192.168.1.20']],
    ['http://intranet/hook', ['10.1.2.3']],
    ['http://127.0.0.1:8080/hook', []],
    ['http://2130706433:8080/hook', []],
    ['http://[::1]:8080/hook', []],
    ['http://[::ffff:127.0.0.1]/hook', []],
    ['http://10.0.0.1/hook', []],
    ['http://172.20.0.3/hook', []],
    ['http://192.168.1.1/hook', []],
    ['http://169.254.169.254/hook', []],
    ['http://[fe80::1]/hook', []],
    ['http://[fd00::1]/hook', []],
    ['https://example.com/hook', [PUBLIC_V4]],
  ])('accepts %s', async (input, addresses) => {
    const url = await assertSafeWebhookUrl(input, DEV, resolverOf(...addresses));
    expect(url).toBeInstanceOf(URL);
  });

  it.each([
    ['http://user:pass@localhost:3000/hook', ['127.0.0.1']],
    ['http://@localhost:3000/hook', ['127.0.0.1']],
    ['ftp://localhost/hook', ['127.0.0.1']],
    ['ws://localhost/hook', ['127.0.0.1']],
    ['not a url', ['127.0.0.1']],
    [`http://localhost/${'a'.repeat(2048)}`, ['127.0.0.1']],
    ['http://0.0.0.0:8080/hook', []],
    ['http://[::]:8080/hook', []],
    ['http://224.0.0.1/hook', []],
    ['http://255.255.255.255/hook', []],
    ['http://[ff02::1]/hook', []],
    ['http://192.0.2.1/hook', []],
    ['http://[2001:db8::1]/hook', []],
    ['http://broadcast.example/hook', ['255.255.255.255']],
    ['http://mixed.example/hook', ['127.0.0.1', '0.0.0.0']],
  ])('still refuses %s', async (input, addresses) => {
    await refusal(assertSafeWebhookUrl(input, DEV, resolverOf(...addresses)));
  });
});
