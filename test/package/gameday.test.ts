/**
 * The game day of the README's "Rehearse it", from the packed tarball installed in a fresh directory
 * (as tarball.test.ts installs it): local deploy of examples/ (synthesized with the cdk CLI), an outage
 * of the source Region, failover, status during the outage, recover, split back, destroy. Every step
 * is the installed bin run with npx, on one state file; each step's output is asserted.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { cdkSynth, offlineEnv } from '../local/cdk';

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist', 'js');
const BIN = 'cdk-connect-global-resiliency';
const SOURCE = 'us-east-1';
const REPLICA = 'us-west-2';

let app: string;

beforeAll(() => {
  const tarballs = fs.existsSync(DIST) ? fs.readdirSync(DIST).filter(f => f.endsWith('.tgz')) : [];
  if (tarballs.length !== 1) {
    throw new Error(`expected one packed tarball in ${DIST} (run npx projen compile && npx projen package first), found ${tarballs.length}`);
  }
  app = fs.mkdtempSync(path.join(tmpdir(), 'cgr-gameday-'));
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'gameday-trial', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', path.join(DIST, tarballs[0])], { cwd: app, stdio: 'pipe' });
  const synth = cdkSynth(path.join(ROOT, 'examples'), path.join(app, 'cdk.out'));
  if (synth.status !== 0) {
    throw new Error(`cdk synth of examples/ failed: ${synth.stderr}`);
  }
}, 300_000);

afterAll(() => {
  if (app !== undefined) {
    fs.rmSync(app, { recursive: true, force: true });
  }
});

/** `npx cdk-connect-global-resiliency local ...` in the fresh directory, offline. */
function local(...args: string[]) {
  const out = spawnSync('npx', ['--no', '--', BIN, 'local', ...args], { cwd: app, env: offlineEnv(), encoding: 'utf-8', timeout: 180_000 });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

test('the game day: deploy, outage of the source Region, failover, status, recover, split back, destroy', () => {
  const deploy = local('deploy', 'cdk.out', '--state', 'gameday.json', '--seed', '20261208');
  expect(deploy.stderr).toBe('');
  expect(deploy.code).toBe(0);
  expect(deploy.stdout).toContain('seed 20261208: --seed 20261208 replays it');
  expect(deploy.stdout).toMatch(/CREATE_COMPLETE +[\d.]+ s {2}Custom::ConnectTrafficDistributionGroup +Group/);
  expect(deploy.stdout).toMatch(/\+ \d+ other resource operations \(the provider framework's/);
  expect(deploy.stdout).toMatch(/Done: on AWS this deploy would take about \d+ min \d\d s/);
  const group = /\n {2}GroupArn +(arn:aws:connect:us-east-1:\d+:traffic-distribution-group\/\S+)/.exec(deploy.stdout)![1];
  expect(deploy.stdout).toContain(`calls ${SOURCE} 70 % / ${REPLICA} 30 %`);

  const outage = local('outage', SOURCE, '--state', 'gameday.json');
  expect(outage.code).toBe(0);
  expect(outage.stdout).toBe(`${SOURCE} is down in the local world of gameday.json: every Amazon Connect call there is answered 503 `
    + `ServiceUnavailableException until: local recover ${SOURCE} --state gameday.json\n  Regions down: ${SOURCE}\n`);

  const failover = local('failover', '--to', REPLICA, '--state', 'gameday.json');
  expect(failover.code).toBe(0);
  expect(failover.stdout).toBe([
    `failover: UpdateTrafficDistribution in ${REPLICA}; support is ACTIVE.`,
    `  telephony ${SOURCE}=70,${REPLICA}=30 -> ${SOURCE}=0,${REPLICA}=100`,
    `  agents    ${SOURCE}=100,${REPLICA}=0 -> ${SOURCE}=0,${REPLICA}=100`,
    '',
  ].join('\n'));
  expect(failover.stderr).toContain(`down: ${SOURCE} (local outage)`);

  const status = local('status', '--state', 'gameday.json');
  expect(status.code).toBe(0);
  expect(status.stdout).toContain(`Group support (${group})`);
  expect(status.stdout).toContain(`answered by ${REPLICA} (${SOURCE}: DescribeTrafficDistributionGroup in ${SOURCE} failed: ServiceUnavailableException`);
  expect(status.stdout).toContain(`  telephony  ${SOURCE}=0,${REPLICA}=100\n`);
  expect(status.stdout).toContain('  status     ACTIVE\n');

  const recover = local('recover', SOURCE, '--state', 'gameday.json');
  expect(recover.code).toBe(0);
  expect(recover.stdout).toBe(`${SOURCE} is back in the local world of gameday.json.\n  Regions down: none\n`);

  const split = local('split', '--telephony', `${SOURCE}=70,${REPLICA}=30`, '--agents', `${SOURCE}=100,${REPLICA}=0`, '--state', 'gameday.json');
  expect(split.code).toBe(0);
  expect(split.stdout).toBe([
    `split: UpdateTrafficDistribution in ${SOURCE}; support is ACTIVE.`,
    `  telephony ${SOURCE}=0,${REPLICA}=100 -> ${SOURCE}=70,${REPLICA}=30`,
    `  agents    ${SOURCE}=0,${REPLICA}=100 -> ${SOURCE}=100,${REPLICA}=0`,
    '',
  ].join('\n'));
  const back = local('status', '--state', 'gameday.json', '--json');
  expect(JSON.parse(back.stdout)).toMatchObject({ group, region: SOURCE, failures: [], split: { telephony: { [SOURCE]: 70, [REPLICA]: 30 } } });

  const destroy = local('destroy', '--state', 'gameday.json');
  expect(destroy.code).toBe(0);
  expect(destroy.stdout).toContain('DELETE_COMPLETE');
  expect(destroy.stdout).toContain('deleted: the group is deleted');
  expect(destroy.stdout).toMatch(/Done: on AWS this destroy would take about \d+ s/);
  expect(destroy.stdout).not.toMatch(/ support +ACTIVE/);
}, 600_000);
