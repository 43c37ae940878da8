/**
 * The command-line tool's rough edges found by a new user's trial (issue 28, part 4), on the bundle as
 * shipped, against the local world of a state file (examples/ deployed with `local deploy`): options
 * checked before any call (exit 2), `--wait 0` as its own outcome (exit 3), an unknown option said to be
 * unknown, split without --telephony during an outage of the source Region, the progress line on a
 * terminal only, the `local` output's one line for the provider framework, the README's first commands.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { BUNDLED_CLI } from './run-cli';
import { cdkSynth, offlineEnv } from '../local/cdk';

const ROOT = path.join(__dirname, '..', '..');
const SOURCE = 'us-east-1';
const REPLICA = 'us-west-2';
const GROUP = 'arn:aws:connect:us-east-1:111122223333:traffic-distribution-group/00000000-0000-4000-8000-000000000001';

let work: string;
let deployOut: string;

function cli(...args: string[]) {
  const out = spawnSync(process.execPath, [BUNDLED_CLI, ...args], { cwd: work, env: offlineEnv(), encoding: 'utf-8', timeout: 120_000 });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

/** A fresh copy of the deployed state file (each test its own world). */
function state(name: string): string {
  fs.copyFileSync(path.join(work, 'deployed.json'), path.join(work, name));
  return name;
}

beforeAll(() => {
  expect(fs.existsSync(BUNDLED_CLI)).toBe(true);
  work = fs.mkdtempSync(path.join(tmpdir(), 'cgr-rough-'));
  const synth = cdkSynth(path.join(ROOT, 'examples'), path.join(work, 'cdk.out'));
  if (synth.status !== 0) {
    throw new Error(`cdk synth of examples/ failed: ${synth.stderr}`);
  }
  const deploy = cli('local', 'deploy', 'cdk.out', '--state', 'deployed.json', '--seed', '1');
  deployOut = deploy.stdout;
  expect(deploy.code).toBe(0);
}, 300_000);

afterAll(() => {
  if (work !== undefined) {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

describe('--wait is checked before any call', () => {
  test.each(['abc', '1s', '-5', '1.5', ''])('failover --wait %j: exit 2, the option named, nothing sent', value => {
    const file = state(`wait-${value || 'empty'}.json`);
    const before = fs.readFileSync(path.join(work, file), 'utf-8');
    const out = cli('local', 'failover', '--to', REPLICA, '--state', file, '--wait', value);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`option '--wait <seconds>' argument '${value}' is invalid`);
    expect(out.stderr).toContain('a whole number of seconds, 0 or more');
    expect(fs.readFileSync(path.join(work, file), 'utf-8')).toBe(before); // the world never started
  });

  test.each(['abc', '1s', '-5'])('failover and split of an account --wait %j: exit 2 before any call (no credentials looked for)', value => {
    for (const args of [['failover', '--to', REPLICA], ['split', '--agents', `${SOURCE}=0,${REPLICA}=100`]]) {
      const out = cli(...args, '--group', GROUP, '--wait', value);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(`option '--wait <seconds>' argument '${value}' is invalid`);
      expect(out.stderr).not.toContain('credentials');
    }
  });

  test('a bad --to or --group is a usage error too (exit 2)', () => {
    expect(cli('failover', '--group', GROUP, '--to', 'eu-west-2').code).toBe(2);
    expect(cli('failover', '--group', 'not-an-arn', '--to', REPLICA).code).toBe(2);
    expect(cli('split', '--group', GROUP, '--telephony', 'us-east-1=75,us-west-2=25').code).toBe(2);
  });
});

test('--wait 0: the change is applied but not ACTIVE yet, its own message and exit code 3', () => {
  const file = state('wait0.json');
  const out = cli('local', 'failover', '--to', REPLICA, '--state', file, '--wait', '0');
  expect(out.code).toBe(3);
  expect(out.stdout).toContain(`failover: UpdateTrafficDistribution in ${REPLICA} accepted; support is still UPDATE_IN_PROGRESS after --wait 0 s.`);
  expect(out.stdout).toContain(`  telephony ${SOURCE}=70,${REPLICA}=30 -> ${SOURCE}=0,${REPLICA}=100 (requested)`);
  expect(out.stderr).toContain('The change was applied, but support was not ACTIVE yet when --wait 0 s ended: it settles on its own.');
  expect(cli('failover', '--help').stdout).toMatch(/3 +the change was applied, but the group was not ACTIVE yet when --wait ended/);
  const json = cli('local', 'status', '--state', file, '--json');
  expect(JSON.parse(json.stdout)).toMatchObject({ status: 'UPDATE_IN_PROGRESS' });
});

test('an unknown option is reported as unknown, not as a missing required one (exit 2)', () => {
  const out = cli('failover', '--group', GROUP, '--too', REPLICA);
  expect(out.code).toBe(2);
  expect(out.stderr).toContain("unknown option '--too'");
  expect(out.stderr).not.toContain('required option');
  const missing = cli('failover', '--group', GROUP);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("required option '--to <region>' not specified");
});

test('split --agents alone during an outage of the source Region calls the Region that answers, and says so', () => {
  const file = state('split.json');
  expect(cli('local', 'outage', SOURCE, '--state', file).code).toBe(0);
  const out = cli('local', 'split', '--agents', `${SOURCE}=0,${REPLICA}=100`, '--state', file);
  expect(out.stderr).not.toContain('error');
  expect(out.code).toBe(0);
  expect(out.stdout).toContain(`split: UpdateTrafficDistribution in ${REPLICA}; support is ACTIVE.`);
  expect(out.stdout).toContain(`  called in ${REPLICA}, the first of the group's Regions that answered (${SOURCE}: DescribeTrafficDistributionGroup`);
  expect(out.stdout).toContain(`  agents    ${SOURCE}=100,${REPLICA}=0 -> ${SOURCE}=0,${REPLICA}=100`);
});

describe('progress while waiting', () => {
  /** The command run on a pseudo-terminal (util-linux `script`): what a user at a terminal sees. */
  const onTerminal = (args: string[]) => spawnSync('script',
    // A pseudo-terminal of script has no size: give it one, as a terminal has.
    ['-qec', `stty rows 24 cols 200; ${[process.execPath, BUNDLED_CLI, ...args].map(a => `'${a}'`).join(' ')}`, '/dev/null'],
    { cwd: work, env: offlineEnv(), encoding: 'utf-8', timeout: 120_000 });

  test('on a terminal: what it waits for and the elapsed seconds', () => {
    const out = onTerminal(['local', 'failover', '--to', REPLICA, '--state', state('tty.json')]);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/Waiting for support to be ACTIVE with the new split \(UPDATE_IN_PROGRESS, in us-west-2, --wait 300 s\) \(\d+ s\)/);
  });

  test('quiet with --json on a terminal, and when piped', () => {
    const json = onTerminal(['local', 'failover', '--to', REPLICA, '--state', state('tty-json.json'), '--json']);
    expect(json.status).toBe(0);
    expect(json.stdout).not.toContain('Waiting for');
    const piped = cli('local', 'failover', '--to', REPLICA, '--state', state('piped.json'));
    expect(piped.code).toBe(0);
    expect(piped.stdout + piped.stderr).not.toContain('Waiting for');
  });
});

test('local output: the library\'s resources, the provider framework\'s rows in one line; all with --verbose', () => {
  const lines = deployOut.split('\n');
  const first = lines.findIndex(l => /_COMPLETE/.test(l));
  expect(lines[first]).toContain('Custom::Connect');
  expect(deployOut).not.toMatch(/AWS::Lambda::Function|AWS::IAM::Role/);
  expect(deployOut).toMatch(/\n {2}\+ \d+ other resource operations \(the provider framework's functions, roles, state machine\.\.\.\): \d+ CREATE_COMPLETE/);
  const verbose = cli('local', 'deploy', 'cdk.out', '--state', 'verbose.json', '--verbose');
  expect(verbose.code).toBe(0);
  expect(verbose.stdout).toMatch(/CREATE_COMPLETE .* AWS::Lambda::Function/);
  expect(verbose.stdout).not.toContain('other resource operations');
}, 120_000);

test('a local update during an outage of the source Region fails as it would on AWS: fast, naming the outage, and the stack rolls back', () => {
  const update = path.join(work, 'cdk.out.update');
  const synth = cdkSynth(path.join(ROOT, 'examples'), update, ['-c', 'sourcePercent=50']);
  expect(synth.status).toBe(0);
  const file = state('outage-update.json');
  expect(cli('local', 'outage', SOURCE, '--state', file).code).toBe(0);
  const out = cli('local', 'update', 'cdk.out.update', '--state', file, '--json');
  expect(out.code).toBe(1);
  const report = JSON.parse(out.stdout) as { error: string; simulatedSeconds: number };
  // The split lives in the source Region: the change needs it, so it fails after 5 calls in a row there went unanswered.
  expect(report.error).toContain(`it looks like an outage of Amazon Connect in ${SOURCE}`);
  // The rollback never fails: it leaves the Region that is down as it was.
  expect(report.error).toContain('UPDATE_ROLLBACK_COMPLETE');
  expect(report.simulatedSeconds).toBeLessThan(5 * 60);
}, 240_000);

test('the README gives its first commands and its test command near the top', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8').split('\n');
  const at = (text: string) => readme.findIndex(l => l.includes(text));
  expect(at('npm install cdk-connect-global-resiliency')).toBeGreaterThan(-1);
  expect(at('npm install cdk-connect-global-resiliency')).toBeLessThan(40);
  expect(at('npx cdk-connect-global-resiliency local deploy')).toBeLessThan(40);
  expect(at('npm test')).toBeGreaterThan(-1);
  expect(at('npm test')).toBeLessThan(40);
});
