/**
 * What the Duitku persona hands out for a new transaction: a reference (merchant code + 16 uppercase
 * hex), a QRIS EMV payload for QRIS methods (TLV fields with the CRC-16/CCITT-FALSE checksum a QR
 * reader checks), a virtual-account number for VA methods, and each method's fee.
 */
import { randomBytes } from 'node:crypto';
import type { DuitkuMethodGroup } from '../../payments/duitku/duitku-methods.ts';

export function newReference(merchantCode: string): string {
  return `${merchantCode}${randomBytes(8).toString('hex').toUpperCase()}`;
}

const tlv = (id: string, value: string) => `${id}${String(value.length).padStart(2, '0')}${value}`;

function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

export function qrisPayload(input: { reference: string; merchantOrderId: string; amount: number }): string {
  const payload = [
    tlv('00', '01'),
    tlv('01', '12'),
    tlv('26', tlv('00', 'ID.DUITKU.SIM') + tlv('01', input.reference.slice(0, 40))),
    tlv('52', '5999'),
    tlv('53', '360'),
    tlv('54', String(input.amount)),
    tlv('58', 'ID'),
    tlv('59', 'NUMPOOL SIM'),
    tlv('60', 'JAKARTA'),
    tlv('62', tlv('01', input.merchantOrderId.slice(0, 25))),
  ].join('');
  return `${payload}6304${crc16(`${payload}6304`)}`;
}

export function vaNumber(sequence: number): string {
  return `8808${String(sequence).padStart(12, '0')}`;
}

/** Fees as integer rupiah strings: percent for QRIS and e-wallets, flat for VAs and the rest. */
export function methodFee(group: DuitkuMethodGroup, amount: number): string {
  if (group === 'qris') return String(Math.ceil((amount * 7) / 1000));
  if (group === 'ewallet') return String(Math.ceil((amount * 167) / 10_000));
  if (group === 'va') return '4000';
  return '5000';
}
