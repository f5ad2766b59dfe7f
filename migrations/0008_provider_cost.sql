-- A charge now books the provider's cost from revenue to provider payable (ledger/book-provider-cost.ts).
-- Orders charged before that get the same transfer once, so the ledger's balances hold for them too.
INSERT INTO transfers (kind, debit_account_id, credit_account_id, amount, code, external_id)
SELECT 'posted', r.id, p.id, o.cost_idr, 'order_cost', 'order:' || o.id
FROM orders o
JOIN transfers post ON post.pending_id = o.hold_transfer_id AND post.kind = 'post_pending'
CROSS JOIN ledger_accounts r
CROSS JOIN ledger_accounts p
WHERE r.code = 'platform:revenue' AND p.code = 'platform:provider_payable' AND o.cost_idr > 0
ON CONFLICT DO NOTHING;
