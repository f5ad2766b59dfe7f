import { createDuitkuGateway } from './duitku/duitku-gateway.ts';
import type { GatewayCode, GatewayConfig, PaymentGateway } from './gateway-port.ts';
import { createHeleketGateway } from './heleket/heleket-gateway.ts';
import { createStripeGateway } from './stripe/stripe-gateway.ts';

const FACTORIES: Record<GatewayCode, (config: GatewayConfig) => PaymentGateway> = {
  heleket: createHeleketGateway,
  duitku: createDuitkuGateway,
  stripe: createStripeGateway,
};

/** The adapter for a configured gateway. Adapters hold no state, so one is built per use. */
export function gatewayFor(config: GatewayConfig): PaymentGateway {
  return FACTORIES[config.code](config);
}
