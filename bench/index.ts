/**
 * The benchmark: every section, one table (printed, and written to bench/results.json, or bench/results-<section>.json
 * for one section alone, with the machine, the Node version, the date and the seed). Not part of CI.
 *
 *   npx ts-node --transpile-only --project test/tsconfig.json bench/index.ts [--seed=N] [--only=scale|latency|deploy]
 *
 * Deploy figures are simulated seconds on the offline world's virtual clock (local/world.ts), never wall time: the
 * handlers run with their production timings, and a run replays from its seed (printed first, before any work;
 * BENCH_SEED or --seed sets it). Sections: latency over a range of service times (bench/latency.ts), throughput
 * (bench/deploy.ts), the scale matrix (bench/scale.ts), synth cost against the L1s (bench/synth-cost.ts, wall time:
 * it measures CPU), handler assets (bench/assets.ts).
 */
import { randomInt } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assetCost } from './assets';
import { deployBench } from './deploy';
import { latencyBench } from './latency';
import { updateReadme } from './readme';
import { scaleBench } from './scale';
import { synthCost } from './synth-cost';
import { ROOT, Row } from './util';

const SECTIONS = ['latency', 'deploy', 'scale', 'synth', 'assets'] as const;

function arg(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find(a => a.startsWith(prefix))?.slice(prefix.length);
}

/** The run's seed: --seed, BENCH_SEED, or drawn. */
function seedOf(raw: string | undefined): number {
  if (raw === undefined) {
    return randomInt(2 ** 31);
  }
  const seed = Number(raw);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 31) {
    throw new Error(`the seed (--seed or BENCH_SEED) must be an integer from 0 to 2^31 - 1; got ${raw}`);
  }
  return seed;
}

function format(rows: Row[]): string {
  const cells = rows.map(r => [
    r.section,
    r.metric,
    `${r.value} ${r.unit}`,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'met' : 'MISSED',
  ]);
  const header = ['section', 'metric', 'value', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join(' | ').trimEnd();
  return [line(header), widths.map(w => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const seed = seedOf(arg('seed') ?? process.env.BENCH_SEED);
  console.log(`seed ${seed} (replay: BENCH_SEED=${seed})`);
  // --only=<section> (or BENCH_ONLY) runs one section alone, into its own table and file; --cells=<text> runs the
  // scale matrix's cells whose name contains it.
  const only = arg('only') ?? process.env.BENCH_ONLY;
  if (only !== undefined && !(SECTIONS as readonly string[]).includes(only)) {
    throw new Error(`--only accepts ${SECTIONS.join(', ')}; got ${only}`);
  }
  const started = Date.now();
  const rows: Row[] = [];
  const section = async (name: typeof SECTIONS[number], run: () => Row[] | Promise<Row[]>) => {
    if (only !== undefined && only !== name) {
      return;
    }
    const t0 = Date.now();
    rows.push(...await run());
    console.error(`${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s of wall time`);
  };
  await section('latency', () => latencyBench({ seed }));
  await section('deploy', () => deployBench({ seed }));
  await section('scale', () => scaleBench({ seed, only: arg('cells') }));
  // Two synths per variant and size keep the whole run under 5 minutes on a 2-core machine.
  await section('synth', () => synthCost(2));
  await section('assets', () => assetCost());
  const table = format(rows);
  console.log(table);
  const notes = rows.filter(r => r.note !== undefined).map(r => `${r.section} / ${r.metric}: ${r.note}`);
  if (notes.length > 0) {
    console.log(`\nNotes:\n${notes.map(n => `- ${n}`).join('\n')}`);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`\n${rows.filter(r => r.met === false).length} of ${rows.filter(r => r.met !== undefined).length} targets missed; ${seconds.toFixed(0)} s.`);
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.arch()}` },
    node: process.version,
    seed,
    durationSeconds: Math.round(seconds),
    rows,
  };
  if (arg('cells') !== undefined) {
    return; // a part of the matrix: printed, not recorded
  }
  fs.writeFileSync(path.join(ROOT, 'bench', only === undefined ? 'results.json' : `results-${only}.json`), `${JSON.stringify(result, undefined, 2)}\n`);
  // The whole run's table, or one section's (latency, deploy and scale each have their own in the README).
  if (only === undefined || ['latency', 'deploy', 'scale'].includes(only)) {
    updateReadme(result, only === undefined ? 'bench' : `bench-${only}`);
  }
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
