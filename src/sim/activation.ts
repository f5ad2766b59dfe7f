/**
 * One rented number, protocol-neutral: the handler and 5SIM surfaces each translate this into their own
 * states. Timers are owned by the persona that created it.
 */
import type { ActivationStatus } from './types.ts';

export interface SimSms {
  text: string;
  code: string;
  sender: string;
  receivedAt: number;
}

export interface Activation {
  /** Decimal integer below 2^31 (the Java client parses it as int32), as text. */
  id: string;
  /** Order of creation within the persona: keys the seeded draws for this activation. */
  seq: number;
  countryId: number;
  platformId: number;
  /** The phone's operator (what getNumberV2 and 5SIM orders report). */
  operator: string;
  /** The pool the number came from (stock returns there). */
  poolOperator: string;
  /** Digits with country code, no '+'. */
  phone: string;
  /** What the persona charged, decimal string in its currency. */
  cost: string;
  createdAt: number;
  expiresAt: number;
  status: ActivationStatus;
  /** Oldest first. */
  messages: SimSms[];
  /** How many SMS waits were drawn (the first on purchase, one more per "send another"). */
  smsDraws: number;
  smsDueAt: number | null;
  smsTimer: NodeJS.Timeout | null;
  expiryTimer: NodeJS.Timeout | null;
}

const OPEN: ReadonlySet<ActivationStatus> = new Set(['waiting', 'received', 'waiting_retry']);

/** Still rented: can receive SMS, be cancelled or finished. */
export function isOpen(activation: Activation): boolean {
  return OPEN.has(activation.status);
}

export function latestSms(activation: Activation): SimSms | undefined {
  return activation.messages.at(-1);
}
