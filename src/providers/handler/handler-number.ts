/**
 * Purchase replies. getNumberV2 is JSON whose fields arrive as strings on sms-activate.org and as numbers
 * on HeroSMS; getNumber is the universal `ACCESS_NUMBER:<id>:<phone>` (no cost, no operator).
 */
import type { AcquiredNumber } from '../port.ts';
import { isRecord, malformed, readDecimal, readId, readPhone, readText } from '../transport/wire-values.ts';
import type { HandlerBody } from './handler-errors.ts';

/** "any" (or nothing) means the provider did not say which operator the number is on. */
function operatorOrNull(value: unknown, requested: string | null): string | null {
  const said = readText(value)?.trim();
  if (said && said !== 'any') return said;
  return requested;
}

export function parseNumberV2(body: HandlerBody, requestedOperator: string | null): AcquiredNumber {
  const json = body.json.ok ? body.json.value : undefined;
  if (!isRecord(json)) throw malformed('handler getNumberV2', 'a JSON activation', body.text);
  const ref = readId(json.activationId);
  const phone = readPhone(json.phoneNumber);
  if (ref === undefined || phone === undefined) {
    throw malformed('handler getNumberV2', 'activationId and phoneNumber', body.text);
  }
  const cost = json.activationCost === undefined ? undefined : readDecimal(json.activationCost);
  if (json.activationCost !== undefined && cost === undefined) {
    throw malformed('handler getNumberV2', 'a decimal activationCost', body.text);
  }
  return { ref, phone, operator: operatorOrNull(json.activationOperator, requestedOperator), cost };
}

export function parseAccessNumber(body: HandlerBody, requestedOperator: string | null): AcquiredNumber {
  const match = /^ACCESS_NUMBER:(\d{1,20}):(\+?\d{5,20})$/.exec(body.text);
  const phone = match ? readPhone(match[2]) : undefined;
  if (!match || phone === undefined)
    throw malformed('handler getNumber', 'ACCESS_NUMBER:<id>:<phone>', body.text);
  return { ref: match[1]!, phone, operator: requestedOperator, cost: undefined };
}
