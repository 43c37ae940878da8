/**
 * The command-line tool (`npx cdk-connect-global-resiliency`), the bundle as shipped, run as a child
 * process against the emulator: status, failover and split, their exit codes, --json and --help,
 * and failover while every call to the source Region fails.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CreateTrafficDistributionGroupCommand } from '@aws-sdk/client-connect';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BUNDLED_CLI, cliEnv, CliRun, runCli } from './run-cli';
import { ConnectEmulator, SEED } from '../../local/emulator';
import { InstanceReplica, TrafficDistributionGroup } from '../../src';
import { clientFor, until } from '../emulator/helpers';

const SOURCE = SEED.sourceRegion;
const REPLICA = SEED.replicaRegion;

let emulator: ConnectEmulator;
let defaultGroup: string;
let group: string;
const cli = (...args: string[]): Promise<CliRun> => runCli(BUNDLED_CLI, args, cliEnv(emulator));

beforeAll(async () => {
  expect(fs.existsSync(BUNDLED_CLI)).toBe(true);
  emulator = await ConnectEmulator.start({ timeScale: 0.01, replicated: true, rateLimit: false });
  defaultGroup = emulator.groups().find(g => g.isDefault)!.arn;
  const client = clientFor(emulator, SOURCE);
  group = (await client.send(new CreateTrafficDistributionGroupCommand({ Name: 'support', InstanceId: SEED.instanceArn }))).Arn!;
  client.destroy();
  await until(() => emulator.groups().find(g => g.arn === group)?.status === 'ACTIVE' || undefined);
});

afterAll(() => emulator.stop());

afterEach(() => {
  emulator.restoreRegion(SOURCE);
  emulator.restoreRegion(REPLICA);
});

describe('--help', () => {
  test.each([
    [[], ['status', 'failover', 'split']],
    [['status'], ['--group <arn>', '--json']],
    [['failover'], ['--group <arn>', '--to <region>', '--dry-run', '--wait <seconds>', '--json']],
    [['split'], ['--telephony <split>', '--agents <split>', '--sign-in <regions>', '--region <region>', '--dry-run']],
  ])('%j --help exits 0 and names the options', async (command, words) => {
    const out = await cli(...command, '--help');
    expect(out.code).toBe(0);
    for (const w of words) {
      expect(out.stdout).toContain(w);
    }
  });

  test('an unknown command or a missing option exits non-zero with the usage', async () => {
    expect((await cli('explode')).code).not.toBe(0);
    const missing = await cli('failover', '--group', defaultGroup);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("required option '--to <region>' not specified");
  });
});

describe('status', () => {
  test('--json gives the group, its split, the numbers and cross-Region routing, read from the source Region', async () => {
    const out = await cli('status', '--group', defaultGroup, '--json');
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json).toMatchObject({
      group: defaultGroup,
      region: SOURCE,
      failures: [],
      status: 'ACTIVE',
      isDefault: true,
      numbers: [],
      split: { telephony: { [SOURCE]: 100, [REPLICA]: 0 }, signIn: { [SOURCE]: true, [REPLICA]: true } },
      routing: { isolatedRegions: [] },
    });
  });

  test('with every call to the source Region failing, it reads from the replica Region and says so', async () => {
    emulator.failRegion(SOURCE);
    const out = await cli('status', '--group', group);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`answered by ${REPLICA} (${SOURCE}: DescribeTrafficDistributionGroup in ${SOURCE} failed: ServiceUnavailableException`);
    expect(out.stdout).toMatch(/telephony {2}us-east-1=\d+,us-west-2=\d+/);
  });

  test('an unknown group exits 1 saying it was not found', async () => {
    const out = await cli('status', '--group', `arn:aws:connect:${SOURCE}:${SEED.account}:traffic-distribution-group/00000000-0000-0000-0000-000000000000`, '--json');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('was not found');
    expect(JSON.parse(out.stdout).error).toContain('was not found');
  });

  test('without credentials, status says so once (not a Region outage), and exits 1', async () => {
    const env = cliEnv(emulator);
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const none = path.join(os.tmpdir(), 'cgr-no-such-aws-file');
    Object.assign(env, { AWS_CONFIG_FILE: none, AWS_SHARED_CREDENTIALS_FILE: none, AWS_EC2_METADATA_DISABLED: 'true' });
    const out = await runCli(BUNDLED_CLI, ['status', '--group', `arn:aws:connect:${SOURCE}:${SEED.account}:traffic-distribution-group/00000000-0000-0000-0000-000000000000`], env);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('No AWS credentials were found (DescribeTrafficDistributionGroup in us-east-1');
    expect(out.stderr).toContain('This is not a Region outage.');
    expect(out.stderr).not.toContain('No Region of the group answered');
  });

  test('a bare id exits 2 (bad usage) asking for the ARN', async () => {
    const out = await cli('status', '--group', '00000000-0000-0000-0000-000000000000');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("Give the group's ARN");
  });
});

describe('failover and split', () => {
  test('failover with every call to the source Region failing succeeds using only the replica Region; split fails back', async () => {
    emulator.failRegion(SOURCE);
    const seen = emulator.calls.length;
    const out = await cli('failover', '--group', defaultGroup, '--to', REPLICA, '--json');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json).toMatchObject({
      command: 'failover',
      region: REPLICA,
      dryRun: false,
      after: { telephony: { [SOURCE]: 0, [REPLICA]: 100 }, agent: { [SOURCE]: 0, [REPLICA]: 100 }, signIn: { [SOURCE]: false, [REPLICA]: true } },
    });
    expect(json.changed.map((c: any) => c.part)).toEqual(['telephony', 'agents', 'sign-in']);
    expect(emulator.distribution(defaultGroup)).toEqual(json.after);
    const calls = emulator.calls.slice(seen);
    expect(new Set(calls.map(c => c.region))).toEqual(new Set([REPLICA]));
    expect(calls.map(c => c.operation)).toContain('UpdateTrafficDistribution');

    emulator.restoreRegion(SOURCE);
    const back = await cli('split', '--group', defaultGroup, '--telephony', `${SOURCE}=100,${REPLICA}=0`, '--agents', `${SOURCE}=100,${REPLICA}=0`,
      '--sign-in', `${SOURCE}=true,${REPLICA}=true`);
    expect(back.code).toBe(0);
    expect(back.stdout).toContain(`split: UpdateTrafficDistribution in ${SOURCE}`);
    expect(back.stdout).toMatch(/telephony +us-east-1=0,us-west-2=100 -> us-east-1=100,us-west-2=0/);
    expect(emulator.distribution(defaultGroup)).toEqual({
      telephony: { [SOURCE]: 100, [REPLICA]: 0 }, agent: { [SOURCE]: 100, [REPLICA]: 0 }, signIn: { [SOURCE]: true, [REPLICA]: true },
    });
  });

  test('a non-default group: sign-in is left alone; --dry-run prints the request and sends nothing', async () => {
    const before = emulator.callCount('UpdateTrafficDistribution');
    const dry = await cli('failover', '--group', group, '--to', REPLICA, '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).request).toEqual({
      Id: group,
      TelephonyConfig: { Distributions: [{ Region: SOURCE, Percentage: 0 }, { Region: REPLICA, Percentage: 100 }] },
      AgentConfig: { Distributions: [{ Region: SOURCE, Percentage: 0 }, { Region: REPLICA, Percentage: 100 }] },
    });
    expect(emulator.callCount('UpdateTrafficDistribution')).toBe(before);
  });

  test('a Region outside the group\'s pair exits 2 (bad usage) naming the pair, with no call', async () => {
    const seen = emulator.calls.length;
    const out = await cli('failover', '--group', group, '--to', 'eu-west-2');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`--to eu-west-2 is not a Region of the group ${group}: Global Resiliency pairs ${SOURCE} with ${REPLICA}`);
    expect(emulator.calls.length).toBe(seen);
  });

  test('a split Amazon Connect refuses exits 1 with its reason; a malformed split exits 2 before any call', async () => {
    const refused = await cli('split', '--group', group, '--sign-in', `${SOURCE}=true,${REPLICA}=false`, '--json');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).error).toMatch(/UpdateTrafficDistribution in us-east-1: Amazon Connect refused the request \(SignInConfig can be changed only on the default/);
    const seen = emulator.calls.length;
    const bad = await cli('split', '--group', group, '--telephony', `${SOURCE}=75,${REPLICA}=25`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--telephony');
    expect(emulator.calls.length).toBe(seen);
  });

  test('a change applied but not ACTIVE again within --wait exits 3 saying so', async () => {
    const slow = await ConnectEmulator.start({ timeScale: 1, replicated: true, rateLimit: false, durations: { groupUpdate: 30_000 } });
    try {
      const arn = slow.groups().find(g => g.isDefault)!.arn;
      const out = await runCli(BUNDLED_CLI, ['failover', '--group', arn, '--to', REPLICA, '--wait', '1'], cliEnv(slow));
      expect(out.code).toBe(3);
      expect(out.stdout).toContain(`failover: UpdateTrafficDistribution in ${REPLICA} accepted; `);
      expect(out.stderr).toContain('was not ACTIVE yet when --wait 1 s ended: it settles on its own');
      expect(slow.groups().find(g => g.arn === arn)!.status).toBe('UPDATE_IN_PROGRESS'); // applied, settling
    } finally {
      await slow.stop();
    }
  });
});

describe('grantTrafficDistribution', () => {
  test('grants exactly the actions status, failover and split call, on the group ARN and its instance in both Regions', async () => {
    const seen = emulator.calls.length;
    for (const args of [
      ['status', '--group', defaultGroup],
      ['failover', '--group', defaultGroup, '--to', REPLICA],
      ['split', '--group', defaultGroup, '--telephony', `${SOURCE}=100,${REPLICA}=0`, '--agents', `${SOURCE}=100,${REPLICA}=0`,
        '--sign-in', `${SOURCE}=true,${REPLICA}=true`],
    ]) {
      expect((await cli(...args)).code).toBe(0);
    }
    const called = new Set(emulator.calls.slice(seen).filter(c => c.status === 200).map(c => `connect:${c.operation}`));

    const stack = new Stack(new App(), 'Grant', { env: { account: SEED.account, region: SOURCE } });
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    const imported = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'Default', defaultGroup);
    imported.grantTrafficDistribution(role);
    const statements: Array<{ Action: string | string[]; Resource: unknown }> = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const granted = new Set(statements.flatMap(s => [s.Action].flat()));
    expect([...granted].sort()).toEqual([...called].sort());

    const resources = (action: string) => statements.filter(s => [s.Action].flat().includes(action))
      .flatMap(s => [s.Resource].flat()).map(r => JSON.stringify(stack.resolve(r)));
    for (const action of ['connect:UpdateTrafficDistribution', 'connect:GetTrafficDistribution', 'connect:DescribeTrafficDistributionGroup']) {
      expect(resources(action)).toEqual([JSON.stringify(defaultGroup)]);
    }
    const instances = resources('connect:GetCrossRegionRouting').join(' ');
    expect(instances).toContain(`:connect:${SOURCE}:${SEED.account}:instance/*`);
    expect(instances).toContain(`:connect:${REPLICA}:${SEED.account}:instance/*`);
  });

  test('a group of the stack and the default group of a replica have it too', () => {
    const stack = new Stack(new App(), 'Grant', { env: { account: SEED.account, region: SOURCE } });
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    const replica = new InstanceReplica(stack, 'Replica', { instanceArn: SEED.instanceArn, replicaRegion: REPLICA });
    const own = new TrafficDistributionGroup(stack, 'Group', { instanceArn: SEED.instanceArn });
    replica.defaultTrafficDistributionGroup.grantTrafficDistribution(role);
    own.grantTrafficDistribution(role);
    const policy = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }] } });
    const actions = new Set(Object.values(policy).flatMap((p: any) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat())));
    expect([...actions].sort()).toEqual([
      'connect:DescribeTrafficDistributionGroup', 'connect:GetCrossRegionRouting', 'connect:GetTrafficDistribution', 'connect:ListPhoneNumbersV2',
      'connect:UpdateTrafficDistribution',
    ]);
  });
});
