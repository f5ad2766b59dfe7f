/**
 * Security of the SMSCode surface /v1 (IDR), route by route from /openapi.json, then across routes: a key
 * revoked on one node refused on another, a key's daily spend limit, a suspended account, the logs.
 * The cases are described in smscode-routes.ts, shared with /v2.
 */
import { describeCrossCutting, describeRouteSecurity, routeTable, securityKit } from './smscode-routes.ts';

const kit = await securityKit('v1');
const table = routeTable('v1');

describeRouteSecurity(kit, table);
describeCrossCutting(kit, table);
