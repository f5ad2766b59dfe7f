/**
 * The provider simulator as its own process (`numpool sim`), its personas reset to no fault, no latency
 * and ample balance, each registered as a provider of numpool's database and synced (full catalog).
 * Used by the benchmarks and the chaos run, which differ only in how the simulator sends SMS.
 */
import type { AppContext } from '../../src/app-context.ts';
import { freePort } from '../../src/platform/free-port.ts';
import type { ProviderRecord } from '../../src/providers/provider.ts';
import { createProvider } from '../../src/providers/save-provider.ts';
import { type SyncSummary, syncProviderOffers } from '../../src/providers/sync-offers.ts';
import { DEFAULT_PERSONAS } from '../../src/sim/index.ts';
import { type Child, NUMPOOL_BIN, startNode } from './processes.ts';

export interface SimulatedSupply {
  sim: Child;
  simUrl: string;
  providers: ProviderRecord[];
  syncs: Array<SyncSummary & { code: string }>;
}

export async function startSimulatedSupply(
  ctx: AppContext,
  env: Record<string, string>,
  sms: { delayMs: number; noSmsRate: number },
  startTimeoutMs: number,
): Promise<SimulatedSupply> {
  const simPort = await freePort();
  const sim = startNode('simulator', [NUMPOOL_BIN, 'sim'], {
    ...env,
    NUMPOOL_SIM_PORT: String(simPort),
    NUMPOOL_SIM_SMS_DELAY_MS: String(sms.delayMs),
    NUMPOOL_SIM_NO_SMS_RATE: String(sms.noSmsRate),
  });
  await sim.waitForOutput(/control API: /, startTimeoutMs);
  const simUrl = `http://127.0.0.1:${simPort}`;
  // The simulator prints each persona's base URL as a line of JSON.
  const baseUrls = new Map(
    sim
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{"persona"'))
      .map((line) => JSON.parse(line) as { persona: string; base_url: string })
      .map((p) => [p.persona, p.base_url]),
  );
  const providers: ProviderRecord[] = [];
  const syncs: Array<SyncSummary & { code: string }> = [];
  for (const [index, persona] of DEFAULT_PERSONAS.entries()) {
    // No latency, no fault, money for every order the run places.
    await patchPersona(simUrl, persona.name, { fault: 'ok', latencyMs: 0, balance: '1000000000' });
    const provider = await createProvider({
      ctx,
      input: {
        code: persona.name,
        kind: persona.protocol === 'fivesim' ? 'fivesim' : 'handler',
        name: `Simulator ${persona.name}`,
        baseUrl: baseUrls.get(persona.name) ?? `${simUrl}/${persona.name}`,
        credential: persona.credential,
        currency: persona.currency,
        settings: persona.dialect ? { dialect: persona.dialect } : {},
        priority: 100 + index,
      },
    });
    providers.push(provider);
    syncs.push({
      ...(await syncProviderOffers({ ctx, input: { providerId: provider.id } })),
      code: persona.name,
    });
  }
  return { sim, simUrl, providers, syncs };
}

/** Changes a persona through the simulator's control API (fault, latency, webhook URL, balance…). */
export async function patchPersona(simUrl: string, persona: string, patch: Record<string, unknown>) {
  const response = await fetch(`${simUrl}/control/personas/${persona}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  if (!response.ok) throw new Error(`simulator refused ${JSON.stringify(patch)}: ${await response.text()}`);
}
