/**
 * One provider persona at run time: its catalog slice with live stock, its balance, its activations and
 * their SMS and expiry timers, its fault switch and counters. Protocol surfaces (handler, 5SIM) only parse
 * and print; every state change happens here, so both protocols share one set of rules:
 *
 * - buying charges the balance and takes one number from the pool's stock;
 * - cancel (no SMS yet, after the early-cancel window) and expiry without an SMS refund and return stock;
 * - an activation that expires after an SMS counts as finished (charged), as providers do;
 * - each wait for an SMS draws (seeded by the activation) whether one comes and after what delay.
 *
 * Timers are unref'd and cleared on shutdown, so an idle simulator never holds the process open.
 */
import Big from 'big.js';
import { type Activation, isOpen, type SimSms } from './activation.ts';
import { BodyCache } from './body-cache.ts';
import type { CatalogSlice, Offer, OperatorPool } from './catalog-slice.ts';
import { type ComposedSms, composeSms, extractCode, isValidCode } from './otp-texts.ts';
import { drawPhone } from './phone-numbers.ts';
import { hashOf, logNormal, seededRng, unit } from './seeded-random.ts';
import { SimError } from './sim-errors.ts';
import type {
  ActivationView,
  FaultMode,
  PersonaCounters,
  PersonaState,
  ResolvedPersona,
  SimLogger,
} from './types.ts';
import type { WebhookPusher } from './webhook-push.ts';
import { handlerTime, isoTime, moneyText } from './wire-format.ts';
import type { World } from './world.ts';

export type IssueResult =
  | { ok: true; activation: Activation }
  | { ok: false; reason: 'no_numbers' | 'no_balance' };
export type CancelResult = 'ok' | 'early' | 'has_sms' | 'closed';
export type FinishResult = 'ok' | 'no_sms' | 'closed';

const DEFAULT_LATENCY_MS = 1500;
/** A long-running sandbox forgets closed activations older than an hour once it holds this many. */
const MAX_KEPT_ACTIVATIONS = 20_000;
const KEEP_CLOSED_MS = 60 * 60_000;
/** 5SIM rating: starts at the maximum; cancels, bans and timeouts cost points (per its README). */
const MAX_RATING = 96;

export interface PersonaInit {
  config: ResolvedPersona;
  slice: CatalogSlice;
  world: World;
  pusher: WebhookPusher;
  baseUrl: string;
  smsDelayMs: number;
  noSmsRate: number;
  log: SimLogger | undefined;
}

export class Persona {
  readonly config: ResolvedPersona;
  readonly slice: CatalogSlice;
  readonly world: World;
  /** Set once the server listens. */
  baseUrl: string;
  readonly cache = new BodyCache();
  fault: FaultMode = 'ok';
  latencyMs = DEFAULT_LATENCY_MS;
  smsDelayMs: number;
  noSmsRate: number;
  balance: Big;
  rating = MAX_RATING;
  readonly counters: PersonaCounters = {
    requests: {},
    faulted: 0,
    numbersIssued: 0,
    numbersCanceled: 0,
    numbersFinished: 0,
    numbersExpired: 0,
    smsSent: 0,
    smsPushed: 0,
    pushFailures: 0,
    pushAbandoned: 0,
  };
  readonly #pusher: WebhookPusher;
  readonly #log: SimLogger | undefined;
  readonly #activations = new Map<string, Activation>();
  readonly #phonesInUse = new Set<string>();
  #seq = 0;
  #nextId: number;

  constructor(init: PersonaInit) {
    this.config = init.config;
    this.slice = init.slice;
    this.world = init.world;
    this.baseUrl = init.baseUrl;
    this.smsDelayMs = init.smsDelayMs;
    this.noSmsRate = init.noSmsRate;
    this.#pusher = init.pusher;
    this.#log = init.log;
    this.balance = new Big(init.config.currency === 'RUB' ? '45000' : '500');
    // Ids look like a busy provider's: a seeded start well inside int32, growing by small steps.
    this.#nextId =
      10_000_000 + Math.floor(unit(hashOf(this.world.seed, this.config.name, 'ids')) * 900_000_000);
  }

  get name(): string {
    return this.config.name;
  }

  countRequest(action: string): void {
    this.counters.requests[action] = (this.counters.requests[action] ?? 0) + 1;
  }

  find(id: string): Activation | undefined {
    return this.#activations.get(id);
  }

  /** Every activation, oldest first. */
  all(): Activation[] {
    return [...this.#activations.values()];
  }

  open(): Activation[] {
    return this.all().filter(isOpen);
  }

  /**
   * Rents one number from a pool. operators: the operators the caller accepts (handler `operator=`);
   * undefined = any of the country's.
   */
  issue(
    offer: Offer,
    pool: OperatorPool,
    options: { operators?: readonly string[]; excludePrefixes?: readonly string[] } = {},
  ): IssueResult {
    if (pool.stock <= 0) return { ok: false, reason: 'no_numbers' };
    if (this.balance.lt(pool.cost)) return { ok: false, reason: 'no_balance' };
    const country = this.world.countryById.get(offer.countryId)!;
    const seq = this.#seq;
    const rng = seededRng(this.world.seed, this.name, 'activation', seq);
    const countryOperators = this.world.operatorsByCountry.get(offer.countryId) ?? ['any'];
    const operator =
      pool.operator !== 'any'
        ? pool.operator
        : rng.pick(options.operators && options.operators.length > 0 ? options.operators : countryOperators);
    const phone = drawPhone(rng, country, options.excludePrefixes ?? [], this.#phonesInUse);
    if (phone === null) return { ok: false, reason: 'no_numbers' };

    this.#seq++;
    this.#nextId += rng.int(1, 40);
    const now = Date.now();
    const activation: Activation = {
      id: String(this.#nextId),
      seq,
      countryId: offer.countryId,
      platformId: offer.platformId,
      operator,
      poolOperator: pool.operator,
      phone,
      cost: pool.cost,
      createdAt: now,
      expiresAt: now + this.config.activationTtlMs,
      status: 'waiting',
      messages: [],
      smsDraws: 0,
      smsDueAt: null,
      smsTimer: null,
      expiryTimer: null,
    };
    pool.stock--;
    this.cache.invalidate(offer.countryId, offer.platformId);
    this.balance = this.balance.minus(pool.cost);
    if (this.#activations.size >= MAX_KEPT_ACTIVATIONS) this.#forgetOldClosed(now);
    this.#activations.set(activation.id, activation);
    this.#phonesInUse.add(phone);
    this.counters.numbersIssued++;
    activation.expiryTimer = setTimeout(() => this.#expire(activation), this.config.activationTtlMs);
    activation.expiryTimer.unref();
    this.#scheduleSms(activation, now);
    return { ok: true, activation };
  }

  cancel(activation: Activation): CancelResult {
    if (!isOpen(activation)) return 'closed';
    if (activation.messages.length > 0) return 'has_sms';
    if (Date.now() - activation.createdAt < this.config.earlyCancelMs) return 'early';
    this.#close(activation, 'canceled');
    this.#refund(activation, true);
    this.counters.numbersCanceled++;
    this.#lowerRating(0.1);
    return 'ok';
  }

  finish(activation: Activation): FinishResult {
    if (!isOpen(activation)) return 'closed';
    if (activation.messages.length === 0) return 'no_sms';
    this.#close(activation, 'finished');
    this.counters.numbersFinished++;
    return 'ok';
  }

  /** "Send another SMS" (handler setStatus 3): waits for a further SMS, drawn like the first. */
  requestAnother(activation: Activation): FinishResult {
    if (!isOpen(activation)) return 'closed';
    if (activation.messages.length === 0) return 'no_sms';
    this.#clearSmsTimer(activation);
    activation.status = 'waiting_retry';
    this.#scheduleSms(activation);
    return 'ok';
  }

  /** 5SIM ban: the number is burnt (no stock back); refunded when no SMS came. */
  ban(activation: Activation): 'ok' | 'closed' {
    if (!isOpen(activation)) return 'closed';
    const hadSms = activation.messages.length > 0;
    this.#close(activation, 'banned');
    if (!hadSms) this.#refund(activation, false);
    this.#lowerRating(0.1);
    return 'ok';
  }

  /** An SMS arrives now (control API), replacing any scheduled one. Code from `code`, the text, or drawn. */
  inject(activation: Activation, sms: { text?: string; code?: string } = {}): ComposedSms {
    if (!isOpen(activation)) throw new SimError(409, `activation ${activation.id} is ${activation.status}`);
    if (sms.code !== undefined && !isValidCode(sms.code)) {
      throw new SimError(400, 'code must be 1–64 characters without ":" or line breaks');
    }
    let composed: ComposedSms;
    if (sms.text !== undefined) {
      if (sms.text.trim() === '') throw new SimError(400, 'text must not be empty');
      const code = sms.code ?? extractCode(sms.text);
      if (code === null) throw new SimError(400, 'no code found in text; pass code as well');
      composed = { text: sms.text, code, sender: this.#composeFor(activation, 'inject').sender };
    } else {
      composed = this.#composeFor(activation, 'inject', sms.code);
    }
    this.#clearSmsTimer(activation);
    this.#deliver(activation, composed);
    return composed;
  }

  state(): PersonaState {
    const c = this.config;
    return {
      name: c.name,
      protocol: c.protocol,
      ...(c.protocol === 'handler' ? { dialect: c.dialect } : {}),
      currency: c.currency,
      credential: c.credential,
      priceFactor: c.priceFactor,
      delivery: c.delivery,
      webhookUrl: c.webhookUrl,
      earlyCancelMs: c.earlyCancelMs,
      activationTtlMs: c.activationTtlMs,
      baseUrl: this.baseUrl,
      fault: this.fault,
      latencyMs: this.latencyMs,
      smsDelayMs: this.smsDelayMs,
      noSmsRate: this.noSmsRate,
      balance: moneyText(this.balance),
      countries: this.slice.countryIds.length,
      offers: this.slice.offerCount,
      activeActivations: this.open().length,
      counters: structuredClone(this.counters),
    };
  }

  view(activation: Activation): ActivationView {
    const platform = this.world.platformById.get(activation.platformId)!;
    return {
      id: activation.id,
      persona: this.name,
      protocol: this.config.protocol,
      status: activation.status,
      countryId: activation.countryId,
      platformId: activation.platformId,
      service: platform.handler_code,
      product: platform.code,
      operator: activation.operator,
      phone: activation.phone,
      cost: activation.cost,
      currency: this.config.currency,
      createdAt: isoTime(activation.createdAt),
      expiresAt: isoTime(activation.expiresAt),
      smsExpectedAt: activation.smsDueAt === null ? null : isoTime(activation.smsDueAt),
      messages: activation.messages.map((m) => ({
        text: m.text,
        code: m.code,
        sender: m.sender,
        receivedAt: isoTime(m.receivedAt),
      })),
    };
  }

  shutdown(): void {
    for (const activation of this.#activations.values()) {
      this.#clearSmsTimer(activation);
      if (activation.expiryTimer) clearTimeout(activation.expiryTimer);
      activation.expiryTimer = null;
    }
  }

  /** from: when the wait starts (the purchase time for the first SMS, so smsDueAt − createdAt is the draw). */
  #scheduleSms(activation: Activation, from = Date.now()): void {
    const draw = activation.smsDraws++;
    const rng = seededRng(this.world.seed, this.name, 'sms', activation.seq, draw);
    // Both draws happen whatever the outcome, so changing noSmsRate does not shift the delays.
    const arrives = rng.float() >= this.noSmsRate;
    const delay = Math.round(logNormal(rng, this.smsDelayMs));
    if (!arrives) return;
    if (this.smsDelayMs <= 0) {
      this.#deliver(activation, this.#composeFor(activation, `sms-${draw}`));
      return;
    }
    activation.smsDueAt = from + delay;
    activation.smsTimer = setTimeout(() => {
      activation.smsTimer = null;
      activation.smsDueAt = null;
      if (isOpen(activation)) this.#deliver(activation, this.#composeFor(activation, `sms-${draw}`));
    }, delay);
    activation.smsTimer.unref();
  }

  #composeFor(activation: Activation, what: string, code?: string): ComposedSms {
    const rng = seededRng(
      this.world.seed,
      this.name,
      'text',
      activation.seq,
      what,
      activation.messages.length,
    );
    const platform = this.world.platformById.get(activation.platformId)!;
    const country = this.world.countryById.get(activation.countryId)!;
    return composeSms(rng, this.world.seed, platform, country, code);
  }

  #deliver(activation: Activation, composed: ComposedSms): void {
    const sms: SimSms = { ...composed, receivedAt: Date.now() };
    activation.messages.push(sms);
    activation.status = 'received';
    this.counters.smsSent++;
    this.#log?.debug(
      { persona: this.name, activationId: activation.id, code: sms.code },
      'sim sms delivered',
    );
    const url = this.config.webhookUrl;
    if (this.config.delivery === 'push' && url) {
      const platform = this.world.platformById.get(activation.platformId)!;
      this.#pusher.push(
        url,
        {
          activationId: Number(activation.id),
          service: this.config.protocol === 'handler' ? platform.handler_code : platform.code,
          text: sms.text,
          code: sms.code,
          country: activation.countryId,
          receivedAt: handlerTime(sms.receivedAt),
        },
        {
          delivered: () => this.counters.smsPushed++,
          failedAttempt: () => this.counters.pushFailures++,
          abandoned: () => this.counters.pushAbandoned++,
        },
      );
    }
  }

  #expire(activation: Activation): void {
    activation.expiryTimer = null;
    if (!isOpen(activation)) return;
    if (activation.messages.length > 0) {
      this.#close(activation, 'finished');
      this.counters.numbersFinished++;
      return;
    }
    this.#close(activation, 'timeout');
    this.#refund(activation, true);
    this.counters.numbersExpired++;
    this.#lowerRating(0.15);
  }

  #close(activation: Activation, status: 'finished' | 'canceled' | 'timeout' | 'banned'): void {
    activation.status = status;
    this.#clearSmsTimer(activation);
    if (activation.expiryTimer) clearTimeout(activation.expiryTimer);
    activation.expiryTimer = null;
    this.#phonesInUse.delete(activation.phone);
  }

  #refund(activation: Activation, returnStock: boolean): void {
    this.balance = this.balance.plus(activation.cost);
    if (!returnStock) return;
    const offer = this.slice.offers.get(activation.countryId)?.get(activation.platformId);
    const pool = offer?.pools.find((p) => p.operator === activation.poolOperator);
    if (pool) {
      pool.stock++;
      this.cache.invalidate(activation.countryId, activation.platformId);
    }
  }

  #clearSmsTimer(activation: Activation): void {
    if (activation.smsTimer) clearTimeout(activation.smsTimer);
    activation.smsTimer = null;
    activation.smsDueAt = null;
  }

  #forgetOldClosed(now: number): void {
    for (const [id, activation] of this.#activations) {
      if (!isOpen(activation) && now - activation.createdAt > KEEP_CLOSED_MS) this.#activations.delete(id);
    }
  }

  #lowerRating(points: number): void {
    if (this.config.protocol === 'fivesim')
      this.rating = Math.max(0, Math.round((this.rating - points) * 100) / 100);
  }
}
