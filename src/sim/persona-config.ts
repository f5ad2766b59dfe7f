/**
 * Validates persona configurations and applies defaults once at start, and validates run-time changes
 * (control API and setFault) the same way, so a bad value fails loudly instead of half-applying.
 */

import { SimError } from './sim-errors.ts';
import type { ResolvedPersona } from './types.ts';
import { FAULT_MODES, type FaultMode, type PersonaConfig } from './types.ts';
import { parseDecimal } from './wire-format.ts';

const HANDLER_TTL_MS = 20 * 60_000;
const FIVESIM_TTL_MS = 15 * 60_000;
const NAME = /^[a-z0-9-]+$/;
const RESERVED_NAMES = new Set(['control']);

export function isWebhookUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function resolvePersonas(configs: readonly PersonaConfig[]): ResolvedPersona[] {
  if (configs.length === 0) throw new Error('simulator: at least one persona is needed');
  const names = new Set<string>();
  return configs.map((config) => {
    const where = `simulator persona ${JSON.stringify(config.name)}`;
    if (typeof config.name !== 'string' || !NAME.test(config.name) || RESERVED_NAMES.has(config.name)) {
      throw new Error(`${where}: name must match [a-z0-9-]+ and not be "control"`);
    }
    if (names.has(config.name)) throw new Error(`${where}: duplicate name`);
    names.add(config.name);
    if (config.protocol !== 'handler' && config.protocol !== 'fivesim')
      throw new Error(`${where}: bad protocol`);
    if (config.dialect !== undefined && config.dialect !== 'plain' && config.dialect !== 'json') {
      throw new Error(`${where}: dialect must be 'plain' or 'json'`);
    }
    if (config.currency !== 'USD' && config.currency !== 'RUB')
      throw new Error(`${where}: currency must be USD or RUB`);
    if (typeof config.credential !== 'string' || !/^\S+$/.test(config.credential)) {
      throw new Error(`${where}: credential must be a non-empty string without spaces`);
    }
    if (!(Number.isFinite(config.priceFactor) && config.priceFactor > 0)) {
      throw new Error(`${where}: priceFactor must be a positive number`);
    }
    if (config.delivery !== 'push' && config.delivery !== 'poll')
      throw new Error(`${where}: delivery must be push or poll`);
    const webhookUrl = config.webhookUrl ?? null;
    if (webhookUrl !== null && !isWebhookUrl(webhookUrl))
      throw new Error(`${where}: webhookUrl must be http(s)`);
    const earlyCancelMs = config.earlyCancelMs ?? 0;
    if (!(Number.isFinite(earlyCancelMs) && earlyCancelMs >= 0))
      throw new Error(`${where}: bad earlyCancelMs`);
    const activationTtlMs =
      config.activationTtlMs ?? (config.protocol === 'handler' ? HANDLER_TTL_MS : FIVESIM_TTL_MS);
    if (!(Number.isFinite(activationTtlMs) && activationTtlMs > 0))
      throw new Error(`${where}: bad activationTtlMs`);
    return {
      name: config.name,
      protocol: config.protocol,
      dialect: config.dialect ?? 'plain',
      currency: config.currency,
      credential: config.credential,
      priceFactor: config.priceFactor,
      delivery: config.delivery,
      webhookUrl,
      earlyCancelMs,
      activationTtlMs,
    };
  });
}

/** A run-time change to a persona (control API PATCH body, after validation). */
export interface PersonaPatch {
  fault?: FaultMode;
  latencyMs?: number;
  webhookUrl?: string | null;
  smsDelayMs?: number;
  noSmsRate?: number;
  /** Decimal string. */
  balance?: string;
}

const PATCH_KEYS = new Set(['fault', 'latencyMs', 'webhookUrl', 'smsDelayMs', 'noSmsRate', 'balance']);
const MAX_DELAY_MS = 3_600_000;

export function isFaultMode(value: unknown): value is FaultMode {
  return typeof value === 'string' && (FAULT_MODES as readonly string[]).includes(value);
}

function isDelay(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_DELAY_MS;
}

/** Checks an untrusted patch; throws SimError(400) naming every bad field. */
export function parsePersonaPatch(input: unknown): PersonaPatch {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SimError(400, 'body must be a JSON object');
  }
  const body = input as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(body)) if (!PATCH_KEYS.has(key)) problems.push(`unknown field ${key}`);
  const patch: PersonaPatch = {};
  if ('fault' in body) {
    if (isFaultMode(body.fault)) patch.fault = body.fault;
    else problems.push(`fault must be one of ${FAULT_MODES.join(', ')}`);
  }
  if ('latencyMs' in body) {
    if (isDelay(body.latencyMs)) patch.latencyMs = body.latencyMs;
    else problems.push(`latencyMs must be a number of ms between 0 and ${MAX_DELAY_MS}`);
  }
  if ('smsDelayMs' in body) {
    if (isDelay(body.smsDelayMs)) patch.smsDelayMs = body.smsDelayMs;
    else problems.push(`smsDelayMs must be a number of ms between 0 and ${MAX_DELAY_MS}`);
  }
  if ('noSmsRate' in body) {
    const rate = body.noSmsRate;
    if (typeof rate === 'number' && rate >= 0 && rate <= 1) patch.noSmsRate = rate;
    else problems.push('noSmsRate must be a number between 0 and 1');
  }
  if ('webhookUrl' in body) {
    const url = body.webhookUrl;
    if (url === null || (typeof url === 'string' && isWebhookUrl(url))) patch.webhookUrl = url;
    else problems.push('webhookUrl must be an http(s) URL or null');
  }
  if ('balance' in body) {
    const balance = body.balance;
    const decimal =
      typeof balance === 'string' || typeof balance === 'number' ? parseDecimal(String(balance)) : undefined;
    if (decimal) patch.balance = decimal.toString();
    else problems.push('balance must be a non-negative decimal');
  }
  if (problems.length > 0) throw new SimError(400, problems.join('; '));
  return patch;
}
