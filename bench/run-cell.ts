/** Runs one cell of the scale matrix (development aid): ts-node bench/run-cell.ts <sorted|shuffled> <claim s> <numbers> [stacks] [seed] */
import { RATE, runScenario, stackOf } from './scale';
import { scaleRows } from './scale-report';

async function main(): Promise<void> {
  const [order, claimS, n, stacksRaw, seedRaw] = process.argv.slice(2);
  const seed = Number(seedRaw ?? process.env.BENCH_SEED ?? 1);
  console.log(`seed ${seed}`);
  const count = Number(stacksRaw ?? 1);
  const stacks = Array.from({ length: count }, (_, i) => stackOf(`Cell${i}`, Number(n)));
  const t = Date.now();
  const o = await runScenario(`${order}, claim ${claimS} s: ${count} x ${n}`, stacks, Number(n), { searchOrder: order as 'sorted', claimMs: Number(claimS) * 1000 }, seed);
  for (const r of scaleRows(o, RATE)) {
    console.log(`${r.value} ${r.unit} ${r.met ? 'met' : 'MISSED'}: ${r.metric}${r.note ? ` NOTE ${r.note}` : ''}`);
  }
  console.log(o.deployCalls);
  console.log(`wall ${((Date.now() - t) / 1000).toFixed(0)} s`);
}
void main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
