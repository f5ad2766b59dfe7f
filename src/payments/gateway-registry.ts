import { createDuitkuGateway } from './duitku/duitku-gateway.ts';
import { type GatewayCode, type GatewayConfig, GatewayError, type PaymentGateway } from './gateway-port.ts';
import { createHeleketGateway } from './heleket/heleket-gateway.ts';
import { createStripeGateway } from './stripe/stripe-gateway.ts';

const FACTORIES: Record<GatewayCode, (config: GatewayConfig) => PaymentGateway> = {
  heleket: createHeleketGateway,
  duitku: createDuitkuGateway,
  stripe: createStripeGateway,
};

/**
 * The adapter for a configured gateway. Adapters hold no state, so one is built per use. Settings it
 * cannot work with (credentials missing) are a GatewayError, which every caller already answers.
 */
export function gatewayFor(config: GatewayConfig): PaymentGateway {
  try {
    return FACTORIES[config.code](config);
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw new GatewayError(`${config.code} is misconfigured: ${(error as Error).message}`, {
      retryable: false,
    });
  }
}
