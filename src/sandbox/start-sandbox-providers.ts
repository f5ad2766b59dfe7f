/**
 * Sandbox supply: the provider simulator runs inside numpool and its personas are registered as providers
 * (marked sandbox), pointing at the simulator's current port. Their offers are synced before the sandbox
 * is announced, so the catalog is full from the first request.
 */
import type { AppContext } from '../app-context.ts';
import { isDomainError } from '../platform/errors.ts';
import { getProvider } from '../providers/list-providers.ts';
import type { ProviderRecord } from '../providers/provider.ts';
import { createProvider, updateProvider } from '../providers/save-provider.ts';
import { syncProviderOffers } from '../providers/sync-offers.ts';
import { DEFAULT_PERSONAS, type Simulator, startSimulator } from '../sim/index.ts';

export interface SandboxSupply {
  simulator: Simulator;
  providers: ProviderRecord[];
}

async function findProvider(ctx: AppContext, code: string): Promise<ProviderRecord | undefined> {
  try {
    return await getProvider({ ctx, input: { ref: code } });
  } catch (error) {
    if (isDomainError(error) && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/** Tries a few times: on a busy machine a whole-catalog answer can outlast the provider timeout once. */
const FIRST_SYNC_ATTEMPTS = 3;

async function firstSync(ctx: AppContext, provider: ProviderRecord): Promise<void> {
  for (let attempt = 1; attempt <= FIRST_SYNC_ATTEMPTS; attempt++) {
    try {
      await syncProviderOffers({ ctx, input: { providerId: provider.id } });
      return;
    } catch (error) {
      ctx.log.warn({ err: error, provider: provider.code, attempt }, 'first sandbox sync failed');
    }
  }
}

export async function startSandboxProviders({
  ctx,
  input,
}: {
  ctx: AppContext;
  input: { port: number; seed: number; smsDelayMs: number; noSmsRate: number };
}): Promise<SandboxSupply> {
  const simulator = await startSimulator({
    port: input.port,
    host: '127.0.0.1',
    seed: input.seed,
    smsDelayMs: input.smsDelayMs,
    noSmsRate: input.noSmsRate,
    log: ctx.log.child({ component: 'simulator' }),
  });
  const providers: ProviderRecord[] = [];
  for (const [index, persona] of DEFAULT_PERSONAS.entries()) {
    const settings = persona.dialect ? { dialect: persona.dialect } : {};
    const wanted = {
      name: `Simulator ${persona.name}`,
      baseUrl: simulator.baseUrl(persona.name),
      credential: persona.credential,
      currency: persona.currency,
      settings,
      timeoutMs: 5_000,
    };
    const existing = await findProvider(ctx, persona.name);
    if (existing && !existing.sandbox) {
      ctx.log.warn(
        { code: persona.name },
        'a real provider uses a simulator persona code; persona not registered',
      );
      continue;
    }
    providers.push(
      existing
        ? await updateProvider({ ctx, input: { ref: existing.id, changes: wanted } })
        : await createProvider({
            ctx,
            input: {
              ...wanted,
              code: persona.name,
              kind: persona.protocol === 'fivesim' ? 'fivesim' : 'handler',
              priority: 100 + index,
              sandbox: true,
            },
          }),
    );
  }
  await Promise.all(providers.filter((p) => p.enabled).map((p) => firstSync(ctx, p)));
  return { simulator, providers };
}

/**
 * Once the API listens: personas that push SMS are pointed at numpool's provider hook (with their
 * provider's secret), through the simulator's control API — as an operator would configure a provider.
 */
export async function connectSandboxPush({
  ctx,
  input,
}: {
  ctx: AppContext;
  input: { supply: SandboxSupply; apiUrl: string };
}): Promise<void> {
  for (const persona of DEFAULT_PERSONAS.filter((p) => p.delivery === 'push')) {
    const provider = input.supply.providers.find((p) => p.code === persona.name);
    if (!provider) continue;
    const webhookUrl = `${input.apiUrl}/hooks/providers/${provider.code}?secret=${provider.hookSecret}`;
    const response = await fetch(`${input.supply.simulator.url}/control/personas/${persona.name}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ webhookUrl }),
    });
    if (!response.ok)
      ctx.log.warn({ persona: persona.name, status: response.status }, 'could not enable SMS push');
  }
}
