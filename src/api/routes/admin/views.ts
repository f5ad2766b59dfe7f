/** How the operator console writes accounts and orders: every field an operator needs, ISO timestamps. */
import Type from 'typebox';
import type { Account } from '../../../accounts/account.ts';
import type { OrderRecord } from '../../../orders/order.ts';
import { Nullable } from '../smscode/schemas.ts';

const iso = (date: Date | null) => date?.toISOString() ?? null;
const Time = Nullable(Type.String({ format: 'date-time' }));

export const AccountView = Type.Object(
  {
    id: Type.Integer(),
    email: Type.String(),
    role: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('disabled')]),
    suspended: Type.Boolean(),
    suspended_at: Time,
    suspended_reason: Nullable(Type.String()),
    disabled_at: Time,
    created_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export function accountView(a: Account) {
  return {
    id: a.id,
    email: a.email,
    role: a.role,
    status: a.disabledAt
      ? ('disabled' as const)
      : a.suspendedAt
        ? ('suspended' as const)
        : ('active' as const),
    suspended: a.suspendedAt !== null,
    suspended_at: iso(a.suspendedAt),
    suspended_reason: a.suspendedReason,
    disabled_at: iso(a.disabledAt),
    created_at: a.createdAt.toISOString(),
  };
}

export const Balance = Type.Object(
  { available: Type.Integer(), posted: Type.Integer(), pending: Type.Integer() },
  { additionalProperties: false },
);

export const OrderAdminView = Type.Object(
  {
    id: Type.Integer(),
    account_id: Type.Integer(),
    status: Type.String(),
    catalog_product_id: Type.Integer(),
    product_id: Type.Integer(),
    provider_id: Nullable(Type.Integer()),
    provider_ref: Nullable(Type.String()),
    country_id: Type.Integer(),
    country_name: Type.String(),
    platform_code: Type.String(),
    platform_name: Type.String(),
    operator_name: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    amount: Type.Integer(),
    cost_idr: Nullable(Type.Integer()),
    otp_code: Nullable(Type.String()),
    otp_received_at: Time,
    sms_revision: Type.Integer(),
    failed_reason: Nullable(Type.String()),
    created_at: Type.String({ format: 'date-time' }),
    activated_at: Time,
    expires_at: Time,
    canceled_at: Time,
    completed_at: Time,
  },
  { additionalProperties: false },
);

export function orderAdminView(o: OrderRecord) {
  return {
    id: o.id,
    account_id: o.accountId,
    status: o.status,
    catalog_product_id: o.catalogProductId,
    product_id: o.productId,
    provider_id: o.providerId,
    provider_ref: o.providerRef,
    country_id: o.countryId,
    country_name: o.countryName,
    platform_code: o.platformCode,
    platform_name: o.platformName,
    operator_name: o.operatorName,
    phone: o.phone,
    amount: o.amount,
    cost_idr: o.costIdr,
    otp_code: o.otpCode,
    otp_received_at: iso(o.otpReceivedAt),
    sms_revision: o.smsRevision,
    failed_reason: o.failedReason,
    created_at: o.createdAt.toISOString(),
    activated_at: iso(o.activatedAt),
    expires_at: iso(o.expiresAt),
    canceled_at: iso(o.canceledAt),
    completed_at: iso(o.completedAt),
  };
}

/** A required reason: what the operator writes down for the customer's file and the audit log. */
export const ReasonBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }) },
  { additionalProperties: false },
);

/** A required note: what the operator decided and why, kept on the record and in the audit log. */
export const NoteBody = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' }) },
  { additionalProperties: false },
);

/** An account id in a path: a positive BIGINT within the exactly representable range. */
export const AccountIdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, format: 'int64', 'x-finite': true }),
});
