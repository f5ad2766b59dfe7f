/**
 * The 5SIM order object, exactly as the docs example: phone with a leading '+', price as a number, times as
 * RFC 3339, `sms` always a list. A fresh order is PENDING for its first second, then RECEIVED ("waiting for
 * or received SMS") — so adapters meet RECEIVED with an empty sms list, as they do on the real service.
 */
import type { Activation } from './activation.ts';
import type { Persona } from './persona.ts';
import { isoTime, jsonNumber } from './wire-format.ts';

const PENDING_MS = 1000;

export type FivesimStatus = 'PENDING' | 'RECEIVED' | 'CANCELED' | 'TIMEOUT' | 'FINISHED' | 'BANNED';

export function orderStatus(activation: Activation, now = Date.now()): FivesimStatus {
  switch (activation.status) {
    case 'waiting':
      return now - activation.createdAt < PENDING_MS ? 'PENDING' : 'RECEIVED';
    case 'received':
    case 'waiting_retry':
      return 'RECEIVED';
    case 'finished':
      return 'FINISHED';
    case 'canceled':
      return 'CANCELED';
    case 'timeout':
      return 'TIMEOUT';
    case 'banned':
      return 'BANNED';
  }
}

export interface FivesimOrder {
  id: number;
  phone: string;
  operator: string;
  product: string;
  price: number;
  status: FivesimStatus;
  expires: string;
  sms: Array<{ created_at: string; date: string; sender: string; text: string; code: string }>;
  created_at: string;
  forwarding: boolean;
  forwarding_number: string;
  country: string;
}

export function fivesimOrder(persona: Persona, activation: Activation): FivesimOrder {
  const world = persona.world;
  return {
    id: Number(activation.id),
    phone: `+${activation.phone}`,
    operator: activation.operator,
    product: world.platformById.get(activation.platformId)!.code,
    price: jsonNumber(activation.cost),
    status: orderStatus(activation),
    expires: isoTime(activation.expiresAt),
    sms: activation.messages.map((m) => ({
      created_at: isoTime(m.receivedAt),
      date: isoTime(m.receivedAt),
      sender: m.sender,
      text: m.text,
      code: m.code,
    })),
    created_at: isoTime(activation.createdAt),
    forwarding: false,
    forwarding_number: '',
    country: world.countryById.get(activation.countryId)!.fivesim ?? '',
  };
}
