/**
 * What `npm run demo` and the `local` commands print besides the engine's events (local/run/report.ts):
 * the duration lines are the emulator's own durations, each Delete line of the example app's
 * resources says what its removal policy does, and after a destroy the account is read back:
 * what is left running, and where it contradicts the removal policies (which fails the destroy).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClaimPhoneNumberCommand, CreateTrafficDistributionGroupCommand } from '@aws-sdk/client-connect';
import { App, Stage } from 'aws-cdk-lib';
import { GlobalResiliencyStack } from '../../examples/app';
import { ConnectEmulator, SEED } from '../../local/emulator';
import { afterDestroy, deleteMeaning, DeployedResource, durationLines, Resources } from '../../local/run/report';
import { clientFor, until } from '../emulator/helpers';

function exampleTemplate(props: ConstructorParameters<typeof GlobalResiliencyStack>[2]): Resources {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-test-'));
  try {
    const stack = new GlobalResiliencyStack(new App({ outdir }), 'Demo', props);
    return (Stage.of(stack)!.synth().getStackByName(stack.stackName).template as { Resources: Resources }).Resources;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function meaningOf(resources: Resources, idPrefix: string): string {
  const [, r] = Object.entries(resources).find(([id, res]) => id.startsWith(idPrefix) && res.Type.startsWith('Custom::'))!;
  return deleteMeaning(r.Type, r.Properties ?? {}, resources);
}

test('the duration lines give each modelled duration of the emulator', async () => {
  const emulator = await ConnectEmulator.start({ timeScale: 0.05, durations: { replicate: 40_000, claim: 2_000 } });
  try {
    const lines = durationLines(emulator.realDurations());
    expect(lines.find(l => l.includes('replication of the instance'))).toMatch(/ 40 s$/);
    expect(lines.find(l => l.includes('a number claimed'))).toMatch(/ 2 s$/);
    expect(lines.find(l => l.includes('creation of a group'))).toMatch(/ 20 s$/);
  } finally {
    await emulator.stop();
  }
});

test('Delete lines of the example app: RETAIN numbers and the replica are left running, the rest deleted', () => {
  const first = exampleTemplate({});
  expect(meaningOf(first, 'Main')).toBe('retained, left running: the number stays claimed, parked on the instance (RETAIN)');
  expect(meaningOf(first, 'Searched')).toBe('retained, left running: the number stays claimed, parked on the instance (RETAIN)');
  expect(meaningOf(first, 'Backup')).toBe('deleted: the number is released (DESTROY)');
  expect(meaningOf(first, 'Replica')).toBe('retained, left running: the replica in us-west-2 and its default group stay (RETAIN)');
  expect(meaningOf(first, 'Group')).toBe('deleted: the group is deleted');
  expect(meaningOf(first, 'SignIn')).toBe('left as it is: a stack deletion never moves live traffic');
  expect(meaningOf(first, 'Agents')).toBe('deleted: the agents are disassociated from the group');
});

test('a RETAIN number on the instance is said to stay on the instance; a RETAIN group to stay', () => {
  const resources = exampleTemplate({});
  const [id, backup] = Object.entries(resources).find(([k]) => k.startsWith('Backup'))!;
  const retained = { ...backup.Properties, RemovalPolicy: 'retain' };
  expect(deleteMeaning(backup.Type, retained, resources)).toBe('retained, left running: the number stays claimed on the instance (RETAIN)');
  expect(id).toMatch(/^Backup/);
  const [, group] = Object.entries(resources).find(([k, r]) => k.startsWith('Group') && r.Type.startsWith('Custom::'))!;
  expect(deleteMeaning(group.Type, { ...group.Properties, RemovalPolicy: 'retain' }, resources))
    .toBe('retained, left running: the group stays, with its split and its numbers (RETAIN)');
  expect(deleteMeaning('AWS::IAM::Role', {}, resources)).toBe('');
});

describe('after a destroy, the account read back against the removal policies', () => {
  let emulator: ConnectEmulator;
  let claimed: string;
  let group: string;

  beforeAll(async () => {
    emulator = await ConnectEmulator.start({ timeScale: 0.001, replicated: true, rateLimit: false });
    const client = clientFor(emulator);
    try {
      const claim = new ClaimPhoneNumberCommand({ TargetArn: SEED.instanceArn, PhoneNumber: SEED.inventory[0].phoneNumber });
      claimed = (await client.send(claim)).PhoneNumberArn!;
      group = (await client.send(new CreateTrafficDistributionGroupCommand({ Name: 'left', InstanceId: SEED.instanceArn }))).Arn!;
      const ready = () => emulator.claimedNumbers()[0]?.status === 'CLAIMED' && emulator.groups().find(g => g.arn === group)?.status === 'ACTIVE';
      await until(() => ready() || undefined);
    } finally {
      client.destroy();
    }
  });

  afterAll(async () => {
    await emulator.stop();
  });

  const replica = (removal: string): DeployedResource => ({
    logicalId: 'Replica', type: 'Custom::ConnectInstanceReplica', physicalId: 'r', props: { ReplicaRegion: SEED.replicaRegion, RemovalPolicy: removal },
  });
  const number = (removal: string, physicalId = claimed): DeployedResource => ({
    logicalId: 'Line', type: 'Custom::ConnectClaimedPhoneNumber', physicalId, props: { RemovalPolicy: removal },
  });
  const tdg = (props: Record<string, unknown>): DeployedResource => ({ logicalId: 'Group', type: 'Custom::ConnectTrafficDistributionGroup', physicalId: group, props });

  test('what the policies retained is listed as left running, and nothing contradicts them', () => {
    const r = afterDestroy(emulator, [replica('retain'), number('retain'), tdg({ RemovalPolicy: 'retain' })]);
    expect(r.problems).toEqual([]);
    expect(r.leftRunning).toEqual([
      expect.stringMatching(new RegExp(`^replica in ${SEED.replicaRegion} \\(Replica, RETAIN\\), with its default group `)),
      `${SEED.inventory[0].phoneNumber} claimed on ${SEED.instanceArn} (Line, RETAIN)`,
      'group left ACTIVE (Group, RETAIN)',
    ]);
  });

  test('a DESTROY resource still there, or a RETAIN one gone, is a problem naming the resource and its policy', () => {
    const gone = 'arn:aws:connect:us-east-1:111122223333:phone-number/00000000-0000-4000-8000-000000000000';
    const r = afterDestroy(emulator, [replica('destroy'), number('destroy'), number('retain', gone), tdg({})]);
    expect(r.problems).toEqual([
      `Replica: the replica in ${SEED.replicaRegion} is still running, but its removal policy is DESTROY`,
      `Line: the number ${claimed} is still claimed, but its removal policy is DESTROY`,
      `Line: the number ${gone} is no longer claimed, but its removal policy is RETAIN`,
      `Group: the group ${group} was not deleted, but its removal policy is DESTROY`,
    ]);
  });
});
