/**
 * Duitku payment method codes seen in the wild (specs/payments.md §2.2). The active list is per project
 * and comes from getpaymentmethod; this table only tells which codes answer with a QRIS payload and
 * which with a virtual-account number.
 */
export type DuitkuMethodGroup = 'qris' | 'ewallet' | 'va' | 'other';

export const DUITKU_METHODS: ReadonlyArray<{ code: string; name: string; group: DuitkuMethodGroup }> = [
  { code: 'SP', name: 'ShopeePay QRIS', group: 'qris' },
  { code: 'NQ', name: 'NOBU QRIS', group: 'qris' },
  { code: 'GQ', name: 'Gudang Voucher QRIS', group: 'qris' },
  { code: 'SQ', name: 'Nusapay QRIS', group: 'qris' },
  { code: 'LQ', name: 'LinkAja QRIS', group: 'qris' },
  { code: 'OV', name: 'OVO', group: 'ewallet' },
  { code: 'SA', name: 'ShopeePay Apps', group: 'ewallet' },
  { code: 'DA', name: 'DANA', group: 'ewallet' },
  { code: 'LA', name: 'LinkAja Apps (Percentage Fee)', group: 'ewallet' },
  { code: 'LF', name: 'LinkAja Apps (Fixed Fee)', group: 'ewallet' },
  { code: 'SL', name: 'ShopeePay Account Link', group: 'ewallet' },
  { code: 'OL', name: 'OVO Account Link', group: 'ewallet' },
  { code: 'JP', name: 'Jenius Pay', group: 'ewallet' },
  { code: 'BC', name: 'BCA Virtual Account', group: 'va' },
  { code: 'M2', name: 'Mandiri Virtual Account', group: 'va' },
  { code: 'VA', name: 'Maybank Virtual Account', group: 'va' },
  { code: 'I1', name: 'BNI Virtual Account', group: 'va' },
  { code: 'B1', name: 'CIMB Niaga Virtual Account', group: 'va' },
  { code: 'BT', name: 'Permata Bank Virtual Account', group: 'va' },
  { code: 'BR', name: 'BRIVA', group: 'va' },
  { code: 'A1', name: 'ATM Bersama', group: 'va' },
  { code: 'AG', name: 'Bank Artha Graha', group: 'va' },
  { code: 'NC', name: 'Bank Neo Commerce', group: 'va' },
  { code: 'DM', name: 'Danamon Virtual Account', group: 'va' },
  { code: 'BV', name: 'BSI Virtual Account', group: 'va' },
  { code: 'VC', name: 'Credit Card (Visa / Master Card / JCB)', group: 'other' },
  { code: 'FT', name: 'Pegadaian / ALFA / Pos', group: 'other' },
  { code: 'IR', name: 'Indomaret', group: 'other' },
  { code: 'DN', name: 'Indodana Paylater', group: 'other' },
  { code: 'AT', name: 'ATOME', group: 'other' },
];

export function duitkuMethodGroup(code: string): DuitkuMethodGroup | null {
  return DUITKU_METHODS.find((m) => m.code === code)?.group ?? null;
}
