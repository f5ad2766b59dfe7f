/**
 * The control API, `/control/...` on the simulator's own server: what demos and other processes (which
 * cannot call the in-process API) use to look at personas, switch faults, inject SMS and inspect
 * activations. JSON in and out; 404 for an unknown persona or activation, 400 for bad input, 409 when an
 * SMS is injected into a closed activation.
 *
 *   GET   /control/personas
 *   GET   /control/personas/:name
 *   PATCH /control/personas/:name                          {fault?, latencyMs?, webhookUrl?, smsDelayMs?, noSmsRate?, balance?}
 *   GET   /control/personas/:name/counters
 *   GET   /control/personas/:name/activations
 *   GET   /control/personas/:name/activations/:id
 *   POST  /control/personas/:name/activations/:id/sms      {text?, code?}
 */
import Big from 'big.js';
import { json, type Reply } from './http-io.ts';
import type { Persona } from './persona.ts';
import { type PersonaPatch, parsePersonaPatch } from './persona-config.ts';
import { SimError } from './sim-errors.ts';

export function applyPatch(persona: Persona, patch: PersonaPatch): void {
  if (patch.fault !== undefined) persona.fault = patch.fault;
  if (patch.latencyMs !== undefined) persona.latencyMs = patch.latencyMs;
  if (patch.webhookUrl !== undefined) persona.config.webhookUrl = patch.webhookUrl;
  if (patch.smsDelayMs !== undefined) persona.smsDelayMs = patch.smsDelayMs;
  if (patch.noSmsRate !== undefined) persona.noSmsRate = patch.noSmsRate;
  if (patch.balance !== undefined) persona.balance = new Big(patch.balance);
}

function parseJsonBody(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body);
  } catch {
    throw new SimError(400, 'body is not valid JSON');
  }
}

function parseSmsBody(body: string): { text?: string; code?: string } {
  const input = parseJsonBody(body);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SimError(400, 'body must be a JSON object');
  }
  const { text, code, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new SimError(400, `unknown field ${unknown.join(', ')}`);
  if (text !== undefined && typeof text !== 'string') throw new SimError(400, 'text must be a string');
  if (code !== undefined && typeof code !== 'string') throw new SimError(400, 'code must be a string');
  return { ...(text === undefined ? {} : { text }), ...(code === undefined ? {} : { code }) };
}

function errorReply(error: SimError): Reply {
  return json({ error: error.message }, error.status);
}

const NOT_FOUND = new SimError(404, 'not found');

export function handleControl(
  personas: ReadonlyMap<string, Persona>,
  method: string,
  segments: readonly string[],
  body: string,
): Reply {
  try {
    return route(personas, method, segments, body);
  } catch (error) {
    if (error instanceof SimError) return errorReply(error);
    throw error;
  }
}

function route(
  personas: ReadonlyMap<string, Persona>,
  method: string,
  segments: readonly string[],
  body: string,
): Reply {
  const [collection, name, sub, id, leaf, ...extra] = segments;
  if (collection !== 'personas' || extra.length > 0) throw NOT_FOUND;
  if (name === undefined) {
    if (method !== 'GET') return methodNotAllowed();
    return json([...personas.values()].map((p) => p.state()));
  }
  const persona = personas.get(name);
  if (!persona) throw new SimError(404, `unknown persona ${name}`);
  if (sub === undefined) {
    if (method === 'GET') return json(persona.state());
    if (method !== 'PATCH') return methodNotAllowed();
    applyPatch(persona, parsePersonaPatch(parseJsonBody(body)));
    return json(persona.state());
  }
  if (sub === 'counters' && id === undefined) {
    if (method !== 'GET') return methodNotAllowed();
    return json(persona.state().counters);
  }
  if (sub !== 'activations') throw NOT_FOUND;
  if (id === undefined) {
    if (method !== 'GET') return methodNotAllowed();
    return json(persona.all().map((a) => persona.view(a)));
  }
  const activation = persona.find(id);
  if (!activation) throw new SimError(404, `unknown activation ${id} at ${name}`);
  if (leaf === undefined) {
    if (method !== 'GET') return methodNotAllowed();
    return json(persona.view(activation));
  }
  if (leaf !== 'sms') throw NOT_FOUND;
  if (method !== 'POST') return methodNotAllowed();
  const sms = persona.inject(activation, parseSmsBody(body));
  return json({ text: sms.text, code: sms.code });
}

function methodNotAllowed(): Reply {
  return json({ error: 'method not allowed' }, 405);
}
