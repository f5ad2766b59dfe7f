/** Order wire schemas of the contract: closed, every key present, nullable where the contract says. */
import Type from 'typebox';
import { Id32, Int32, Int32In, MoneyIdr } from '../../schemas/numbers.ts';
import { Nullable, V2Money } from './schemas.ts';

const Timestamp = Type.String({ format: 'date-time' });
export const OrderStatusEnum = Type.Union([
  Type.Literal('ACTIVE'),
  Type.Literal('OTP_RECEIVED'),
  Type.Literal('COMPLETED'),
  Type.Literal('CANCELED'),
  Type.Literal('EXPIRED'),
]);

const flags = {
  can_finish: Type.Boolean(),
  can_resend: Type.Boolean(),
  can_cancel: Type.Boolean(),
  can_replace: Type.Boolean(),
  can_reactivate: Type.Boolean(),
  resend_available_at: Nullable(Timestamp),
  cancel_available_at: Nullable(Timestamp),
  replace_available_at: Nullable(Timestamp),
};

const summary = {
  id: Int32,
  status: OrderStatusEnum,
  created_at: Nullable(Timestamp),
  product_id: Int32,
  catalog_product_id: Nullable(Int32),
  operator_id: Nullable(Int32),
  operator_name: Nullable(Type.String()),
  phone_number: Nullable(Type.String()),
  otp_code: Nullable(Type.String()),
  otp_message: Nullable(Type.String()),
  sms_revision: Type.Integer({ minimum: 0 }),
  otp_received_at: Nullable(Timestamp),
  expires_at: Nullable(Timestamp),
  canceled_at: Nullable(Timestamp),
  failed_reason: Nullable(Type.String()),
  ...flags,
};
export const V1OrderSummary = Type.Object(
  { ...summary, amount: Type.Integer() },
  { additionalProperties: false },
);
export const V2OrderSummary = Type.Object({ ...summary, amount: V2Money }, { additionalProperties: false });

export const OrderStatusRow = Type.Object(
  {
    id: Int32,
    status: OrderStatusEnum,
    otp_code: Nullable(Type.String()),
    otp_message: Nullable(Type.String()),
    sms_revision: Type.Integer({ minimum: 0 }),
    otp_received_at: Nullable(Timestamp),
    expires_at: Nullable(Timestamp),
    failed_reason: Nullable(Type.String()),
    operator_id: Nullable(Int32),
    operator_name: Nullable(Type.String()),
    ...flags,
  },
  { additionalProperties: false },
);

const item = {
  id: Int32,
  status: OrderStatusEnum,
  product_id: Int32,
  otp_code: Nullable(Type.String()),
  phone_number: Nullable(Type.String()),
  otp_received_at: Nullable(Timestamp),
  expires_at: Nullable(Timestamp),
  failed_reason: Nullable(Type.String()),
  catalog_product_id: Nullable(Int32),
  operator_id: Nullable(Int32),
  operator_name: Nullable(Type.String()),
  ...flags,
};
export const V1CreateItem = Type.Object({ ...item, amount: Type.Integer() }, { additionalProperties: false });
export const V2CreateItem = Type.Object({ ...item, amount: V2Money }, { additionalProperties: false });

export const createResult = <T extends typeof V1CreateItem | typeof V2CreateItem>(itemSchema: T) =>
  Type.Object(
    { orders: Type.Array(itemSchema), failed_count: Type.Integer({ minimum: 0 }) },
    { additionalProperties: false },
  );

const createCommon = {
  product_id: Type.Optional(Id32),
  catalog_product_id: Type.Optional(Id32),
  quantity: Type.Optional(Int32In(1, 100)),
  policy: Type.Optional(Type.Union([Type.Literal('cheapest'), Type.Literal('best_success')])),
  prefer_provider: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  operator_id: Type.Optional(Id32),
};
export const V1CreateBody = Type.Object(
  {
    ...createCommon,
    max_price: Type.Optional(MoneyIdr()),
    min_price: Type.Optional(MoneyIdr()),
  },
  { additionalProperties: false },
);
const UsdString = Type.String({ pattern: '^\\d{1,12}(\\.\\d{1,8})?$', description: 'USD decimal string' });
export const V2CreateBody = Type.Object(
  { ...createCommon, max_price: Type.Optional(UsdString), min_price: Type.Optional(UsdString) },
  { additionalProperties: false },
);

export const OrderIdBody = Type.Object({ id: Id32 }, { additionalProperties: false });
export const V1ReactivateBody = Type.Object(
  { id: Id32, max_price: Type.Optional(MoneyIdr()) },
  { additionalProperties: false },
);
export const V2ReactivateBody = Type.Object(
  { id: Id32, max_price: Type.Optional(UsdString) },
  { additionalProperties: false },
);
