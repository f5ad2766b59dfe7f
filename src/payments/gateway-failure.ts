import { DomainError } from '../platform/errors.ts';
import { GatewayError } from './gateway-port.ts';

/**
 * A gateway's refusal or outage in the customer's terms: down or unreachable is SERVICE_UNAVAILABLE (try
 * again), a refusal is PROVIDER_ERROR with what the gateway said. Anything else is not the gateway's.
 */
export function gatewayFailure(error: unknown, gateway: string): unknown {
  if (!(error instanceof GatewayError)) return error;
  if (error.retryable)
    return new DomainError('SERVICE_UNAVAILABLE', `${gateway} cannot be reached; try again shortly`, {
      retry_after_seconds: 30,
    });
  return new DomainError(
    'PROVIDER_ERROR',
    `${gateway} refused the payment${error.gatewayMessage ? `: ${error.gatewayMessage}` : ''}`,
  );
}
