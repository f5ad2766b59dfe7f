/**
 * Mobile operators per country. Real names where adapters and demos are likely to look (so a buy with
 * operator 'telkomsel' in Indonesia reads like the real thing), 5SIM-style 'virtualNN' names elsewhere.
 */
import { hashOf, unit } from './seeded-random.ts';

const KNOWN_OPERATORS: Readonly<Record<string, readonly string[]>> = {
  id: ['telkomsel', 'indosat', 'xl', 'three', 'smartfren', 'axis'],
  ru: ['mts', 'megafon', 'beeline', 'tele2', 'yota'],
  kz: ['activ', 'altel', 'beeline', 'tele2'],
  ua: ['kyivstar', 'vodafone', 'lifecell'],
  in: ['airtel', 'jio', 'vi', 'bsnl'],
  ph: ['globe', 'smart', 'dito', 'sun'],
  my: ['maxis', 'celcom', 'digi', 'umobile', 'tunetalk'],
  us: ['tmobile', 'att', 'verizon'],
  gb: ['ee', 'vodafone', 'o2', 'three'],
  br: ['vivo', 'claro', 'tim', 'oi'],
  vn: ['viettel', 'vinaphone', 'mobifone', 'vietnamobile'],
  th: ['ais', 'dtac', 'truemove'],
  ng: ['mtn', 'glo', 'airtel', '9mobile'],
  ke: ['safaricom', 'airtel', 'telkom'],
  de: ['telekom', 'vodafone', 'o2'],
  fr: ['orange', 'sfr', 'bouygues', 'free'],
  cn: ['chinamobile', 'unicom', 'chinatelecom'],
  pl: ['play', 'orange', 'plus', 'tmobile'],
  eg: ['vodafone', 'orange', 'etisalat', 'we'],
  mx: ['telcel', 'movistar', 'att'],
  tr: ['turkcell', 'vodafone', 'turktelekom'],
  pk: ['jazz', 'zong', 'telenor', 'ufone'],
  za: ['vodacom', 'mtn', 'cellc', 'telkom'],
  co: ['claro', 'movistar', 'tigo'],
  ar: ['claro', 'movistar', 'personal'],
  es: ['movistar', 'vodafone', 'orange', 'yoigo'],
  it: ['tim', 'vodafone', 'windtre', 'iliad'],
  nl: ['kpn', 'vodafone', 'tmobile'],
  ca: ['rogers', 'bell', 'telus', 'fido'],
  au: ['optus', 'vodafone', 'telstra', 'lebara'],
  ro: ['orange', 'vodafone', 'telekom', 'digi'],
};

/** Whether the country has real operator names (such countries get named 5SIM pools more often). */
export function hasKnownOperators(iso2: string | null): boolean {
  return iso2 !== null && iso2 in KNOWN_OPERATORS;
}

/** Operator codes of one country: real names, or 2–4 stable 'virtualNN' names. */
export function countryOperators(seed: number, countryId: number, iso2: string | null): string[] {
  const known = iso2 ? KNOWN_OPERATORS[iso2] : undefined;
  if (known) return [...known];
  const count = 2 + Math.floor(unit(hashOf(seed, 'operator-count', countryId)) * 3);
  const names = new Set<string>();
  for (let i = 0; names.size < count; i++) {
    names.add(`virtual${1 + Math.floor(unit(hashOf(seed, 'operator', countryId, i)) * 60)}`);
  }
  return [...names];
}
