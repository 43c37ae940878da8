/**
 * `local deploy | update | destroy` of the user's own app: examples/ and test/local/fixtures are
 * synthesized with the real `cdk` CLI, and the bundled commands (assets/cli/index.js, copied
 * alone into a temporary directory, so that it runs with no node_modules) deploy the cloud
 * assemblies to the embedded emulator, in child processes without AWS credentials.
 */
import { execFile, spawnSync } from 'child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { offlineEnv } from './cdk';
import { readAssembly, selectStack } from '../../local/engine';
import { deriveWorld } from '../../local/run/world';

const ROOT = path.join(__dirname, '..', '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const BUNDLE = path.join(ROOT, 'assets', 'cli', 'index.js');
const STACK = 'ConnectGlobalResiliency';
const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555';
const FLOW_ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const CUSTOM_RESOURCES = {
  Replica: 'Custom::ConnectInstanceReplica',
  Group: 'Custom::ConnectTrafficDistributionGroup',
  SignIn: 'Custom::ConnectTrafficDistribution',
  Main: 'Custom::ConnectClaimedPhoneNumber',
  Searched: 'Custom::ConnectClaimedPhoneNumber',
  Backup: 'Custom::ConnectClaimedPhoneNumber',
  Agents: 'Custom::ConnectTrafficDistributionGroupUsers',
};

/** `cdk synth` of the app in `appDir` (its cdk.json), concurrently with others. */
function synth(appDir: string, outdir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(CDK, ['synth', '--output', outdir, '--no-notices', '--no-version-reporting', '--no-lookups', '--quiet'],
      { cwd: appDir, env: offlineEnv(), timeout: 240_000 },
      (error, _stdout, stderr) => (error ? reject(new Error(`cdk synth in ${appDir} failed: ${error.message}\n${stderr}`)) : resolve()));
  });
}

interface CommandReport {
  command: string;
  stack: string;
  succeeded: boolean;
  error?: string;
  resources: Array<{ logicalId: string; resourceType: string; status: string; seconds: number; reason?: string; meaning?: string }>;
  outputs: Record<string, string>;
  leftRunning?: string[];
  seed: number;
  simulatedSeconds: number;
  apiCalls: number;
  emulator: {
    instance: { arn: string; replicas: Record<string, string> };
    groups: Array<{
      name: string;
      arn: string;
      status: string;
      isDefault: boolean;
      telephony: Record<string, number>;
      agent: Record<string, number>;
      users: string[];
    }>;
    numbers: Array<{ phoneNumber: string; status: string; targetArn: string; flows: Record<string, string> }>;
  };
}

describe('local deploy, update and destroy of a cloud assembly', () => {
  let work: string;
  let cli: string;
  let exampleOut: string;
  let fixtureOut: string;
  let state: string;

  const local = (...args: string[]) => spawnSync(process.execPath, [cli, 'local', ...args],
    { cwd: work, env: offlineEnv(), encoding: 'utf-8', timeout: 120_000 });
  const json = (r: ReturnType<typeof local>) => JSON.parse(r.stdout) as CommandReport;
  /** Custom resources' lines of a report: logical id without its hash -> status. */
  const customStatuses = (r: CommandReport) => Object.fromEntries(r.resources
    .filter(l => l.resourceType.startsWith('Custom::'))
    .map(l => [l.logicalId.replace(/[0-9A-F]{8}$/, ''), l.status]));

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'local-deploy-'));
    cli = path.join(work, 'cli.js');
    copyFileSync(BUNDLE, cli);
    exampleOut = path.join(work, 'example.out');
    fixtureOut = path.join(work, 'fixture.out');
    state = path.join(work, 'state.json');
    await Promise.all([synth(path.join(ROOT, 'examples'), exampleOut), synth(path.join(__dirname, 'fixtures'), fixtureOut)]);
  }, 260_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  test('deploy prints a line per resource, the outputs and what the emulator then holds', () => {
    const r = local('deploy', exampleOut, '--state', state);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.stdout).toContain(`Deploying ${STACK} from ${exampleOut}`);
    for (const [id, type] of Object.entries(CUSTOM_RESOURCES)) {
      expect(r.stdout).toMatch(new RegExp(`CREATE_COMPLETE +\\d+\\.\\d\\d s  ${type.replace(/:/g, ':')} +${id}[0-9A-F]{8}\\n`));
    }
    expect(r.stdout).not.toMatch(/FAILED/);
    // The modelled durations, in simulated time; what the deploy would take on AWS, and its seed.
    expect(r.stdout).toMatch(/\n    replication of the instance +60 s\n/);
    expect(r.stdout).toMatch(/\nDone: on AWS this deploy would take about 1 min \d\d s \(the library's production timings/);
    expect(r.stdout).toMatch(/, seed \d+: --seed \d+ replays it\)\n/);
    const groupArn = /\n  GroupArn +(arn:aws:connect:us-east-1:111122223333:traffic-distribution-group\/\S+)/.exec(r.stdout)?.[1];
    expect(groupArn).toBeDefined();
    expect(r.stdout).toMatch(/MainNumber +\+12065550100\n/);
    expect(r.stdout).toContain(`Instance ${INSTANCE_ARN}, replica us-west-2 (INSTANCE_REPLICATION_COMPLETE)`);
    expect(r.stdout).toContain(`support  ACTIVE  ${groupArn}\n      calls us-east-1 70 % / us-west-2 30 %; agents us-east-1 100 % / us-west-2 0 %; sign-in -; 2 agent(s)`);
    expect(r.stdout).toContain(`+12065550100  CLAIMED  on ${groupArn}  flows: us-east-1 ${FLOW_ID}, us-west-2 ${FLOW_ID}`);
    expect(r.stdout).toMatch(new RegExp(`\\+1800\\d+  CLAIMED  on ${INSTANCE_ARN}  flows: us-east-1 ${FLOW_ID}\\n`));
    expect(r.stdout).toMatch(/sign-in us-east-1 yes, us-west-2 yes/);
  }, 130_000);

  test('update (--json) from the state file applies the new split and moves the backup number in place', () => {
    const before = JSON.parse(readFileSync(state, 'utf-8')) as { engine: { stacks: Array<{ name: string }> } };
    expect(before.engine.stacks.map(s => s.name)).toEqual([STACK]);

    const r = local('update', fixtureOut, '--stack', STACK, '--state', state, '--json');
    expect(r.status).toBe(0);
    const report = json(r);
    expect(report).toMatchObject({ command: 'update', stack: STACK, succeeded: true });
    expect(customStatuses(report)).toEqual({ Group: 'UPDATE_COMPLETE', Backup: 'UPDATE_COMPLETE' });
    const group = report.emulator.groups.find(g => g.name === 'support');
    expect(group).toMatchObject({ arn: report.outputs.GroupArn, status: 'ACTIVE', telephony: { 'us-east-1': 50, 'us-west-2': 50 } });
    expect(group?.users).toHaveLength(2);
    const backup = report.emulator.numbers.find(n => n.phoneNumber === report.outputs.BackupNumber);
    expect(backup).toMatchObject({ status: 'CLAIMED', targetArn: report.outputs.GroupArn });
    expect(Object.keys(backup?.flows ?? {}).sort()).toEqual(['us-east-1', 'us-west-2']);
    expect(report.outputs.MainNumber).toBe('+12065550100');
  }, 130_000);

  test('destroy from the state file deletes the stack: RETAIN numbers stay claimed, parked on the instance; DESTROY ones are released', () => {
    const deployed = json(local('update', fixtureOut, '--stack', STACK, '--state', state, '--json'));
    expect(deployed.resources).toEqual([]); // nothing changed: nothing sent
    const r = local('destroy', '--state', state, '--json');
    expect(r.status).toBe(0);
    const report = json(r);
    expect(report).toMatchObject({ command: 'destroy', stack: STACK, succeeded: true });
    expect(Object.values(customStatuses(report))).toEqual(Object.keys(CUSTOM_RESOURCES).map(() => 'DELETE_COMPLETE'));
    // Each Delete says what its removal policy did; what was retained is read back from the account.
    const meaning = (id: string) => report.resources.find(l => l.logicalId.startsWith(id) && l.resourceType.startsWith('Custom::'))?.meaning;
    expect(meaning('Main')).toBe('retained, left running: the number stays claimed, parked on the instance (RETAIN)');
    expect(meaning('Backup')).toBe('deleted: the number is released (DESTROY)');
    expect(meaning('Replica')).toBe('retained, left running: the replica in us-west-2 and its default group stay (RETAIN)');
    expect(report.leftRunning).toHaveLength(3);
    expect(report.leftRunning).toEqual(expect.arrayContaining([
      expect.stringMatching(/^replica in us-west-2 \(Replica[0-9A-F]{8}, RETAIN\), with its default group /),
      `${deployed.outputs.MainNumber} claimed on ${INSTANCE_ARN} (Main54E5BC70, RETAIN)`,
      `${deployed.outputs.SearchedNumber} claimed on ${INSTANCE_ARN} (Searched7661879E, RETAIN)`,
    ]));
    expect(report.emulator.groups.filter(g => !g.isDefault)).toEqual([]);
    expect(report.emulator.numbers.map(n => [n.phoneNumber, n.status, n.targetArn]).sort()).toEqual([
      [deployed.outputs.MainNumber, 'CLAIMED', INSTANCE_ARN],
      [deployed.outputs.SearchedNumber, 'CLAIMED', INSTANCE_ARN],
    ].sort());

    const again = local('destroy', '--state', state);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`The state file ${state} holds no deployed stack.`);
  }, 130_000);

  test('a flow in the wrong Region (a token at synth) fails the deploy with the handler\'s reason and leaves nothing', () => {
    const r = local('deploy', fixtureOut, '--stack', 'WrongRegionFlow');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/CREATE_FAILED +\d+\.\d\d s  Custom::ConnectClaimedPhoneNumber +Line[0-9A-F]{8}\n/);
    expect(r.stderr).toContain('local deploy of WrongRegionFlow failed: Stack WrongRegionFlow ROLLBACK_COMPLETE after Line');
    expect(r.stderr).toContain("ContactFlowArns[0] must be in the target instance's Region us-east-1");
    expect(r.stdout).toContain('Numbers (0):');
    // The rollback's Delete of the number says what it did: nothing (no number was ever claimed).
    expect(r.stdout).toMatch(/DELETE_COMPLETE +\d+\.\d\d s  Custom::ConnectClaimedPhoneNumber +Line[0-9A-F]{8}\n +nothing to delete: no number was claimed/);
    expect(r.stdout).not.toContain('retained, left running');
  }, 130_000);

  test('a split over 100 (a token at synth) fails with the handler\'s reason in the JSON report', () => {
    const r = local('deploy', fixtureOut, '--stack', 'SplitOver100', '--json');
    expect(r.status).toBe(1);
    const report = json(r);
    expect(report.succeeded).toBe(false);
    expect(report.error).toContain('TelephonyDistribution percentages must sum to 100 (they sum to 110)');
    expect(customStatuses(report)).toEqual({ Group: 'DELETE_COMPLETE' });
    expect(report.resources.filter(l => l.status === 'CREATE_FAILED').map(l => l.logicalId)).toEqual([expect.stringMatching(/^Group/)]);
    expect(report.emulator.groups.filter(g => !g.isDefault)).toEqual([]);
  }, 130_000);

  test('an app of another account and Regions deploys to a world derived from its template, and imports into that account', () => {
    const r = local('deploy', fixtureOut, '--stack', 'London', '--json');
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const report = json(r);
    const instance = 'arn:aws:connect:eu-west-2:444455556666:instance/22222222-3333-4444-5555-666666666666';
    expect(report.emulator.instance).toEqual({ arn: instance, replicas: { 'eu-central-1': 'INSTANCE_REPLICATION_COMPLETE' } });
    const group = report.emulator.groups.find(g => g.name === 'london');
    expect(group).toMatchObject({ status: 'ACTIVE', telephony: { 'eu-west-2': 60, 'eu-central-1': 40 } });
    expect(group?.arn).toMatch(/^arn:aws:connect:eu-west-2:444455556666:traffic-distribution-group\//);
    expect(report.emulator.numbers.find(n => n.phoneNumber === '+442071234567')).toEqual({
      phoneNumber: '+442071234567',
      status: 'CLAIMED',
      targetArn: group?.arn,
      flows: {
        'eu-west-2': `${instance}/contact-flow/cccccccc-0000-4000-8000-000000000001`,
        'eu-central-1': `${instance.replace('eu-west-2', 'eu-central-1')}/contact-flow/cccccccc-0000-4000-8000-000000000001`,
      },
    });
    // The End User Messaging number the stack names is imported into the stack's account, not the emulator's default one.
    expect(report.outputs.ImportedNumberArn).toMatch(/^arn:aws:connect:eu-west-2:444455556666:phone-number\/[0-9a-f-]{36}$/);
    expect(report.emulator.numbers).toHaveLength(2);
    expect(report.emulator.numbers.find(n => n.phoneNumber !== '+442071234567')).toMatchObject({ status: 'CLAIMED', targetArn: instance });
  }, 130_000);

  test('the README\'s Python example: its TypeScript twin deploys with the README\'s command; every option the README uses exists', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
    const section = readme.slice(readme.indexOf('## Test your stack offline'), readme.indexOf('\n## ', readme.indexOf('## Test your stack offline') + 3));
    const pythonApp = /```python\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    // The Python block declares what the twin (test/local/fixtures/app.ts, MyConnectStack) declares.
    for (const fragment of [
      'Stack(app, "MyConnectStack", env=Environment(account="111122223333", region="us-east-1"))',
      `INSTANCE_ARN = "${INSTANCE_ARN}"`,
      `FLOW = "contact-flow/${FLOW_ID}"`,
      'TrafficDistributionGroup(stack, "Group",',
      'traffic_distribution_group_name="support"',
      'telephony_distribution={"us-east-1": 70, "us-west-2": 30})',
      'ClaimedPhoneNumber(stack, "Main",',
      'target=PhoneNumberTarget.traffic_distribution_group(group)',
      'phone_number="+12065550123"',
      'contact_flow_arns=[f"{INSTANCE_ARN}/{FLOW}", f"{INSTANCE_ARN.replace(\'us-east-1\', \'us-west-2\')}/{FLOW}"])',
      'CfnOutput(stack, "MainNumber", value=line.phone_number)',
    ]) {
      expect(pythonApp).toContain(fragment);
    }
    // The README's command for it.
    const command = /npx cdk-connect-global-resiliency (local deploy cdk\.out --stack MyConnectStack --json)/.exec(section)?.[1];
    expect(command).toBeDefined();
    const r = local(...command!.replace('local ', '').replace('cdk.out', fixtureOut).split(' '));
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const report = json(r);
    expect(report).toMatchObject({ command: 'deploy', stack: 'MyConnectStack', succeeded: true, outputs: { MainNumber: '+12065550123' } });
    const group = report.emulator.groups.find(g => g.name === 'support');
    expect(group).toMatchObject({ status: 'ACTIVE', telephony: { 'us-east-1': 70, 'us-west-2': 30 } });
    expect(report.emulator.numbers).toEqual([expect.objectContaining({ phoneNumber: '+12065550123', status: 'CLAIMED', targetArn: group?.arn })]);

    // Every option of the section's commands is one the command accepts.
    const used = new Map<string, Set<string>>();
    for (const m of section.matchAll(/npx cdk-connect-global-resiliency local (deploy|update|destroy)([^\n#]*)/g)) {
      const options = used.get(m[1]) ?? new Set<string>();
      [...m[2].matchAll(/--[a-z-]+/g)].forEach(o => options.add(o[0]));
      used.set(m[1], options);
    }
    expect([...used.keys()].sort()).toEqual(['deploy', 'destroy', 'update']);
    for (const [sub, options] of used) {
      const help = local(sub, '--help').stdout;
      for (const option of options) {
        expect(`${sub} ${help.includes(`${option} `) ? option : 'missing'}`).toBe(`${sub} ${option}`);
      }
    }
    // And every option the prose names.
    for (const option of section.match(/`--[a-z-]+/g) ?? []) {
      expect(local('deploy', '--help').stdout).toContain(`${option.slice(1)} `);
    }
  }, 130_000);

  test('a seed replays a deploy: the same simulated duration (what it would take on AWS) and API calls, on any machine', () => {
    const [a, b] = [1, 2].map(() => json(local('deploy', exampleOut, '--seed', '42', '--json')));
    expect([a.succeeded, b.succeeded]).toEqual([true, true]);
    expect([a.seed, b.seed]).toEqual([42, 42]);
    // What still varies is the order in which concurrent requests reach the emulator (local/clock/virtual-clock.ts): within 2 %.
    expect(Math.abs(a.simulatedSeconds - b.simulatedSeconds)).toBeLessThanOrEqual(a.simulatedSeconds * 0.02);
    expect(Math.abs(a.apiCalls - b.apiCalls)).toBeLessThanOrEqual(Math.ceil(a.apiCalls * 0.02));
    expect(a.simulatedSeconds).toBeGreaterThan(60); // the replication alone is 60 s in the emulator's model
  }, 130_000);

  test('usage errors name what to do', () => {
    const several = local('deploy', fixtureOut);
    expect(several.status).toBe(1);
    expect(several.stderr).toContain('has 5 stacks (ConnectGlobalResiliency, WrongRegionFlow, SplitOver100, London, MyConnectStack): name one with --stack.');
    const noState = local('update', exampleOut);
    expect(noState.status).toBe(1);
    expect(noState.stderr).toContain('pass the --state file that deploy wrote');
    const notAssembly = local('deploy', work, '--time-scale', '0.5');
    expect(notAssembly.status).toBe(1);
    expect(notAssembly.stderr).toContain('has no manifest.json');
    const badScale = local('deploy', exampleOut, '--time-scale', '0');
    expect(badScale.status).toBe(2);
    expect(badScale.stderr).toContain("option '--time-scale <factor>' argument '0' is invalid");
  }, 60_000);

  test('the world is what the template references', () => {
    const example = deriveWorld(selectStack(readAssembly(exampleOut), undefined, exampleOut));
    expect(example).toMatchObject({
      replicated: false, // the stack replicates the instance itself
      world: { account: '111122223333', sourceRegion: 'us-east-1', replicaRegion: 'us-west-2', instanceId: '11111111-2222-3333-4444-555555555555', flowIds: [FLOW_ID] },
    });
    expect([...example.world.userIds].sort()).toEqual(['bbbbbbbb-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002']);
    const fixture = readAssembly(fixtureOut);
    const split = deriveWorld(selectStack(fixture, 'SplitOver100', fixtureOut));
    expect(split.replicated).toBe(true); // a group without a replica in the stack: the instance is replicated already
    expect(split.world.flowIds).toEqual([]);
    const wrong = deriveWorld(selectStack(fixture, 'WrongRegionFlow', fixtureOut));
    expect(wrong.world.inventory?.filter(n => n.phoneNumber === '+14155550150')).toEqual([{ phoneNumber: '+14155550150', countryCode: 'US', type: 'DID' }]);
  });
});
