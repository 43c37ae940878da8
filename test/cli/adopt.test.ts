/**
 * `adopt` (the bundle as shipped, a child process) against the emulator holding numbers claimed
 * outside any stack (as in the console): the printed TypeScript type-checks and synthesizes, and its
 * deploy to the same account (the local engine on the offline world) takes every number over with no
 * ClaimPhoneNumber, no ReleasePhoneNumber and no change; the Python is valid Python declaring the same.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import {
  AssociatePhoneNumberContactFlowCommand, ClaimPhoneNumberCommand, ConnectClient, CreateTrafficDistributionGroupCommand,
  DescribePhoneNumberCommand, DescribeTrafficDistributionGroupCommand,
} from '@aws-sdk/client-connect';
import * as ts from 'typescript';
import { BUNDLED_CLI, cliEnv, CliRun, runCli } from './run-cli';
import { ConnectEmulator, EmulatorSnapshot, SEED } from '../../local/emulator';
import { OWNER_TAG } from '../../src/shared/names';
import { startWorld } from '../e2e/harness';
import { clientFor, until } from '../emulator/helpers';

const SRC = SEED.sourceRegion;
const REP = SEED.replicaRegion;
const ROOT = path.join(__dirname, '..', '..');

let emulator: ConnectEmulator;
let source: ConnectClient;
let replica: ConnectClient;
let group: string;
let defaultGroup: string;
const cli = (...args: string[]): Promise<CliRun> => runCli(BUNDLED_CLI, args, cliEnv(emulator));

async function claim(phoneNumber: string, target: string, extra: { description?: string; tags?: Record<string, string> } = {}): Promise<string> {
  const out = await source.send(new ClaimPhoneNumberCommand({
    PhoneNumber: phoneNumber, TargetArn: target, PhoneNumberDescription: extra.description, Tags: extra.tags,
  }));
  await until(async () => (await source.send(new DescribePhoneNumberCommand({ PhoneNumberId: out.PhoneNumberArn })))
    .ClaimedPhoneNumberSummary!.PhoneNumberStatus!.Status === 'CLAIMED' || undefined);
  return out.PhoneNumberArn!;
}

const flow = (client: ConnectClient, PhoneNumberId: string, ContactFlowId: string) =>
  client.send(new AssociatePhoneNumberContactFlowCommand({ PhoneNumberId, InstanceId: SEED.instanceId, ContactFlowId }));

/** What a user sees of the numbers: target, flows, description and the user's tags (not the library's own). */
function userView(numbers: ReturnType<ConnectEmulator['claimedNumbers']>) {
  return numbers.map(n => ({
    phoneNumber: n.phoneNumber,
    arn: n.arn,
    status: n.status,
    targetArn: n.targetArn,
    flows: n.flows,
    description: n.description || undefined,
    tags: Object.fromEntries(Object.entries(n.tags).filter(([k]) => !k.startsWith('connect-global-resiliency:'))),
  })).sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber));
}

beforeAll(async () => {
  expect(fs.existsSync(BUNDLED_CLI)).toBe(true);
  // Rate-limited as the service is: adopt paces its reads.
  emulator = await ConnectEmulator.start({ timeScale: 0.001, replicated: true });
  source = clientFor(emulator, SRC, 10);
  replica = clientFor(emulator, REP, 10);
  defaultGroup = emulator.groups().find(g => g.isDefault)!.arn;
  group = (await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'support lines', InstanceId: SEED.instanceArn }))).Arn!;
  await until(async () => (await source.send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: group })))
    .TrafficDistributionGroup!.Status === 'ACTIVE' || undefined);
  // The console's work: a group number with a flow in each Region, a description and tags; an instance number with its flow;
  // a number on the default group with no flow; one a deleted stack of this library retained (its owner tag still on).
  const main = await claim('+12065550100', group, { description: 'Main line "EU"', tags: { team: 'support', cost: 'cc-12' } });
  await flow(source, main, SEED.flowIds[0]);
  await flow(replica, main, SEED.flowIds[1]);
  const desk = await claim('+12065550101', SEED.instanceArn, { description: 'Help desk' });
  await flow(source, desk, SEED.flowIds[1]);
  await claim('+12065550102', defaultGroup);
  await claim('+12065550103', SEED.instanceArn, { tags: { [OWNER_TAG]: '0123456789abcdef0123456789abcdef' } });
}, 60_000);

afterAll(async () => {
  source.destroy();
  replica.destroy();
  await emulator.stop();
});

test('adopt is read-only: every call it makes is a read, on the instance\'s two Regions', async () => {
  const seen = emulator.calls.length;
  const before = userView(emulator.claimedNumbers());
  const out = await cli('adopt', '--instance', SEED.instanceArn);
  expect(out.code).toBe(0);
  expect(out.stderr).toContain('adopt: 4 number(s) declared; nothing was changed.');
  const operations = new Set(emulator.calls.slice(seen).map(c => c.operation));
  expect([...operations].sort()).toEqual(['DescribePhoneNumber', 'ListFlowAssociations', 'ListPhoneNumbersV2', 'ListTrafficDistributionGroups']);
  expect(new Set(emulator.calls.slice(seen).map(c => c.region))).toEqual(new Set([SRC, REP]));
  expect(userView(emulator.claimedNumbers())).toEqual(before);
});

test('the printed TypeScript type-checks, synthesizes, and its deploy takes every number over: no claim, no release, no change', async () => {
  const out = await cli('adopt', '--instance', SEED.instanceArn);
  expect(out.code).toBe(0);
  const code = out.stdout;
  // What the code declares, number by number.
  expect(code).toContain('PhoneNumberTarget.trafficDistributionGroup(groupSupportLines)');
  expect(code).toContain(`TrafficDistributionGroup.fromTrafficDistributionGroupArn(scope, "GroupConnectGrSeedDefault", ${JSON.stringify(defaultGroup)}); // the default group`);
  expect(code).toContain('description: "Main line \\"EU\\"",');
  expect(code).toContain('Tags.of(number12065550100).add("cost", "cc-12");');
  expect(code).toContain(`      ${JSON.stringify(SEED.flowArn(REP, SEED.flowIds[1]))},`);
  expect(code).toContain(`// Carries the owner tag of a stack of this library (${OWNER_TAG}=0123456789abcdef0123456789abcdef)`);
  expect(code.match(/removalPolicy: RemovalPolicy\.RETAIN,/g)).toHaveLength(4);
  expect(code).not.toContain(OWNER_TAG + '", ');

  // Pasted into a file of an app (the package's name is this repository's src/ here).
  const dir = fs.mkdtempSync(path.join(__dirname, '.adopt-'));
  const world = await startWorld();
  try {
    const file = path.join(dir, 'adopted.ts');
    fs.writeFileSync(file, code.replace("from 'cdk-connect-global-resiliency'", `from ${JSON.stringify(path.relative(dir, path.join(ROOT, 'src')))}`));
    const program = ts.createProgram([file], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: true, types: ['node'] });
    const diagnostics = ts.getPreEmitDiagnostics(program).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { adoptNumbers } = require(file) as { adoptNumbers: (scope: unknown) => void };

    // The same account, in the offline world: the emulator's state, restored.
    world.emulator.restore(emulator.snapshot() as EmulatorSnapshot);
    const before = userView(world.emulator.claimedNumbers());
    expect(before).toHaveLength(4);
    const seen = world.emulator.calls.length;
    const result = await world.deploy(stack => adoptNumbers(stack));
    const calls = world.emulator.calls.slice(seen);
    for (const operation of ['ClaimPhoneNumber', 'ReleasePhoneNumber', 'UpdatePhoneNumber', 'DisassociatePhoneNumberContactFlow', 'SearchAvailablePhoneNumbers']) {
      expect({ operation, calls: calls.filter(c => c.operation === operation).length }).toEqual({ operation, calls: 0 });
    }
    expect(userView(world.emulator.claimedNumbers())).toEqual(before);
    // Each number is now a resource of the stack, by its own ARN.
    expect(Object.values(result.resources).map(r => r.physicalId).filter(id => id.includes(':phone-number/')).sort()).toEqual(before.map(n => n.arn).sort());
  } finally {
    await world.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 300_000); // the type-check loads aws-cdk-lib's declarations: 40 s alone, more beside the other suites

test('--language python prints valid Python declaring the same numbers; --group narrows to that group; bad options exit non-zero', async () => {
  const py = await cli('adopt', '--instance', SEED.instanceArn, '--language', 'python');
  expect(py.code).toBe(0);
  execFileSync('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())'], { input: py.stdout });
  expect(py.stdout).toContain('def adopt_numbers(scope: Construct) -> None:');
  expect(py.stdout.match(/removal_policy=RemovalPolicy\.RETAIN,/g)).toHaveLength(4);
  expect(py.stdout).toContain('target=PhoneNumberTarget.traffic_distribution_group(group_support_lines),');
  expect(py.stdout).toContain('Tags.of(number_12065550100).add("team", "support")');

  const one = await cli('adopt', '--instance', SEED.instanceArn, '--group', group);
  expect(one.code).toBe(0);
  expect(one.stdout.match(/new ClaimedPhoneNumber/g)).toHaveLength(1);
  expect(one.stdout).toContain('"+12065550100"');

  expect((await cli('adopt', '--instance', SEED.instanceArn, '--language', 'go')).stderr).toContain('typescript or python');
  const notOurs = await cli('adopt', '--instance', SEED.instanceArn.replace(/[0-9a-f-]+$/, '99999999-2222-3333-4444-555555555555'), '--group', group);
  expect(notOurs.code).toBe(1);
});
