/**
 * The three personas numpool's sandbox and tests use unless told otherwise: one of each wire flavour, so a
 * single simulator exercises every adapter. Credentials are fixed and public on purpose (sandbox only):
 * handler keys look like real ones (32 lowercase hex), the 5SIM token like a JWT.
 */
import type { PersonaConfig } from './types.ts';

/** SMS-Activate style: plain-text errors with HTTP 200, prices in USD, polled. */
export const ALPHA_API_KEY = '24e0aaf687e76e94ccac264d2981f7de';
/** HeroSMS style: JSON errors with 4xx, prices in USD, pushes SMS when a webhook URL is set. */
export const BETA_API_KEY = '17f48fa367d13d99a50a85aba2b9c4dd';
/** 5SIM v1: bearer token, prices in RUB, polled. */
export const GAMMA_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJnYW1tYUBzaW0ubnVtcG9vbC5sb2NhbCIsImlzcyI6Im51bXBvb2wtc2ltIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjQxMDI0NDQ4MDB9.xANVALDtvC3o5h3v7qUH1KmSsDquQGrhlLIU9pPY3No';

export const DEFAULT_PERSONAS: PersonaConfig[] = [
  {
    name: 'alpha',
    protocol: 'handler',
    dialect: 'plain',
    currency: 'USD',
    credential: ALPHA_API_KEY,
    priceFactor: 1,
    delivery: 'poll',
  },
  {
    name: 'beta',
    protocol: 'handler',
    dialect: 'json',
    currency: 'USD',
    credential: BETA_API_KEY,
    priceFactor: 1.2,
    delivery: 'push',
    webhookUrl: null,
  },
  {
    name: 'gamma',
    protocol: 'fivesim',
    currency: 'RUB',
    credential: GAMMA_TOKEN,
    priceFactor: 0.85,
    delivery: 'poll',
  },
];
