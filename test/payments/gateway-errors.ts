/** What the adapter tests expect a refused notification or a failed gateway call to throw. */
import { expect } from 'vitest';
import { GatewayError, NotificationRejected } from '../../src/payments/gateway-port.ts';

export function rejectionOf(run: () => unknown): NotificationRejected {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NotificationRejected);
    return error as NotificationRejected;
  }
  throw new Error('expected a NotificationRejected');
}

export async function gatewayErrorOf(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}
