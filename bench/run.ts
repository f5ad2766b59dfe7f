/** `npm run bench`: runs every benchmark (or those named on the command line) and updates BENCHMARKS.md. */
import { benchCatalogProducts } from './catalog-products.bench.ts';
import { benchHandlerStatus } from './handler-status.bench.ts';
import { benchOtpLatency } from './otp-latency.bench.ts';

const BENCHES: Record<string, () => Promise<void>> = {
  'catalog-products': benchCatalogProducts,
  'otp-latency': benchOtpLatency,
  'handler-status': benchHandlerStatus,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`== ${name}`);
  await run();
}
process.exit(0);
