/**
 * The provider simulator: a faithful peer (not a mock) hosting several upstream-provider personas in one
 * node:http server, each speaking a real wire protocol under its own path prefix — SMS-Activate handler
 * (plain and HeroSMS-style JSON error dialects) and 5SIM v1 — with its own catalog slice, prices, stock,
 * operators, SMS arrival, push or poll delivery and switchable faults. numpool's sandbox mode and the
 * provider adapter tests run against it; a real deployment points the same adapters at real providers.
 *
 * Everything is deterministic for a seed. close() stops the server, destroys held ('timeout') requests,
 * clears every timer and aborts webhook retries, so tests end promptly.
 */
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildCatalogSlices } from './catalog-slice.ts';
import { applyPatch } from './control-api.ts';
import { DEFAULT_PERSONAS } from './default-personas.ts';
import { Persona } from './persona.ts';
import { isFaultMode, parsePersonaPatch, resolvePersonas } from './persona-config.ts';
import { SimError } from './sim-errors.ts';
import { createSimServer } from './sim-server.ts';
import type { FaultMode, PersonaState, Simulator, SimulatorOptions } from './types.ts';
import { WebhookPusher } from './webhook-push.ts';
import { buildWorld } from './world.ts';

export { ALPHA_API_KEY, BETA_API_KEY, DEFAULT_PERSONAS, GAMMA_TOKEN } from './default-personas.ts';
export { SimError } from './sim-errors.ts';
export type {
  ActivationStatus,
  ActivationView,
  FaultMode,
  PersonaConfig,
  PersonaCounters,
  PersonaState,
  SimLogger,
  Simulator,
  SimulatorOptions,
} from './types.ts';
export { FAULT_MODES } from './types.ts';

function checkOptions(options: SimulatorOptions): void {
  const { port, seed, smsDelayMs, noSmsRate } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new Error('simulator: port must be an integer 0..65535');
  }
  if (seed !== undefined && !Number.isFinite(seed))
    throw new Error('simulator: seed must be a finite number');
  if (smsDelayMs !== undefined && !(Number.isFinite(smsDelayMs) && smsDelayMs >= 0)) {
    throw new Error('simulator: smsDelayMs must be ≥ 0');
  }
  if (noSmsRate !== undefined && !(noSmsRate >= 0 && noSmsRate <= 1)) {
    throw new Error('simulator: noSmsRate must be between 0 and 1');
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlFor(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  checkOptions(options);
  const seed = options.seed ?? 1;
  const host = options.host ?? '127.0.0.1';
  const log = options.log;
  const configs = resolvePersonas(options.personas ?? DEFAULT_PERSONAS);
  const world = buildWorld(seed);
  const slices = buildCatalogSlices(world, configs);
  const pusher = new WebhookPusher(log);
  const personas = new Map<string, Persona>();
  configs.forEach((config, index) => {
    const persona = new Persona({
      config,
      slice: slices[index]!,
      world,
      pusher,
      baseUrl: '',
      smsDelayMs: options.smsDelayMs ?? 5000,
      noSmsRate: options.noSmsRate ?? 0.1,
      log,
    });
    personas.set(config.name, persona);
  });

  const held = new Set<ServerResponse>();
  const server = createSimServer({ personas, held, log });
  const address = await listen(server, options.port ?? 0, host);
  const url = urlFor(host, address.port);
  for (const persona of personas.values()) {
    persona.baseUrl =
      persona.config.protocol === 'handler' ? `${url}/${persona.name}` : `${url}/${persona.name}/v1`;
  }
  log?.info(
    {
      url,
      seed,
      personas: [...personas.values()].map((p) => ({ name: p.name, offers: p.slice.offerCount })),
    },
    'provider simulator listening',
  );

  const personaNamed = (name: string): Persona => {
    const persona = personas.get(name);
    if (!persona) throw new SimError(404, `unknown persona ${name}`);
    return persona;
  };

  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl: (name) => personaNamed(name).baseUrl,
    personas: (): PersonaState[] => [...personas.values()].map((p) => p.state()),
    setFault(name: string, fault: FaultMode, faultOptions?: { latencyMs?: number }): void {
      const persona = personaNamed(name);
      if (!isFaultMode(fault)) throw new SimError(400, `unknown fault ${String(fault)}`);
      const patch = parsePersonaPatch(
        faultOptions?.latencyMs === undefined ? { fault } : { fault, latencyMs: faultOptions.latencyMs },
      );
      applyPatch(persona, patch);
    },
    async injectSms(name, activationId, sms) {
      const persona = personaNamed(name);
      const activation = persona.find(activationId);
      if (!activation) throw new SimError(404, `unknown activation ${activationId} at ${name}`);
      const composed = persona.inject(activation, sms);
      return { text: composed.text, code: composed.code };
    },
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        for (const persona of personas.values()) persona.shutdown();
        pusher.close();
        server.close(() => resolve());
        server.closeAllConnections();
        held.clear();
        log?.info({ url }, 'provider simulator closed');
      });
      return closing;
    },
  };
}
