/** Network failures become ProviderErrors that say whether the provider is down or just slow. */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/providers/port.ts';
import { httpGet } from '../../src/providers/transport/http-get.ts';

const servers: Array<{ server: Server; sockets: Set<Socket> }> = [];

function close({ server, sockets }: { server: Server; sockets: Set<Socket> }): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});

/** A raw TCP server doing something rude with each connection. */
async function rude(onConnection: (socket: Socket) => void): Promise<URL> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  servers.push({ server, sockets });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return new URL(`http://127.0.0.1:${address.port}/stubs/handler_api.php?api_key=secret-key`);
}

async function failure(url: URL, timeoutMs = 2000): Promise<ProviderError> {
  const error = await httpGet(url, { timeoutMs, label: 'test call' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('httpGet', () => {
  it('reports a refused connection as UNAVAILABLE', async () => {
    const url = await rude((socket) => socket.destroy());
    await Promise.all(servers.splice(0).map(close));
    const error = await failure(url);
    expect(error.kind).toBe('UNAVAILABLE');
    expect(error.message).not.toContain('secret-key');
  });

  it('reports a connection reset mid-body as UNAVAILABLE', async () => {
    const url = await rude((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nACCESS_');
        setTimeout(() => socket.resetAndDestroy(), 20);
      });
    });
    expect((await failure(url)).kind).toBe('UNAVAILABLE');
  });

  it('reports silence, even after the headers, as TIMEOUT', async () => {
    const silent = await rude(() => undefined);
    expect((await failure(silent, 200)).kind).toBe('TIMEOUT');
    const stalled = await rude((socket) => {
      socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nACCESS_'));
    });
    const error = await failure(stalled, 200);
    expect(error.kind).toBe('TIMEOUT');
    expect(error.message).not.toContain('secret-key');
  });
});
