/**
 * The npm package as a user gets it: the packed tarball (dist/js, written by `npx projen package`)
 * installed in a fresh directory outside the repository, its bin run with `npx`. It runs after the
 * build, in its own jest run (`npx projen test:package`, called by .ci/run after the package step):
 * the main test run comes before jsii compiles the library.
 *
 * - `npx cdk-connect-global-resiliency failover` fails over a group with every call to the source
 *   Region failing, using only the replica Region (issue 13);
 * - `npx cdk-connect-global-resiliency local deploy` deploys examples/, synthesized with the real
 *   `cdk` CLI, to the embedded emulator, and fails a broken app with the handler's reason (issue 17).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { CreateTrafficDistributionGroupCommand } from '@aws-sdk/client-connect';
import { ConnectEmulator, SEED } from '../../local/emulator';
import { cliEnv, runCli } from '../cli/run-cli';
import { clientFor, until } from '../emulator/helpers';
import { cdkSynth, offlineEnv } from '../local/cdk';

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist', 'js');
const BIN = 'cdk-connect-global-resiliency';

let app: string;

/** The `--json` report of a `local` command (the fields these tests read). */
interface Report {
  succeeded: boolean;
  error?: string;
  outputs: Record<string, string>;
  resources: Array<{ resourceType: string; status: string }>;
  emulator: {
    groups: Array<{ arn: string; status: string; isDefault: boolean; telephony: Record<string, number> }>;
    numbers: Array<{ phoneNumber: string; status: string; targetArn: string; flows: Record<string, string> }>;
  };
}

beforeAll(() => {
  const tarballs = fs.existsSync(DIST) ? fs.readdirSync(DIST).filter(f => f.endsWith('.tgz')) : [];
  if (tarballs.length !== 1) {
    throw new Error(`expected one packed tarball in ${DIST} (run npx projen compile && npx projen package first), found ${tarballs.length}`);
  }
  app = fs.mkdtempSync(path.join(tmpdir(), 'cgr-package-'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'package-trial', version: '1.0.0', private: true }));
  // The bin bundles what it needs (the package has no runtime dependency); its peers (aws-cdk-lib,
  // constructs) are for the constructs, not for the command, so they are not installed here.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', path.join(DIST, tarballs[0])], { cwd: app, stdio: 'pipe' });
}, 180_000);

afterAll(() => {
  if (app !== undefined) {
    fs.rmSync(app, { recursive: true, force: true });
  }
});

test('the package installs its bin, and --help names every command', async () => {
  expect(fs.existsSync(path.join(app, 'node_modules', '.bin', BIN))).toBe(true);
  const out = await runCli('npx', ['--no', '--', BIN, '--help'], offlineEnv(), app);
  expect(out.code).toBe(0);
  for (const command of ['status', 'failover', 'split', 'local']) {
    expect(out.stdout).toContain(command);
  }
});

test('failover from the installed package, with every call to the source Region failing, succeeds through the replica Region', async () => {
  const emulator = await ConnectEmulator.start({ timeScale: 0.01, replicated: true, rateLimit: false });
  try {
    const client = clientFor(emulator, SEED.sourceRegion);
    const group = (await client.send(new CreateTrafficDistributionGroupCommand({ Name: 'support', InstanceId: SEED.instanceArn }))).Arn!;
    client.destroy();
    await until(() => emulator.groups().find(g => g.arn === group)?.status === 'ACTIVE' || undefined);
    emulator.failRegion(SEED.sourceRegion);
    const callsBefore = emulator.calls.length;

    const out = await runCli('npx', ['--no', '--', BIN, 'failover', '--group', group, '--to', SEED.replicaRegion, '--json'], cliEnv(emulator), app);

    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ group });
    expect(emulator.distribution(group).telephony).toEqual({ [SEED.sourceRegion]: 0, [SEED.replicaRegion]: 100 });
    const calls = emulator.calls.slice(callsBefore);
    expect(calls.filter(c => c.operation === 'UpdateTrafficDistribution' && c.status === 200).map(c => c.region)).toEqual([SEED.replicaRegion]);
    expect(calls.filter(c => c.region === SEED.sourceRegion && c.status < 400)).toEqual([]);
  } finally {
    emulator.restoreRegion(SEED.sourceRegion);
    await emulator.stop();
  }
}, 120_000);

test('local deploy from the installed package deploys examples/ (synthesized with the cdk CLI) to the embedded emulator', () => {
  const assembly = fs.mkdtempSync(path.join(tmpdir(), 'cgr-package-cdk-out-'));
  try {
    const synth = cdkSynth(path.join(ROOT, 'examples'), assembly);
    if (synth.status !== 0) {
      throw new Error(`cdk synth of examples/ failed: ${synth.stderr}`);
    }

    const out = spawnSync('npx', ['--no', '--', BIN, 'local', 'deploy', assembly, '--json'], { cwd: app, env: offlineEnv(), encoding: 'utf-8', timeout: 180_000 });

    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout) as Report;
    expect(report.succeeded).toBe(true);
    expect(report.outputs.MainNumber).toBe('+12065550100');
    const custom = report.resources.filter(r => r.resourceType.startsWith('Custom::'));
    expect(custom.length).toBe(7);
    expect(custom.every(r => r.status === 'CREATE_COMPLETE')).toBe(true);
    // What the emulator then holds: the group with its split, the numbers with target and flows.
    const group = report.emulator.groups.find(g => !g.isDefault)!;
    expect(group).toMatchObject({ status: 'ACTIVE', telephony: { [SEED.sourceRegion]: 70, [SEED.replicaRegion]: 30 } });
    const main = report.emulator.numbers.find(n => n.phoneNumber === '+12065550100')!;
    expect(main).toMatchObject({ status: 'CLAIMED', targetArn: group.arn });
    expect(Object.keys(main.flows).sort()).toEqual([SEED.sourceRegion, SEED.replicaRegion].sort());
  } finally {
    fs.rmSync(assembly, { recursive: true, force: true });
  }
}, 300_000);

test('local deploy from the installed package fails a broken app with the handler\'s reason: a flow in the wrong Region, a split over 100', () => {
  const assembly = fs.mkdtempSync(path.join(tmpdir(), 'cgr-package-broken-'));
  try {
    const synth = cdkSynth(path.join(ROOT, 'test', 'local', 'fixtures'), assembly, ['WrongRegionFlow', 'SplitOver100']);
    if (synth.status !== 0) {
      throw new Error(`cdk synth of test/local/fixtures failed: ${synth.stderr}`);
    }
    const deploy = (stack: string) => spawnSync('npx', ['--no', '--', BIN, 'local', 'deploy', assembly, '--stack', stack, '--json'],
      { cwd: app, env: offlineEnv(), encoding: 'utf-8', timeout: 180_000 });

    const wrongRegion = deploy('WrongRegionFlow');
    expect(wrongRegion.status).toBe(1);
    const a = JSON.parse(wrongRegion.stdout) as Report;
    expect(a.succeeded).toBe(false);
    expect(a.error).toContain("ContactFlowArns[0] must be in the target instance's Region us-east-1");
    expect(a.emulator.numbers).toEqual([]);

    const overSplit = deploy('SplitOver100');
    expect(overSplit.status).toBe(1);
    const b = JSON.parse(overSplit.stdout) as Report;
    expect(b.succeeded).toBe(false);
    expect(b.error).toContain('TelephonyDistribution percentages must sum to 100 (they sum to 110)');
    expect(b.emulator.groups.filter(g => !g.isDefault)).toEqual([]);
  } finally {
    fs.rmSync(assembly, { recursive: true, force: true });
  }
}, 400_000);
