/**
 * Synth cost: a stack of 1 group + N numbers with this library versus the same stack of L1s.
 * Each synth runs in a fresh node process (bench/synth-app.ts bundled once by esbuild, with
 * aws-cdk-lib external), so the figure is the whole process a `cdk synth` pays.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildSync } from 'esbuild';
import { freshDir, median, ROOT, Row } from './util';

const COUNTS = [1, 50, 200];

function bundleApp(): string {
  // Placed two levels under the root, as lib/provider/ is: the constructs find assets/ at ../../assets.
  const outfile = path.join(ROOT, '.tmp', 'bench-synth', 'synth-app.js');
  buildSync({
    entryPoints: [path.join(ROOT, 'bench', 'synth-app.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    external: ['aws-cdk-lib', 'constructs'],
  });
  return outfile;
}

interface Synth { readonly ms: number; readonly templateBytes: number; readonly functions: number }

function synthOnce(app: string, variant: string, count: number): Synth {
  const outdir = freshDir(`synth-${variant}-${count}`);
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [app, variant, String(count), outdir], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) {
    throw new Error(`synth of ${variant} with ${count} numbers failed: ${r.stderr}`);
  }
  const template = fs.readFileSync(path.join(outdir, 'Bench.template.json'), 'utf8');
  const resources = Object.values(JSON.parse(template).Resources) as Array<{ Type: string }>;
  return { ms, templateBytes: Buffer.byteLength(template), functions: resources.filter(x => x.Type === 'AWS::Lambda::Function').length };
}

export function synthCost(runs = 3): Row[] {
  const app = bundleApp();
  const results: Record<string, Record<number, Synth>> = { ours: {}, l1: {} };
  for (const count of COUNTS) {
    for (const variant of ['ours', 'l1']) {
      const samples = Array.from({ length: runs }, () => synthOnce(app, variant, count));
      results[variant][count] = { ...samples[0], ms: median(samples.map(s => s.ms)) };
    }
  }
  const rows: Row[] = [];
  for (const count of COUNTS) {
    const ratio = results.ours[count].ms / results.l1[count].ms;
    rows.push({
      section: 'synth',
      metric: `whole-process synth time, 1 group + ${count} numbers (ours / L1: ${results.ours[count].ms.toFixed(0)} / ${results.l1[count].ms.toFixed(0)} ms)`,
      value: Number(ratio.toFixed(2)),
      unit: 'x',
      ...(count === 200 ? { target: '<= 2x', met: ratio <= 2 } : {}),
    });
  }
  const perNumber = (v: string) => (results[v][200].templateBytes - results[v][1].templateBytes) / 199;
  const bytesRatio = perNumber('ours') / perNumber('l1');
  rows.push({
    section: 'synth',
    metric: `template bytes per number (ours ${perNumber('ours').toFixed(0)} B, L1 ${perNumber('l1').toFixed(0)} B)`,
    value: Number(bytesRatio.toFixed(2)),
    unit: 'x',
    target: '<= 2x',
    met: bytesRatio <= 2,
  });
  const fns = COUNTS.map(c => results.ours[c].functions);
  rows.push({
    section: 'synth',
    metric: `Lambda functions at 1 / 50 / 200 numbers (${fns.join(' / ')})`,
    value: fns[fns.length - 1],
    unit: 'functions',
    target: 'constant',
    met: new Set(fns).size === 1,
  });
  return rows;
}
