import type { EventBus } from '../../src/platform/bus.ts';

/** Resolves when the next subscription to `channel` is taken on `bus` (a request parked on it). */
export function subscribedTo(bus: EventBus, channel: string): Promise<void> {
  const subscribe = bus.subscribe;
  return new Promise((resolve) => {
    bus.subscribe = (name, handler) => {
      const unsubscribe = subscribe.call(bus, name, handler);
      if (name === channel) {
        bus.subscribe = subscribe;
        resolve();
      }
      return unsubscribe;
    };
  });
}
