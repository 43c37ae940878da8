/**
 * What the language apps (test/languages/*.test.ts) share: running a toolchain's command with a
 * bounded time, `cdk synth` with the real CLI, the packed npm tarball's bin installed in a fresh
 * directory, its `local deploy` with a state file, and what the README's app must leave in the
 * emulator. The caches of the toolchains (pip's, Go's module and build caches) are their default
 * ones: reused when present, filled on a fresh machine.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { offlineEnv } from '../local/cdk';

export const ROOT = path.join(__dirname, '..', '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const BIN = 'cdk-connect-global-resiliency';

/** The one file of `dist/<dir>` whose name ends with `suffix`; an error names the package step otherwise. */
export function distFile(dir: string, suffix: string): string {
  const full = path.join(ROOT, 'dist', dir);
  const found = fs.existsSync(full) ? fs.readdirSync(full).filter(f => f.endsWith(suffix)) : [];
  if (found.length !== 1) {
    throw new Error(`expected one *${suffix} in ${full} (run npx projen compile && npx projen package first), found ${found.length}`);
  }
  return path.join(full, found[0]);
}

/** A fresh temporary directory (removed by `removeAll`). */
const made: string[] = [];
export function freshDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(tmpdir(), `cgr-${prefix}-`));
  made.push(dir);
  return dir;
}
export function removeAll(): void {
  for (const dir of made.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The environment of every command here: offline (no AWS credentials, no CDK version check), quiet jsii on Node 20. */
export function languageEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...offlineEnv(), JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1', ...extra };
}

/**
 * Runs `command` in `cwd`, at most `seconds`; fails with the command, its exit (or the time-out)
 * and the end of its output unless it exits 0. Returns its stdout.
 */
export function run(command: string, args: string[], cwd: string, seconds: number, env: NodeJS.ProcessEnv = languageEnv()): string {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf-8', timeout: seconds * 1000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const why = r.error !== undefined ? r.error.message : r.signal !== null ? `killed by ${r.signal} after ${seconds} s` : `exit ${r.status}`;
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').filter(l => l.trim() !== '').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) failed: ${why}\n${tail}`);
  }
  return r.stdout;
}

/** `cdk synth` of the app whose cdk.json is in `appDir`, with the real CLI, into `appDir`/cdk.out. */
export function cdkSynth(appDir: string, seconds: number, env: NodeJS.ProcessEnv = languageEnv()): string {
  const out = path.join(appDir, 'cdk.out');
  run(CDK, ['synth', '--output', out, '--no-notices', '--no-version-reporting', '--no-lookups', '--quiet'], appDir, seconds, env);
  return out;
}

/** The packed npm tarball (dist/js) installed in a fresh directory, as a user installs it: the directory to run its bin from. */
export function installTarball(): string {
  const dir = freshDir('bin');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'languages-trial', version: '1.0.0', private: true }));
  // The bin bundles what it needs; the peers (aws-cdk-lib, constructs) are for the constructs.
  run('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', distFile('js', '.tgz')], dir, 120);
  return dir;
}

/** What `local deploy --json` reports and the state file keeps (the fields these tests read). */
export interface Deployed {
  readonly report: { succeeded: boolean; stack: string; outputs: Record<string, string> };
  readonly groups: Array<{ arn: string; name: string; status: string; isDefault: boolean; split: { telephony: Record<string, number> } }>;
  readonly numbers: Array<{ phoneNumber: string; status: string; targetArn: string; flows: Record<string, string> }>;
}

/** `npx cdk-connect-global-resiliency local deploy <assembly> --state <file> --json` from `binDir`; the report and the emulator's state in the file. */
export function localDeploy(binDir: string, assembly: string, stateFile: string): Deployed {
  const stdout = run('npx', ['--no', '--', BIN, 'local', 'deploy', assembly, '--state', stateFile, '--json'], binDir, 180);
  const state = JSON.parse(fs.readFileSync(stateFile, 'utf-8'));
  return { report: JSON.parse(stdout), groups: state.emulator.groups, numbers: state.emulator.numbers };
}

const INSTANCE = 'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555';
const FLOW = 'contact-flow/aaaaaaaa-0000-4000-8000-000000000001';

/** The README's app (stack MyConnectStack) deployed: the group 'support' split 70/30, +12065550123 claimed to it with a flow in each Region. */
export function expectReadmeApp(deployed: Deployed): void {
  expect(deployed.report).toMatchObject({ succeeded: true, stack: 'MyConnectStack', outputs: { MainNumber: '+12065550123' } });
  const created = deployed.groups.filter(g => !g.isDefault);
  expect(created).toEqual([expect.objectContaining({ name: 'support', status: 'ACTIVE' })]);
  expect(created[0].split.telephony).toEqual({ 'us-east-1': 70, 'us-west-2': 30 });
  expect(deployed.numbers).toEqual([expect.objectContaining({
    phoneNumber: '+12065550123',
    status: 'CLAIMED',
    targetArn: created[0].arn,
    flows: { 'us-east-1': `${INSTANCE}/${FLOW}`, 'us-west-2': `${INSTANCE.replace('us-east-1', 'us-west-2')}/${FLOW}` },
  })]);
}

/** The README's code block of `language` whose first line is `firstLine` (the file's name as a comment). */
export function readmeBlock(language: string, firstLine: string): string | undefined {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
  return [...readme.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map(m => m[1]).find(b => b.startsWith(`${firstLine}\n`));
}
