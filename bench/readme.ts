/**
 * Writes the benchmark's table into the README, between its markers, so that the figures the
 * README quotes are always the last run's (bench/index.ts calls it after writing results.json).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, Row } from './util';


export interface BenchResult {
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly cpuModel?: string; readonly memoryGB: number; readonly platform: string };
  readonly node: string;
  readonly seed: number;
  readonly durationSeconds: number;
  readonly rows: Row[];
}

export function renderTable(result: BenchResult): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `Last run: ${result.date.slice(0, 10)}, ${result.machine.cpus} cores (${result.machine.cpuModel ?? 'unknown CPU'}), ${result.machine.memoryGB} GB, `
      + `Node ${result.node}, seed ${result.seed}; deploy figures in simulated seconds (the virtual clock), ${result.durationSeconds} s of wall time in all.`,
    '',
    '| section | metric | value | target | |',
    '|---|---|---|---|---|',
    ...result.rows.map(r => `| ${r.section} | ${cell(r.metric)} | ${r.value} ${r.unit} | ${cell(r.target ?? '')} | ${r.met === undefined ? '' : r.met ? 'met' : '**missed**'} |`),
  ];
  return lines.join('\n');
}

/** Writes `result`'s table between `<!-- ${marker}:start -->` and `<!-- ${marker}:end -->`. */
export function updateReadme(result: BenchResult, marker = 'bench'): void {
  const START = `<!-- ${marker}:start -->`;
  const END = `<!-- ${marker}:end -->`;
  const file = path.join(ROOT, 'README.md');
  const readme = fs.readFileSync(file, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no ${START} ... ${END} section for the benchmark's table`);
  }
  fs.writeFileSync(file, `${readme.slice(0, start + START.length)}\n${renderTable(result)}\n${readme.slice(end)}`);
}

if (require.main === module) {
  updateReadme(JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'results.json'), 'utf8')));
  if (fs.existsSync(path.join(ROOT, 'bench', 'results-scale.json'))) {
    updateReadme(JSON.parse(fs.readFileSync(path.join(ROOT, 'bench', 'results-scale.json'), 'utf8')), 'bench-scale');
  }
}
