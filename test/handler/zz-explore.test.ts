import { it } from 'vitest';
import { orderWorld } from '../orders/order-fixture.ts';

const world = await orderWorld();

it('explores', async () => {
  const rows = await world.ctx.db.query(
    `SELECT v.code, p.id, p.operator_id, o.code AS op, p.price, p.available, p.active, v.enabled
       FROM products p JOIN providers v ON v.id = p.provider_id LEFT JOIN operators o ON o.id = p.operator_id
      WHERE p.catalog_product_id = $1 ORDER BY p.price`,
    [world.catalogProductId],
  );
  console.log(JSON.stringify(rows.rows));
  const ops = await world.ctx.db.query('SELECT code FROM operators WHERE country_id = 6');
  console.log(ops.rows.map((r) => r.code));
  const c = await world.ctx.db.query('SELECT count(*) FROM countries WHERE active');
  console.log(c.rows);
  const fx = await world.ctx.db.query('SELECT * FROM fx_rates');
  console.log(fx.rows);
  const pairs = await world.ctx.db.query(`SELECT cp.country_id, min(p.price), sum(p.available) FROM products p JOIN catalog_products cp ON cp.id = p.catalog_product_id WHERE cp.platform_id = 1 AND p.active AND p.available > 0 GROUP BY 1 ORDER BY 3 DESC LIMIT 10`);
  console.log(pairs.rows);
  const noop = await world.ctx.db.query(`SELECT id FROM countries c WHERE NOT EXISTS (SELECT 1 FROM operators o WHERE o.country_id = c.id) LIMIT 5`);
  console.log(noop.rows);
});
