/**
 * Activation state replies. getStatus says the state and the code; the SMS text comes from getFullSms
 * (vanilla) or getStatusV2 (HeroSMS); getActiveActivations lists the open ones in one call.
 */
import type { ActivationState, ActivationStatus, ProviderSms } from '../port.ts';
import { isRecord, malformed, readCode, readId, readInstant, readText } from '../transport/wire-values.ts';
import type { HandlerBody } from './handler-errors.ts';

export interface StatusLine {
  state: ActivationState;
  /** The code getStatus reported (current on STATUS_OK, previous on STATUS_WAIT_RETRY). */
  code: string | null;
}

export function parseStatusLine(body: HandlerBody): StatusLine {
  const text = body.text;
  if (text === 'STATUS_WAIT_CODE') return { state: 'WAITING', code: null };
  if (text === 'STATUS_WAIT_RESEND') return { state: 'WAITING_RETRY', code: null };
  if (text === 'STATUS_CANCEL') return { state: 'CANCELED', code: null };
  const match = /^(STATUS_OK|STATUS_WAIT_RETRY):(.*)$/s.exec(text);
  if (!match) throw malformed('handler getStatus', 'a STATUS_* line', text);
  return { state: match[1] === 'STATUS_OK' ? 'RECEIVED' : 'WAITING_RETRY', code: readCode(match[2]) };
}

/** `FULL_SMS:<text>` (the text may itself contain colons) → the text; still waiting/cancelled → null. */
export function parseFullSms(body: HandlerBody): string | null {
  const text = body.text;
  if (text.startsWith('FULL_SMS:')) return text.slice('FULL_SMS:'.length);
  if (text === 'STATUS_WAIT_CODE' || text === 'STATUS_WAIT_RESEND' || text === 'STATUS_CANCEL') return null;
  if (text.startsWith('STATUS_WAIT_RETRY')) return null;
  throw malformed('handler getFullSms', 'FULL_SMS:<text>', text);
}

/** `{"verificationType":0,"sms":{"dateTime","code","text"},"call":…}` → the SMS, or null if none yet. */
export function parseStatusV2Sms(body: HandlerBody): ProviderSms | null {
  if (!body.json.ok) {
    if (body.text.startsWith('STATUS_')) return null;
    throw malformed('handler getStatusV2', 'a JSON status', body.text);
  }
  const json = body.json.value;
  if (!isRecord(json)) throw malformed('handler getStatusV2', 'a JSON status', body.text);
  const sms = json.sms;
  if (sms === undefined || sms === null || (Array.isArray(sms) && sms.length === 0)) return null;
  if (!isRecord(sms)) throw malformed('handler getStatusV2', 'an sms object', body.text);
  const code = readCode(sms.code);
  const text = readText(sms.text) ?? '';
  if (code === null && text.trim() === '') return null;
  return { text, code, receivedAt: readInstant(sms.dateTime) };
}

/** One code or text field of getActiveActivations: a string, null, or (older servers) a list of them. */
function latest(value: unknown): unknown {
  return Array.isArray(value) ? value.at(-1) : value;
}

/**
 * Numeric activation statuses as SMS-Activate reports them, where they say more than the SMS fields:
 * 3 = another SMS requested, 6 = completed, 8 = cancelled.
 */
function activeState(status: string | undefined, hasSms: boolean): ActivationState {
  if (status === '3') return 'WAITING_RETRY';
  if (status === '6') return 'FINISHED';
  if (status === '8') return 'CANCELED';
  return hasSms ? 'RECEIVED' : 'WAITING';
}

const OPEN_STATES: ReadonlySet<ActivationState> = new Set(['WAITING', 'RECEIVED', 'WAITING_RETRY']);

/** Whether an activation can still receive SMS (the others are only listed, not reported). */
export function isOpen(state: ActivationState): boolean {
  return OPEN_STATES.has(state);
}

/**
 * `{"status":"success","activeActivations":[…]}` (a list, or an object keyed by index) → every listed
 * activation with its state and latest SMS.
 */
export function parseActiveActivations(body: HandlerBody): ActivationStatus[] {
  const json = body.json.ok ? body.json.value : undefined;
  const raw = isRecord(json) ? json.activeActivations : undefined;
  const list = isRecord(raw) ? Object.values(raw) : raw;
  if (!Array.isArray(list)) throw malformed('handler getActiveActivations', 'activeActivations', body.text);
  const result: ActivationStatus[] = [];
  for (const item of list) {
    const ref = isRecord(item) ? readId(item.activationId) : undefined;
    if (!isRecord(item) || ref === undefined) {
      throw malformed('handler getActiveActivations', 'activations with an activationId', body.text);
    }
    const code = readCode(latest(item.smsCode));
    const text = readText(latest(item.smsText)) ?? '';
    const hasSms = code !== null || text.trim() !== '';
    const state = activeState(readText(item.activationStatus)?.trim(), hasSms);
    result.push({
      ref,
      state,
      messages: hasSms ? [{ text: text || (code ?? ''), code, receivedAt: null }] : [],
    });
  }
  return result;
}
