/**
 * Sandbox payments: the simulated Heleket, Duitku and Stripe gateways in one local server, configured as
 * numpool's gateways, so a demo customer tops up end to end with no outside network. Each payment page
 * (or the simulator's control API) "pays", and the gateway persona then sends its signed notification to
 * numpool like the real one would. The credentials are the sandbox's own, not secrets.
 *
 * With a state file (numpool start: `<data dir>/sandbox-gateways.json`) the simulated gateways keep their
 * payments and their port across restarts, as the database keeps the top-ups made at them: a top-up made
 * before a restart can still be paid, re-checked, and its stored payment URL opened. Their faults do not
 * survive a restart.
 */
import { join } from 'node:path';
import { SYSTEM_ACTOR } from '../audit/audit-actor.ts';
import type { Config } from '../config.ts';
import { configureGateway } from '../payments/configure-gateway.ts';
import { readGatewaySettings } from '../payments/gateway-settings.ts';
import type { DbContext } from '../platform/db.ts';
import { isLoopbackUrl } from '../platform/loopback.ts';
import { duitkuSim } from '../sim/gateways/duitku-sim.ts';
import { type GatewaySimulator, startGatewaySimulator } from '../sim/gateways/gateway-sim-server.ts';
import { heleketSim } from '../sim/gateways/heleket-sim.ts';
import { stripeSim } from '../sim/gateways/stripe-sim.ts';
import type { SimLogger } from '../sim/types.ts';

export const SANDBOX_GATEWAYS = {
  heleket: { merchant: 'sandbox-heleket-merchant', paymentKey: 'sandbox-heleket-payment-key' },
  duitku: { merchantCode: 'DS0001', apiKey: 'sandbox-duitku-api-key' },
  stripe: { secretKey: 'sk_test_numpool_sandbox', webhookSecret: 'whsec_numpool_sandbox' },
} as const;

export function sandboxGatewaysFile(dataDir: string): string {
  return join(dataDir, 'sandbox-gateways.json');
}

export async function startSandboxGateways({
  ctx,
  input,
}: {
  ctx: DbContext & { config: Config; secret: string; log?: SimLogger };
  /** Without a stateFile the gateways start empty and forget everything at close. */
  input: { port?: number | undefined; stateFile?: string | undefined };
}): Promise<GatewaySimulator> {
  const simulator = await startGatewaySimulator({
    port: input.port ?? 0,
    ...(input.stateFile ? { stateFile: input.stateFile } : {}),
    ...(ctx.log ? { log: ctx.log } : {}),
    sims: [
      heleketSim(SANDBOX_GATEWAYS.heleket),
      duitkuSim(SANDBOX_GATEWAYS.duitku),
      stripeSim({ secretKey: SANDBOX_GATEWAYS.stripe.secretKey }),
    ],
  });
  try {
    const gateways = [
      {
        code: 'heleket',
        baseUrl: `${simulator.url}/heleket`,
        currencies: ['USD'],
        min: '1.00',
        max: '1000.00',
      },
      {
        code: 'duitku',
        baseUrl: `${simulator.url}/duitku`,
        currencies: ['IDR'],
        min: '10000',
        max: '20000000',
        methods: ['NQ', 'SP', 'OV', 'DA', 'BC', 'M2', 'I1', 'BR'],
      },
      { code: 'stripe', baseUrl: simulator.url, currencies: ['USD'], min: '1.00', max: '1000.00' },
    ] as const;
    for (const g of gateways) {
      // A gateway an operator pointed at a real service is left alone; earlier sandbox runs are replaced.
      const current = await readGatewaySettings(ctx.db, g.code).catch(() => undefined);
      if (current && !isLoopbackUrl(current.baseUrl)) continue;
      await configureGateway({
        ctx,
        input: {
          code: g.code,
          enabled: true,
          baseUrl: g.baseUrl,
          credentials: { ...SANDBOX_GATEWAYS[g.code] },
          currencies: [...g.currencies],
          methods: 'methods' in g ? [...g.methods] : [],
          minAmount: g.min,
          maxAmount: g.max,
          actor: SYSTEM_ACTOR,
        },
      });
    }
    // Stripe sends every event to one endpoint configured at the gateway, not per payment.
    const endpoint = await fetch(`${simulator.url}/control/stripe/webhook-endpoint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `${ctx.config.publicUrl}/hooks/payments/stripe`,
        secret: SANDBOX_GATEWAYS.stripe.webhookSecret,
      }),
    });
    if (!endpoint.ok)
      throw new Error(`the Stripe simulator refused its webhook endpoint (${endpoint.status})`);
    return simulator;
  } catch (error) {
    await simulator.close();
    throw error;
  }
}
