/**
 * Handler activation actions: getBalance, getNumber(V2), getStatus(V2), getFullSms, setStatus,
 * getActiveActivations. Shapes follow the recorded sms-activate.org responses (ids, phones and costs as
 * strings in JSON, boolean canGetAnotherSms, `YYYY-MM-DD HH:MM:SS` times in UTC).
 *
 * Activation states as getStatus prints them: waiting → STATUS_WAIT_CODE; received/finished →
 * STATUS_OK:<latest code>; waiting for another SMS → STATUS_WAIT_RETRY:<previous code>; cancelled or
 * expired without an SMS → STATUS_CANCEL.
 */
import { type Activation, latestSms } from './activation.ts';
import { findOffer } from './catalog-slice.ts';
import { type ActionContext, type HandlerOutcome, param } from './handler-catalog-actions.ts';
import { fail, type HandlerFailure } from './handler-errors.ts';
import { json, text } from './http-io.ts';
import { handlerTime, moneyText, parseDecimal } from './wire-format.ts';

const CURRENCY_CODE = { USD: 840, RUB: 643 } as const;

export function getBalance({ persona }: ActionContext): HandlerOutcome {
  return text(`ACCESS_BALANCE:${moneyText(persona.balance)}`);
}

function isFailure(value: Activation | HandlerFailure): value is HandlerFailure {
  return 'error' in value;
}

/** The shared purchase of getNumber and getNumberV2. */
function buy({ persona, params }: ActionContext): Activation | HandlerFailure {
  const world = persona.world;
  const service = param(params, 'service');
  const platform = service === undefined ? undefined : world.platformByHandlerCode.get(service);
  if (!platform) return fail('BAD_SERVICE');
  // The original defaults to country 0 (Russia) when none is given.
  const countryText = param(params, 'country') ?? '0';
  const country = /^\d+$/.test(countryText) ? world.countryById.get(Number(countryText)) : undefined;
  if (!country) return fail('BAD_COUNTRY');

  const exceptions = (param(params, 'phoneException') ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (exceptions.some((p) => !/^\d{1,15}$/.test(p))) return fail('WRONG_EXCEPTION_PHONE');

  const known = world.operatorsByCountry.get(country.id) ?? [];
  const requested = (param(params, 'operator') ?? '')
    .split(',')
    .map((o) => o.trim().toLowerCase())
    .filter((o) => o !== '' && o !== 'any');
  const operators = requested.filter((o) => known.includes(o));
  if (requested.length > 0 && operators.length === 0) return fail('BAD_OPERATOR');

  if (persona.fault === 'no_numbers') return fail('NO_NUMBERS');
  const offer = findOffer(persona.slice, country.id, platform.id);
  const pool = offer?.pools[0];
  if (!offer || !pool || pool.stock <= 0) return fail('NO_NUMBERS');
  const maxPrice = parseDecimal(params.get('maxPrice') ?? params.get('max_price'));
  if (maxPrice?.lt(pool.cost)) return fail('WRONG_MAX_PRICE', pool.cost);

  const result = persona.issue(offer, pool, { operators, excludePrefixes: exceptions });
  if (!result.ok) return fail(result.reason === 'no_balance' ? 'NO_BALANCE' : 'NO_NUMBERS');
  return result.activation;
}

export function getNumber(ctx: ActionContext): HandlerOutcome {
  const bought = buy(ctx);
  if (isFailure(bought)) return bought;
  return text(`ACCESS_NUMBER:${bought.id}:${bought.phone}`);
}

export function getNumberV2(ctx: ActionContext): HandlerOutcome {
  const bought = buy(ctx);
  if (isFailure(bought)) return bought;
  const { persona } = ctx;
  return json({
    activationId: bought.id,
    phoneNumber: bought.phone,
    activationCost: moneyText(bought.cost),
    currency: CURRENCY_CODE[persona.config.currency],
    countryCode: String(bought.countryId),
    countryPhoneCode: persona.world.countryById.get(bought.countryId)!.dial_code,
    canGetAnotherSms: true,
    activationTime: handlerTime(bought.createdAt),
    activationEndTime: handlerTime(bought.expiresAt),
    activationOperator: bought.operator,
  });
}

function findActivation({ persona, params }: ActionContext): Activation | HandlerFailure {
  const id = param(params, 'id');
  const activation = id === undefined ? undefined : persona.find(id);
  return activation ?? fail('NO_ACTIVATION');
}

export function statusLine(activation: Activation): string {
  const code = latestSms(activation)?.code ?? '';
  switch (activation.status) {
    case 'waiting':
      return 'STATUS_WAIT_CODE';
    case 'received':
    case 'finished':
      return `STATUS_OK:${code}`;
    case 'waiting_retry':
      return `STATUS_WAIT_RETRY:${code}`;
    case 'canceled':
    case 'timeout':
    case 'banned':
      return 'STATUS_CANCEL';
  }
}

export function getStatus(ctx: ActionContext): HandlerOutcome {
  const activation = findActivation(ctx);
  if (isFailure(activation)) return activation;
  return text(statusLine(activation));
}

export function getStatusV2(ctx: ActionContext): HandlerOutcome {
  const activation = findActivation(ctx);
  if (isFailure(activation)) return activation;
  const line = statusLine(activation);
  if (line === 'STATUS_CANCEL') return text(line);
  const sms = latestSms(activation);
  return json({
    verificationType: 0,
    ...(sms ? { sms: { dateTime: handlerTime(sms.receivedAt), code: sms.code, text: sms.text } } : {}),
  });
}

export function getFullSms(ctx: ActionContext): HandlerOutcome {
  const activation = findActivation(ctx);
  if (isFailure(activation)) return activation;
  const line = statusLine(activation);
  if (line === 'STATUS_CANCEL' || line === 'STATUS_WAIT_CODE') return text(line);
  return text(`FULL_SMS:${latestSms(activation)?.text ?? ''}`);
}

/**
 * 1 ready, 3 another SMS, 6 finish, 8 (or legacy -1) cancel. Repeating a cancel or finish that already
 * happened answers as the first time did, so a client retrying after a timeout gets a clear answer.
 */
export function setStatus(ctx: ActionContext): HandlerOutcome {
  const activation = findActivation(ctx);
  if (isFailure(activation)) return activation;
  const { persona } = ctx;
  const status = param(ctx.params, 'status');
  switch (status) {
    case '1':
      return activation.status === 'waiting' ? text('ACCESS_READY') : fail('BAD_STATUS');
    case '3': {
      const result = persona.requestAnother(activation);
      return result === 'ok' ? text('ACCESS_RETRY_GET') : fail('BAD_STATUS');
    }
    case '6': {
      if (activation.status === 'finished') return text('ACCESS_ACTIVATION');
      const result = persona.finish(activation);
      return result === 'ok' ? text('ACCESS_ACTIVATION') : fail('BAD_STATUS');
    }
    case '8':
    case '-1': {
      if (activation.status === 'canceled' || activation.status === 'timeout') return text('ACCESS_CANCEL');
      const result = persona.cancel(activation);
      if (result === 'ok') return text('ACCESS_CANCEL');
      if (result === 'early') return fail('EARLY_CANCEL_DENIED');
      if (result === 'has_sms') return fail('OTP_RECEIVED');
      return fail('BAD_STATUS');
    }
    default:
      return fail('BAD_STATUS');
  }
}

/** waiting "4", code received "2", another SMS requested "3" (clients read the SMS fields first). */
const ACTIVE_STATUS: Readonly<Record<string, string>> = { waiting: '4', received: '2', waiting_retry: '3' };

export function getActiveActivations({ persona, params }: ActionContext): HandlerOutcome {
  const start = Math.max(0, Number.parseInt(param(params, 'start') ?? '0', 10) || 0);
  const limit = Math.min(100, Math.max(1, Number.parseInt(param(params, 'limit') ?? '100', 10) || 100));
  const open = persona.open().slice(start, start + limit);
  if (open.length === 0) return json({ status: 'error', error: 'NO_ACTIVATIONS' });
  const currency = String(CURRENCY_CODE[persona.config.currency]);
  const activeActivations = open.map((a) => {
    const sms = latestSms(a);
    const country = persona.world.countryById.get(a.countryId)!;
    return {
      activationId: a.id,
      serviceCode: persona.world.platformById.get(a.platformId)!.handler_code,
      phoneNumber: a.phone,
      activationCost: moneyText(a.cost),
      activationStatus: ACTIVE_STATUS[a.status] ?? '4',
      smsCode: sms ? sms.code : null,
      smsText: sms ? sms.text : null,
      activationTime: handlerTime(a.createdAt),
      discount: '0.00',
      repeated: '0',
      countryCode: String(a.countryId),
      countryName: country.name,
      canGetAnotherSms: '1',
      currency,
    };
  });
  return json({ status: 'success', activeActivations });
}
