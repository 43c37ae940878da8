/**
 * `isolate --instance <arn> [--undo]` (the bundle as shipped, a child process) against the emulator:
 * before -> after, the Region that answers during an outage, refusals, the IAM that
 * grantCrossRegionRouting gives (enforced by the emulator), and `local isolate` on a state file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BUNDLED_CLI, cliEnv, CliRun, runCli } from './run-cli';
import { ConnectEmulator, SEED } from '../../local/emulator';
import { accessDeniedMessage, evaluate, PolicyStatement } from '../../local/engine/iam';
import { TrafficDistributionGroup } from '../../src';

const SOURCE = SEED.sourceRegion;
const REPLICA = SEED.replicaRegion;
const REPLICA_INSTANCE = SEED.instanceArn.replace(`:${SOURCE}:`, `:${REPLICA}:`);

let emulator: ConnectEmulator;
const cli = (...args: string[]): Promise<CliRun> => runCli(BUNDLED_CLI, args, cliEnv(emulator));
const isolated = () => emulator.snapshot().isolatedAll;

beforeAll(async () => {
  expect(fs.existsSync(BUNDLED_CLI)).toBe(true);
  emulator = await ConnectEmulator.start({ timeScale: 0.01, replicated: true });
});

afterAll(() => emulator.stop());

afterEach(() => {
  emulator.restoreRegion(SOURCE);
  emulator.restoreRegion(REPLICA);
});

test('isolate turns cross-Region routing off in the instance\'s Region and prints before -> after; --undo turns it back on', async () => {
  const seen = emulator.calls.length;
  const off = await cli('isolate', '--instance', SEED.instanceArn);
  expect(off.stderr).toBe('');
  expect(off.code).toBe(0);
  expect(off.stdout).toBe(`isolate: UpdateCrossRegionRouting (IsolatedAll true) in ${SOURCE}.\n`
    + `  cross-Region routing  on (no Region isolated) -> off (isolated: ${SOURCE}, ${REPLICA})\n`);
  expect(isolated()).toBe(true);
  expect(emulator.calls.slice(seen).map(c => `${c.operation} ${c.region} ${c.status}`)).toEqual([
    `GetCrossRegionRouting ${SOURCE} 200`, `UpdateCrossRegionRouting ${SOURCE} 200`, `GetCrossRegionRouting ${SOURCE} 200`,
  ]);

  const status = await cli('status', '--group', emulator.groups().find(g => g.isDefault)!.arn);
  expect(status.stdout).toContain(`cross-Region routing (${SOURCE}): isolated: ${SOURCE}, ${REPLICA}`);

  const on = await cli('isolate', '--instance', SEED.instanceArn, '--undo', '--json');
  expect(on.code).toBe(0);
  expect(JSON.parse(on.stdout)).toEqual({
    command: 'isolate',
    instance: SEED.instanceArn,
    region: SOURCE,
    failures: [],
    isolatedAll: false,
    before: { isolatedRegions: [SOURCE, REPLICA] },
    after: { isolatedRegions: [] },
  });
  expect(isolated()).toBe(false);
});

test('with every call to the instance\'s Region failing, isolate is called in the other Region and says why', async () => {
  emulator.failRegion(SOURCE);
  const seen = emulator.calls.length;
  const out = await cli('isolate', '--instance', SEED.instanceArn);
  expect(out.code).toBe(0);
  expect(out.stdout).toContain(`isolate: UpdateCrossRegionRouting (IsolatedAll true) in ${REPLICA} (${SOURCE}: GetCrossRegionRouting in ${SOURCE} failed: ServiceUnavailableException`);
  expect(emulator.calls.slice(seen).filter(c => c.operation === 'UpdateCrossRegionRouting').map(c => c.region)).toEqual([REPLICA]);
  expect(isolated()).toBe(true);
  // The replica's ARN works as well, from the replica Region first.
  const back = await cli('isolate', '--instance', REPLICA_INSTANCE, '--undo');
  expect(back.code).toBe(0);
  expect(back.stdout).toContain(`in ${REPLICA}.`);
  expect(isolated()).toBe(false);
});

test('no Region answering, a malformed ARN and an instance that is not replicated each exit 1 saying so', async () => {
  emulator.failRegion(SOURCE);
  emulator.failRegion(REPLICA);
  const down = await cli('isolate', '--instance', SEED.instanceArn);
  expect(down.code).toBe(1);
  expect(down.stderr).toContain('No Region of the instance answered');

  const seen = emulator.calls.length;
  for (const wait of ['abc', '1s', '-5', '0']) {
    const refused = await cli('isolate', '--instance', SEED.instanceArn, '--wait', wait);
    // Commander's usage error (its exit code is the rough-edges part of issue 28's to settle): never 0, never a call.
    expect({ wait, failed: refused.code !== 0 }).toEqual({ wait, failed: true });
    expect(refused.stderr).toContain('whole seconds, 1 or more');
  }
  expect(emulator.calls.length).toBe(seen);

  const bad = await cli('isolate', '--instance', 'instance/1234');
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("Give the instance's ARN");

  const single = await ConnectEmulator.start({ timeScale: 0.01, replicated: false, rateLimit: false });
  try {
    const out = await runCli(BUNDLED_CLI, ['isolate', '--instance', SEED.instanceArn], cliEnv(single));
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`GetCrossRegionRouting in ${SOURCE}: Amazon Connect refused the request`);
    expect(out.stderr).toContain('needs an instance replicated with Global Resiliency');
  } finally {
    await single.stop();
  }
});

describe('grantCrossRegionRouting', () => {
  /** The statements a role gets from `grant`, resolved as CloudFormation would. */
  function statementsOf(grant: (group: TrafficDistributionGroup, role: iam.IGrantable) => void): PolicyStatement[] {
    const stack = new Stack(new App(), 'Grant', { env: { account: SEED.account, region: SOURCE } });
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    grant(new TrafficDistributionGroup(stack, 'Group', { instanceArn: SEED.instanceArn }), role);
    const policy = (role.node.tryFindChild('DefaultPolicy') as iam.Policy).document.toJSON();
    return materialize(stack.resolve(policy).Statement) as PolicyStatement[];
  }

  /** What CloudFormation makes of the resolved statements: Fn::Join joined, the partition `aws`. */
  function materialize(v: any): any {
    if (Array.isArray(v)) {
      return v.map(materialize);
    }
    if (v !== null && typeof v === 'object') {
      if (v.Ref === 'AWS::Partition') {
        return 'aws';
      }
      if (v['Fn::Join'] !== undefined) {
        return (materialize(v['Fn::Join'][1]) as string[]).join(v['Fn::Join'][0]);
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x)]));
    }
    return v;
  }

  /** Runs the CLI as a role holding `statements`: the emulator enforces them on every call. */
  async function asRole(statements: PolicyStatement[], ...args: string[]): Promise<CliRun> {
    const key = 'AKIDOPERATORROLE';
    const remove = emulator.addAuthorizer(request => {
      if (request.accessKeyId !== key) {
        return undefined;
      }
      const e = evaluate(statements, request.action, request.resources);
      return e.allowed ? { allowed: true } : { allowed: false, message: accessDeniedMessage(`arn:aws:iam::${SEED.account}:role/Operator`, request.action, e) };
    });
    try {
      return await runCli(BUNDLED_CLI, args, { ...cliEnv(emulator), AWS_ACCESS_KEY_ID: key });
    } finally {
      remove();
    }
  }

  test('grants exactly what isolate calls, on the group\'s instance in both Regions: enough from either Region', async () => {
    const statements = statementsOf((g, role) => g.grantCrossRegionRouting(role));
    expect(statements.flatMap(s => [s.Action!].flat()).sort()).toEqual(['connect:GetCrossRegionRouting', 'connect:UpdateCrossRegionRouting']);
    expect(statements.flatMap(s => [s.Resource!].flat()).sort()).toEqual([SEED.instanceArn, REPLICA_INSTANCE].sort());

    const seen = emulator.calls.length;
    expect((await asRole(statements, 'isolate', '--instance', SEED.instanceArn)).code).toBe(0);
    emulator.failRegion(SOURCE);
    expect((await asRole(statements, 'isolate', '--instance', SEED.instanceArn, '--undo')).code).toBe(0);
    const called = emulator.calls.slice(seen).filter(c => c.status === 200);
    expect([...new Set(called.map(c => `connect:${c.operation}`))].sort()).toEqual(['connect:GetCrossRegionRouting', 'connect:UpdateCrossRegionRouting']);
    expect(new Set(called.map(c => c.region))).toEqual(new Set([SOURCE, REPLICA]));
    expect(isolated()).toBe(false);
  });

  test('grantTrafficDistribution alone lets status read routing but not isolate change it: refused, naming the grant', async () => {
    const statements = statementsOf((g, role) => g.grantTrafficDistribution(role));
    const out = await asRole(statements, 'isolate', '--instance', SEED.instanceArn);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(`UpdateCrossRegionRouting in ${SOURCE}: access denied`);
    expect(out.stderr).toContain('grantCrossRegionRouting');
    expect(isolated()).toBe(false);
  });
});

test('local isolate runs the same command against the local world of a state file, and keeps the change in it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-isolate-'));
  const local = await ConnectEmulator.start({ timeScale: 0.01, replicated: true, rateLimit: false });
  const file = path.join(dir, 'state.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, world: SEED, emulator: local.snapshot(), engine: { version: 1, stacks: [] } }));
  await local.stop();
  try {
    // No credentials and no endpoint: the local world needs neither.
    const env = { ...cliEnv(emulator), AWS_ENDPOINT_URL_CONNECT: '', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' };
    const off = await runCli(BUNDLED_CLI, ['local', 'isolate', '--state', file], env);
    expect(off.stderr).toBe('');
    expect(off.code).toBe(0);
    expect(off.stdout).toContain(`on (no Region isolated) -> off (isolated: ${SOURCE}, ${REPLICA})`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).emulator.isolatedAll).toBe(true);
    const on = await runCli(BUNDLED_CLI, ['local', 'isolate', '--state', file, '--undo', '--json'], env);
    expect(on.code).toBe(0);
    expect(JSON.parse(on.stdout)).toMatchObject({ before: { isolatedRegions: [SOURCE, REPLICA] }, after: { isolatedRegions: [] } });
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).emulator.isolatedAll).toBe(false);
    const none = await runCli(BUNDLED_CLI, ['local', 'isolate', '--state', path.join(dir, 'none.json')], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('does not exist: run local deploy');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
