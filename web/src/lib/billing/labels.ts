/** Names for the codes the API answers (gateways, statuses, ledger kinds, methods); an unknown code shows as is. */
import type { MessageKey } from '../../i18n/messages/en.ts';
import { en } from '../../i18n/messages/en.ts';
import type { Translate } from '../../i18n/translate.ts';

type Family = 'gateway' | 'gatewayNote' | 'status' | 'kind' | 'method' | 'scope' | 'delivery';

export function labelOf(t: Translate, family: Family, code: string): string {
  const key = `billing.${family}.${code}`;
  return key in en ? t(key as MessageKey) : code;
}
