/**
 * The benchmark: every section, one table (printed, and written to bench/results.json with the
 * machine, the Node version, the date and the time scale). Not part of CI.
 *
 *   npx ts-node --transpile-only --project test/tsconfig.json bench/index.ts [--scale=1]
 *
 * Sections: deploy latency, Connect calls per resource and throughput under the rate limit
 * (bench/deploy.ts), synth cost against the L1s (bench/synth-cost.ts), handler assets
 * (bench/assets.ts). The deploy section runs first, alone, so that the CPU-bound synth runs do not
 * delay its timers.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assetCost } from './assets';
import { deployBench } from './deploy';
import { updateReadme } from './readme';
import { scaleBench } from './scale';
import { synthCost } from './synth-cost';
import { ROOT, Row } from './util';

/** The scale section's default time scale: its runs take minutes of real time each at 1. */
const SCALE_SECTION_TIME_SCALE = 0.25;

function arg(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find(a => a.startsWith(prefix))?.slice(prefix.length);
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
  const scale = Number(arg('scale') ?? ((arg('only') ?? process.env.BENCH_ONLY) === 'scale' ? SCALE_SECTION_TIME_SCALE : 1));
  if (!(scale > 0)) {
    throw new Error(`--scale must be a positive number; got ${arg('scale')}`);
  }
  // --only=scale (or BENCH_ONLY=scale) runs the scale section alone (CPU-heavy: minutes), into its own table and file.
  const only = arg('only') ?? process.env.BENCH_ONLY;
  if (only !== undefined && only !== 'scale') {
    throw new Error(`--only accepts scale; got ${only}`);
  }
  const started = Date.now();
  const rows: Row[] = [];
  const section = async (name: string, run: () => Row[] | Promise<Row[]>) => {
    const t0 = Date.now();
    rows.push(...await run());
    console.error(`${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  };
  if (only === 'scale') {
    await section('scale', () => scaleBench({ scale }));
  } else {
    await section('deploy', () => deployBench({ scale }));
    // Two synths per variant and size keep the whole run under 5 minutes on a 2-core machine.
    await section('synth', () => synthCost(2));
    await section('assets', () => assetCost());
  }
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
    scale,
    durationSeconds: Math.round(seconds),
    rows,
  };
  fs.writeFileSync(path.join(ROOT, 'bench', only === 'scale' ? 'results-scale.json' : 'results.json'), `${JSON.stringify(result, undefined, 2)}\n`);
  updateReadme(result, only === 'scale' ? 'bench-scale' : 'bench');
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
