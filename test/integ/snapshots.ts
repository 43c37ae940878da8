/**
 * Snapshots of the integration tests, in integ-runner's layout (`integ.<name>.ts.snapshot/`), made
 * and verified offline. integ-runner itself cannot do it: its latest release (2.197.10) refuses the
 * cloud assembly schema (55) that aws-cdk-lib 2.276 writes.
 *
 * An integration test is synthesized with the placeholder instance (the environment variables and
 * context that point it at a real account are removed), so a snapshot is the same on every machine.
 */
import { spawnSync } from 'child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

export const INTEG_DIR = __dirname;
const ROOT = path.join(INTEG_DIR, '..', '..');

/** The files of a synthesized assembly that a snapshot keeps (no asset directories, no tree or metadata). */
const KEPT = /^(integ\.json|manifest\.json|.+\.template\.json|.+\.assets\.json)$/;

/** The integration test files, named `integ.*.ts` as integ-runner expects. */
export function integTests(): string[] {
  return readdirSync(INTEG_DIR).filter(f => /^integ\..+\.ts$/.test(f)).sort();
}

export function snapshotDir(testFile: string): string {
  return path.join(INTEG_DIR, `${testFile}.snapshot`);
}

/** Synthesizes `testFile` into a new temporary directory and returns it; the caller removes it. */
export function synthesize(testFile: string): string {
  const outdir = mkdtempSync(path.join(tmpdir(), 'integ-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // CONNECT_* point the test at a real instance; CDK_* and AWS_* would change the synthesized environment.
    if (!/^(CONNECT_|CDK_|AWS_)/.test(key)) {
      env[key] = value;
    }
  }
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(INTEG_DIR, testFile)], {
    cwd: ROOT,
    env: { ...env, CDK_OUTDIR: outdir, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json') },
    encoding: 'utf-8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    rmSync(outdir, { recursive: true, force: true });
    throw new Error(`synthesis of ${testFile} failed (${result.error ?? `exit ${result.status}`}):\n${result.stderr}`);
  }
  return outdir;
}

/** The files of `dir` that a snapshot keeps, sorted. */
export function keptFiles(dir: string): string[] {
  return readdirSync(dir).filter(f => KEPT.test(f)).sort();
}

/** Replaces the snapshot of `testFile` with a fresh synthesis. */
export function updateSnapshot(testFile: string): void {
  const outdir = synthesize(testFile);
  try {
    const target = snapshotDir(testFile);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target);
    for (const file of keptFiles(outdir)) {
      copyFileSync(path.join(outdir, file), path.join(target, file));
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * A template as the snapshot comparison sees it, like integ-runner without `diffAssets`: asset
 * hashes masked (the handler code has tests of its own) and the `salt` that integ-tests-alpha
 * puts on every assertion (`Date.now()` at synth time) masked.
 */
export function comparable(template: unknown): unknown {
  const masked = JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
  for (const resource of Object.values<any>(masked.Resources ?? {})) {
    if (resource.Type?.startsWith('Custom::DeployAssert') && resource.Properties?.salt !== undefined) {
      resource.Properties.salt = '<salt>';
    }
  }
  return masked;
}

export function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf-8'));
}
