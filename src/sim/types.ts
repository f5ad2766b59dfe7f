/**
 * The simulator's public types. Other parts of numpool (sandbox mode, provider adapter tests) code against
 * these, so they change only together with their users. Runtime-only shapes live next to their code.
 */

/** pino-compatible: a pino Logger fits, and so does a tiny stub in tests. */
export interface SimLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface SimulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 1. The same seed gives the same catalog slice, prices, stock, phones, codes and delays. */
  seed?: number;
  /** Median SMS arrival delay in ms (log-normal), default 5000; 0 = immediate. */
  smsDelayMs?: number;
  /** Share of numbers that never receive an SMS, 0..1, default 0.1. */
  noSmsRate?: number;
  /** Default DEFAULT_PERSONAS. */
  personas?: PersonaConfig[];
  log?: SimLogger;
}

export const FAULT_MODES = ['ok', 'down', 'slow', 'timeout', 'http500', 'garbage', 'no_numbers'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface PersonaConfig {
  /** URL path prefix, [a-z0-9-]+ ('control' is taken by the control API). */
  name: string;
  protocol: 'handler' | 'fivesim';
  /**
   * Handler only. 'plain' = SMS-Activate (every error plain text with HTTP 200); 'json' = HeroSMS style
   * ({"title":CODE,"details":text} with a 4xx, except NO_NUMBERS as plain text 200). Default 'plain'.
   */
  dialect?: 'plain' | 'json';
  currency: 'USD' | 'RUB';
  /** Handler api_key / 5SIM bearer token this persona accepts. */
  credential: string;
  /** Multiplies the shared base prices, so personas differ in price. */
  priceFactor: number;
  /** push: POST each SMS to webhookUrl (handler webhook format) when one is set. */
  delivery: 'push' | 'poll';
  webhookUrl?: string | null;
  /** Cancel is refused (EARLY_CANCEL_DENIED) this long after purchase. Default 0. */
  earlyCancelMs?: number;
  /** Default 20 min (handler) / 15 min (5SIM). */
  activationTtlMs?: number;
}

/** Counters since start, per persona. */
export interface PersonaCounters {
  /** Requests that reached the persona, by action (handler `action`, or 5SIM route such as 'user/buy'). */
  requests: Record<string, number>;
  /** Requests a fault answered instead of the protocol: down, timeout, http500, garbage (not slow). */
  faulted: number;
  numbersIssued: number;
  numbersCanceled: number;
  numbersFinished: number;
  numbersExpired: number;
  /** SMS that reached an activation (scheduled or injected). */
  smsSent: number;
  /** SMS POSTed to the webhook and acknowledged with 200. */
  smsPushed: number;
  /** Webhook attempts that failed (non-200 or network error); each retry counts. */
  pushFailures: number;
  /** SMS whose push was abandoned after the last retry. */
  pushAbandoned: number;
}

/** A persona's configuration with every default applied. */
export type ResolvedPersona = Required<Omit<PersonaConfig, 'webhookUrl'>> & { webhookUrl: string | null };

/** A persona's configuration (defaults applied) with its current run-time state. */
export interface PersonaState extends Omit<ResolvedPersona, 'dialect'> {
  /** Handler personas only. */
  dialect?: 'plain' | 'json';
  baseUrl: string;
  fault: FaultMode;
  /** Delay used by the 'slow' fault. */
  latencyMs: number;
  smsDelayMs: number;
  noSmsRate: number;
  /** Decimal string in the persona's currency. */
  balance: string;
  /** Countries and country × platform offers in this persona's catalog slice. */
  countries: number;
  offers: number;
  activeActivations: number;
  counters: PersonaCounters;
}

export type ActivationStatus =
  | 'waiting'
  | 'received'
  | 'waiting_retry'
  | 'finished'
  | 'canceled'
  | 'timeout'
  | 'banned';

/** One activation as the control API shows it (for tests and demos). */
export interface ActivationView {
  id: string;
  persona: string;
  protocol: 'handler' | 'fivesim';
  status: ActivationStatus;
  countryId: number;
  platformId: number;
  /** Handler service code and 5SIM product name of the platform. */
  service: string;
  product: string;
  operator: string;
  /** Digits with country code, no '+'. */
  phone: string;
  cost: string;
  currency: 'USD' | 'RUB';
  createdAt: string;
  expiresAt: string;
  /** When the next scheduled SMS arrives; null when none is coming. */
  smsExpectedAt: string | null;
  messages: Array<{ text: string; code: string; sender: string; receivedAt: string }>;
}

export interface Simulator {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  /** Handler personas: `${url}/<name>`; 5SIM personas: `${url}/<name>/v1`. */
  baseUrl(persona: string): string;
  personas(): PersonaState[];
  setFault(persona: string, fault: FaultMode, options?: { latencyMs?: number }): void;
  injectSms(
    persona: string,
    activationId: string,
    sms?: { text?: string; code?: string },
  ): Promise<{ text: string; code: string }>;
  /** Closes promptly, even with 'timeout'-mode requests pending. */
  close(): Promise<void>;
}
