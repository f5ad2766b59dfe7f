/**
 * Plausible mobile numbers: the country's dial code and a national number shaped like that country's
 * mobiles where it is well known (Indonesia 8…, Russia 9…, US NXX-NXX-XXXX), a generic 11–12 digit shape
 * elsewhere. Digits only with the country code; the 5SIM surface adds the '+'. Adapters normalise phones by
 * the dial code, so getting the prefix right matters more than the rest.
 */
import type { SeededRng } from './seeded-random.ts';

function digits(rng: SeededRng, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(rng.int(0, 9));
  return out;
}

function nationalNumber(rng: SeededRng, iso2: string | null, dialCode: string): string {
  switch (iso2) {
    case 'id':
      return `8${rng.pick(['1', '2', '3', '5', '7', '9'])}${digits(rng, rng.int(8, 9))}`;
    case 'ru':
      return `9${digits(rng, 9)}`;
    case 'kz':
      return `7${rng.pick(['0', '7'])}${digits(rng, 8)}`;
    case 'us':
    case 'ca':
      return `${rng.int(2, 9)}${digits(rng, 2)}${rng.int(2, 9)}${digits(rng, 6)}`;
    case 'gb':
      return `7${digits(rng, 9)}`;
    case 'in':
      return `${rng.int(6, 9)}${digits(rng, 9)}`;
    case 'ph':
      return `9${digits(rng, 9)}`;
    case 'my':
      return `1${digits(rng, rng.int(8, 9))}`;
    case 'br':
      return `${rng.int(1, 9)}${rng.int(1, 9)}9${digits(rng, 8)}`;
    case 'de':
      return `1${rng.pick(['5', '6', '7'])}${digits(rng, rng.int(8, 9))}`;
    default:
      return `${rng.int(6, 9)}${digits(rng, Math.max(6, 10 - dialCode.length) + rng.int(0, 1))}`;
  }
}

/**
 * A number that avoids the excluded prefixes (digits with country code) and the numbers in use, or null
 * when a handful of tries found none (the caller answers "no numbers", as a real pool would).
 */
export function drawPhone(
  rng: SeededRng,
  country: { iso2: string | null; dial_code: string },
  excludePrefixes: readonly string[],
  inUse: ReadonlySet<string>,
): string | null {
  for (let attempt = 0; attempt < 25; attempt++) {
    const phone = `${country.dial_code}${nationalNumber(rng, country.iso2, country.dial_code)}`;
    if (inUse.has(phone)) continue;
    if (excludePrefixes.some((prefix) => phone.startsWith(prefix))) continue;
    return phone;
  }
  return null;
}
