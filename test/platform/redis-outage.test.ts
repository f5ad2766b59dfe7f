/**
 * Redis going away under the bus: wake-ups from other nodes cannot arrive, so every subscribed channel
 * hears BUS_RESYNC while Redis is unreachable (listeners re-read the database: polling), once more when
 * the subscription is back, and then messages flow again. The outage is real: a loopback proxy in front
 * of Redis refuses connections.
 */
import { describe, expect, it } from 'vitest';
import { BUS_RESYNC } from '../../src/platform/bus.ts';
import { REDIS_URL, redisBus } from '../support/redis-nodes.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';
import { waitUntil } from '../support/wait.ts';

const target = new URL(REDIS_URL);
const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
const behindProxy = redisBus({ url: proxy.url(REDIS_URL), resyncEveryMs: 50 });
const direct = redisBus();

/** Publishes until the listener has heard `message` (subscriptions take a round trip to start). */
async function deliver(heard: string[], message: string, channel = 'late-test') {
  await waitUntil(async () => {
    await direct.publish(channel, message);
    return heard.includes(message) ? true : undefined;
  });
}

describe('a bus whose Redis goes away', () => {
  it('polls while it is gone, resyncs when it is back, then hears messages again', async () => {
    const heard: string[] = [];
    behindProxy.subscribe('outage-test', (message) => heard.push(message));
    await deliver(heard, 'before', 'outage-test');
    expect(heard).not.toContain(BUS_RESYNC);

    await proxy.refuse();
    // Several resyncs: the channel is polled for as long as Redis stays away.
    await waitUntil(async () => (heard.filter((m) => m === BUS_RESYNC).length >= 3 ? true : undefined));

    await proxy.restore();
    await deliver(heard, 'after', 'outage-test');
    const resyncsAtRecovery = heard.filter((m) => m === BUS_RESYNC).length;
    await deliver(heard, 'after-again', 'outage-test');
    // Back on Redis: no more polling.
    expect(heard.filter((m) => m === BUS_RESYNC).length).toBe(resyncsAtRecovery);
  });

  it('polls from the start when Redis is unreachable then, and resyncs once it is reachable', async () => {
    const late = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    await late.refuse();
    const bus = redisBus({ url: late.url(REDIS_URL), resyncEveryMs: 50 });
    const heard: string[] = [];
    bus.subscribe('late-test', (message) => heard.push(message));
    await waitUntil(async () => (heard.filter((m) => m === BUS_RESYNC).length >= 3 ? true : undefined));

    await late.restore();
    await deliver(heard, 'first');
    const resyncsAtRecovery = heard.filter((m) => m === BUS_RESYNC).length;
    await deliver(heard, 'second');
    expect(heard.filter((m) => m === BUS_RESYNC).length).toBe(resyncsAtRecovery);
  });

  it('a bus that never lost Redis never resyncs', async () => {
    const heard: string[] = [];
    direct.subscribe('steady-test', (message) => heard.push(message));
    await waitUntil(async () => {
      await direct.publish('steady-test', 'hello');
      return heard.includes('hello') ? true : undefined;
    });
    expect(heard).not.toContain(BUS_RESYNC);
  });
});
