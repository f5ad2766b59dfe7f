/**
 * Orders as CSV: one header row, then a row per order. csv-stringify quotes what needs quoting, and
 * neutralises cells a spreadsheet would run as a formula (an SMS text is anyone's text).
 */
import { stringify } from 'csv-stringify/sync';
import type { OrderSummary } from './smscode-types.ts';

const COLUMNS = [
  'id',
  'created_at',
  'status',
  'phone_number',
  'operator',
  'otp_code',
  'otp_message',
  'amount_usd',
  'amount_idr',
  'expires_at',
  'canceled_at',
  'failed_reason',
] as const;

export function ordersCsv(orders: OrderSummary[]): string {
  return stringify(
    orders.map((o) => [
      o.id,
      o.created_at,
      o.status,
      o.phone_number,
      o.operator_name,
      o.otp_code,
      o.otp_message,
      o.amount.amount,
      o.amount.canonical_amount,
      o.expires_at,
      o.canceled_at,
      o.failed_reason,
    ]),
    { header: true, columns: [...COLUMNS], escape_formulas: true, record_delimiter: 'windows' },
  );
}
