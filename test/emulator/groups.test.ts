/**
 * Traffic distribution groups, their split and their agents, driven through the real SDK
 * (so every response is proven parseable by it). connect-api.md sections are named per test.
 */
import {
  AssociateTrafficDistributionGroupUserCommand, ConnectClient, CreateTrafficDistributionGroupCommand, DeleteTrafficDistributionGroupCommand,
  DescribeTrafficDistributionGroupCommand, DisassociateTrafficDistributionGroupUserCommand, GetTrafficDistributionCommand,
  ListTrafficDistributionGroupsCommand, ListTrafficDistributionGroupUsersCommand, TagResourceCommand, UntagResourceCommand,
  UpdateTrafficDistributionCommand,
} from '@aws-sdk/client-connect';
import { clientFor, failure, replicaInstanceArn, until, useVirtualClock } from './helpers';
import { ConnectEmulator, EmulatorOptions, SEED } from '../../local/emulator';

useVirtualClock();

const SRC = SEED.sourceRegion;
const REP = SEED.replicaRegion;

let emulator: ConnectEmulator;
let source: ConnectClient;
let replica: ConnectClient;

async function start(options: EmulatorOptions = {}) {
  // groupCreate 200 ms, groupUpdate 600 ms, groupDelete 600 ms: long enough to observe (and to make a second call
  // meanwhile on a loaded CI machine: 200 and 100 ms were not), short enough to wait for.
  emulator = await ConnectEmulator.start({
    timeScale: 0.01, rateLimit: false, replicated: true, durations: { groupUpdate: 60_000, groupDelete: 60_000 }, ...options,
  });
  source = clientFor(emulator, SRC);
  replica = clientFor(emulator, REP);
}

afterEach(async () => {
  source.destroy();
  replica.destroy();
  await emulator.stop();
});

async function describe_(arn: string, client = source) {
  return (await client.send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn }))).TrafficDistributionGroup!;
}

async function createActive(name: string): Promise<string> {
  const out = await source.send(new CreateTrafficDistributionGroupCommand({ Name: name, InstanceId: SEED.instanceArn }));
  await until(async () => (await describe_(out.Arn!)).Status === 'ACTIVE' || undefined);
  return out.Arn!;
}

const defaultGroup = () => emulator.groups().find(g => g.isDefault)!;

describe('CreateTrafficDistributionGroup and DescribeTrafficDistributionGroup', () => {
  test('a new group is CREATION_IN_PROGRESS, then ACTIVE; describable by id and by ARN', async () => {
    await start();
    const out = await source.send(new CreateTrafficDistributionGroupCommand({
      Name: 'support', Description: 'Support lines', InstanceId: SEED.instanceArn, Tags: { team: 'a' },
    }));
    expect(out.Arn).toBe(`arn:aws:connect:${SRC}:${SEED.account}:traffic-distribution-group/${out.Id}`);
    expect(await describe_(out.Arn!)).toEqual({
      Id: out.Id,
      Arn: out.Arn,
      Name: 'support',
      Description: 'Support lines',
      InstanceArn: SEED.instanceArn,
      Status: 'CREATION_IN_PROGRESS',
      Tags: { team: 'a' },
      IsDefault: false,
    });
    await until(async () => (await describe_(out.Id!)).Status === 'ACTIVE' || undefined);
    expect(emulator.groups().map(g => [g.name, g.status, g.isDefault])).toEqual([
      [`${SEED.instanceAlias}-default`, 'ACTIVE', true], ['support', 'ACTIVE', false],
    ]);
  });

  test('the group scripted to fail ends CREATION_FAILED; the next one does not', async () => {
    await start();
    emulator.failNextGroupCreation('capacity');
    const bad = await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'bad', InstanceId: SEED.instanceId }));
    const good = await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'good', InstanceId: SEED.instanceId }));
    await until(async () => (await describe_(good.Arn!)).Status === 'ACTIVE' || undefined);
    expect((await describe_(bad.Arn!)).Status).toBe('CREATION_FAILED');
  });

  test('names are unique per instance: ResourceConflictException', async () => {
    await start();
    await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'support', InstanceId: SEED.instanceArn }));
    const e = await failure(source.send(new CreateTrafficDistributionGroupCommand({ Name: 'support', InstanceId: SEED.instanceArn })));
    expect(e).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    expect(emulator.groups()).toHaveLength(2);
  });

  test('ClientToken: the same request answers the same group; other parameters → IdempotencyException', async () => {
    await start();
    const req = { Name: 'support', InstanceId: SEED.instanceArn, ClientToken: 'token-1' };
    const first = await source.send(new CreateTrafficDistributionGroupCommand(req));
    const again = await source.send(new CreateTrafficDistributionGroupCommand(req));
    expect(again).toMatchObject({ Id: first.Id, Arn: first.Arn });
    expect(emulator.groups()).toHaveLength(2);
    const e = await failure(source.send(new CreateTrafficDistributionGroupCommand({ ...req, Name: 'other' })));
    expect(e).toMatchObject({ name: 'IdempotencyException', status: 409 });
  });

  test('only in the source Region, on a replicated instance whose replica is ready', async () => {
    await start();
    const fromReplica = await failure(replica.send(new CreateTrafficDistributionGroupCommand({ Name: 'x', InstanceId: replicaInstanceArn })));
    expect(fromReplica).toMatchObject({ name: 'InvalidRequestException', status: 400 });
    const wrongRegionArn = await failure(replica.send(new CreateTrafficDistributionGroupCommand({ Name: 'x', InstanceId: SEED.instanceArn })));
    expect(wrongRegionArn.name).toBe('ResourceNotFoundException');
    await emulator.stop();

    await start({ replicated: false });
    const notReplicated = await failure(source.send(new CreateTrafficDistributionGroupCommand({ Name: 'x', InstanceId: SEED.instanceArn })));
    expect(notReplicated).toMatchObject({ name: 'InvalidRequestException', message: expect.stringMatching(/ReplicateInstance/) });
    expect(emulator.groups()).toEqual([]);
  });

  test('invalid name, description or tags → InvalidRequestException', async () => {
    await start();
    for (const input of [
      { Name: ' lead', InstanceId: SEED.instanceArn },
      { Name: 'x'.repeat(129), InstanceId: SEED.instanceArn },
      { Name: 'ok', Description: 'trail ', InstanceId: SEED.instanceArn },
      { Name: 'ok', InstanceId: SEED.instanceArn, Tags: { 'aws:reserved': 'v' } },
    ]) {
      expect((await failure(source.send(new CreateTrafficDistributionGroupCommand(input)))).name).toBe('InvalidRequestException');
    }
  });

  test('from the replica Region a group is found by ARN only; elsewhere not at all', async () => {
    await start();
    const arn = await createActive('support');
    const id = arn.split('/')[1];
    expect((await describe_(arn, replica)).Arn).toBe(arn);
    expect((await failure(describe_(id, replica))).name).toBe('ResourceNotFoundException');
    const other = clientFor(emulator, 'eu-west-2');
    expect((await failure(describe_(arn, other))).name).toBe('ResourceNotFoundException');
    other.destroy();
    expect((await failure(describe_('not-an-id'))).name).toBe('InvalidRequestException');
  });
});

describe('DeleteTrafficDistributionGroup', () => {
  test('PENDING_DELETION, then gone (ResourceNotFoundException); deleting again meanwhile is accepted', async () => {
    await start();
    const arn = await createActive('support');
    await source.send(new DeleteTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn }));
    expect((await describe_(arn)).Status).toBe('PENDING_DELETION');
    await source.send(new DeleteTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn }));
    const gone = await until(async () => (failure(describe_(arn)).catch(() => undefined)));
    expect(gone).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(emulator.groups().map(g => g.name)).toEqual([`${SEED.instanceAlias}-default`]);
  });

  test('the deletion scripted to fail ends DELETION_FAILED', async () => {
    await start();
    const arn = await createActive('support');
    emulator.failNextGroupDeletion();
    await source.send(new DeleteTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn }));
    await until(async () => (await describe_(arn)).Status === 'DELETION_FAILED' || undefined);
  });

  test('refused: the default group, from the replica Region, while creating, and with numbers claimed to it', async () => {
    await start();
    expect((await failure(source.send(new DeleteTrafficDistributionGroupCommand({ TrafficDistributionGroupId: defaultGroup().arn })))).name)
      .toBe('InvalidRequestException');
    const creating = await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'new', InstanceId: SEED.instanceArn }));
    expect((await failure(source.send(new DeleteTrafficDistributionGroupCommand({ TrafficDistributionGroupId: creating.Arn })))).name)
      .toBe('InvalidRequestException');
    const arn = await createActive('support');
    expect((await failure(replica.send(new DeleteTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn })))).name)
      .toBe('InvalidRequestException');
    const number = emulator.seedClaimedNumber('+12065550100', arn);
    const inUse = await failure(source.send(new DeleteTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn })));
    expect(inUse).toMatchObject({ name: 'ResourceInUseException', status: 409, ResourceType: 'PHONE_NUMBER', ResourceId: number.id });
    expect(inUse.message).toContain('+12065550100');
    expect((await describe_(arn)).Status).toBe('ACTIVE');
  });

  test('a group deleted out of band is gone at once', async () => {
    await start();
    const arn = await createActive('support');
    emulator.deleteGroupOutOfBand(arn);
    expect((await failure(describe_(arn))).name).toBe('ResourceNotFoundException');
  });
});

describe('ListTrafficDistributionGroups', () => {
  test('pages of maxResults, filtered by instance, with the default group flagged', async () => {
    await start();
    for (const name of ['a', 'b', 'c']) {
      await source.send(new CreateTrafficDistributionGroupCommand({ Name: name, InstanceId: SEED.instanceArn }));
    }
    const seen: Array<[string, boolean]> = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const out = await source.send(new ListTrafficDistributionGroupsCommand({ InstanceId: SEED.instanceArn, MaxResults: 3, NextToken: next }));
      out.TrafficDistributionGroupSummaryList!.forEach(g => seen.push([g.Name!, g.IsDefault!]));
      expect(out.TrafficDistributionGroupSummaryList!.every(g => g.InstanceArn === SEED.instanceArn)).toBe(true);
      next = out.NextToken;
      pages++;
    } while (next);
    expect(pages).toBe(2);
    expect(seen).toEqual([[`${SEED.instanceAlias}-default`, true], ['a', false], ['b', false], ['c', false]]);
    expect((await failure(source.send(new ListTrafficDistributionGroupsCommand({ MaxResults: 11 })))).name).toBe('InvalidRequestException');
    expect((await failure(source.send(new ListTrafficDistributionGroupsCommand({ NextToken: 'garbage' })))).name).toBe('InvalidRequestException');
  });
});

describe('GetTrafficDistribution and UpdateTrafficDistribution', () => {
  const pct = (m: Record<string, number>) => ({ Distributions: Object.entries(m).map(([Region, Percentage]) => ({ Region, Percentage })) });

  test('a new group starts at 100 % source / 0 % replica, without a sign-in split; the default group has one', async () => {
    await start();
    const arn = await createActive('support');
    const out = await source.send(new GetTrafficDistributionCommand({ Id: arn }));
    expect(out).toMatchObject({ Id: arn.split('/')[1], Arn: arn, TelephonyConfig: pct({ [SRC]: 100, [REP]: 0 }), AgentConfig: pct({ [SRC]: 100, [REP]: 0 }) });
    expect(out.SignInConfig).toBeUndefined();
    const def = await source.send(new GetTrafficDistributionCommand({ Id: defaultGroup().id }));
    expect(def.SignInConfig).toEqual({ Distributions: [{ Region: SRC, Enabled: true }, { Region: REP, Enabled: true }] });
  });

  test('an update goes UPDATE_IN_PROGRESS (a second update → ResourceConflictException), then ACTIVE with the new split', async () => {
    await start();
    const arn = await createActive('support');
    await source.send(new UpdateTrafficDistributionCommand({
      Id: arn, TelephonyConfig: pct({ [SRC]: 70, [REP]: 30 }), AgentConfig: pct({ [SRC]: 50, [REP]: 50 }),
    }));
    expect((await describe_(arn)).Status).toBe('UPDATE_IN_PROGRESS');
    const again = await failure(source.send(new UpdateTrafficDistributionCommand({ Id: arn, TelephonyConfig: pct({ [SRC]: 0, [REP]: 100 }) })));
    expect(again).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    expect((await failure(source.send(new GetTrafficDistributionCommand({ Id: arn })))).name).toBe('InvalidRequestException');
    expect(emulator.distribution(arn).telephony).toEqual({ [SRC]: 100, [REP]: 0 });
    await until(async () => (await describe_(arn)).Status === 'ACTIVE' || undefined);
    expect(emulator.distribution(arn)).toEqual({ telephony: { [SRC]: 70, [REP]: 30 }, agent: { [SRC]: 50, [REP]: 50 }, signIn: {} });
    // Telephony alone leaves the agents as they are.
    await source.send(new UpdateTrafficDistributionCommand({ Id: arn, TelephonyConfig: pct({ [SRC]: 0, [REP]: 100 }) }));
    await until(async () => (await describe_(arn)).Status === 'ACTIVE' || undefined);
    expect(emulator.distribution(arn)).toEqual({ telephony: { [SRC]: 0, [REP]: 100 }, agent: { [SRC]: 50, [REP]: 50 }, signIn: {} });
  });

  test('refused (InvalidRequestException): no telephony, wrong Regions, not 100, not steps of 10, sign-in on a non-default group, group not ACTIVE', async () => {
    await start();
    const arn = await createActive('support');
    const bad = [
      { AgentConfig: pct({ [SRC]: 50, [REP]: 50 }) },
      { TelephonyConfig: pct({ [SRC]: 100 }) },
      { TelephonyConfig: {} as any },
      { TelephonyConfig: pct({ [SRC]: 50, 'eu-west-2': 50 }) },
      { TelephonyConfig: { Distributions: [{ Region: SRC, Percentage: 50 }, { Region: SRC, Percentage: 50 }] } },
      { TelephonyConfig: pct({ [SRC]: 60, [REP]: 30 }) },
      { TelephonyConfig: pct({ [SRC]: 55, [REP]: 45 }) },
      { TelephonyConfig: pct({ [SRC]: 100, [REP]: 0 }), AgentConfig: pct({ [SRC]: 110, [REP]: -10 }) },
      {
        TelephonyConfig: pct({ [SRC]: 100, [REP]: 0 }),
        SignInConfig: { Distributions: [{ Region: SRC, Enabled: true }, { Region: REP, Enabled: false }] },
      },
    ];
    for (const input of bad) {
      const e = await failure(source.send(new UpdateTrafficDistributionCommand({ Id: arn, ...input })));
      expect([e.name, e.status]).toEqual(['InvalidRequestException', 400]);
    }
    expect(emulator.distribution(arn).telephony).toEqual({ [SRC]: 100, [REP]: 0 });
    const creating = await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'new', InstanceId: SEED.instanceArn }));
    const notActive = new UpdateTrafficDistributionCommand({ Id: creating.Arn, TelephonyConfig: pct({ [SRC]: 100, [REP]: 0 }) });
    expect((await failure(source.send(notActive))).name).toBe('InvalidRequestException');
  });

  test('the default group takes a sign-in split; from the replica Region by ARN, not by id', async () => {
    await start();
    const def = defaultGroup();
    const notBoolean = await failure(source.send(new UpdateTrafficDistributionCommand({
      Id: def.arn,
      TelephonyConfig: pct({ [SRC]: 100, [REP]: 0 }),
      SignInConfig: { Distributions: [{ Region: SRC, Enabled: 'yes' as any }, { Region: REP, Enabled: true }] },
    })));
    expect(notBoolean.name).toBe('InvalidRequestException');
    await replica.send(new UpdateTrafficDistributionCommand({
      Id: def.arn,
      TelephonyConfig: pct({ [SRC]: 0, [REP]: 100 }),
      SignInConfig: { Distributions: [{ Region: SRC, Enabled: false }, { Region: REP, Enabled: true }] },
    }));
    expect((await failure(replica.send(new GetTrafficDistributionCommand({ Id: def.id })))).name).toBe('ResourceNotFoundException');
    await until(() => emulator.groups().find(g => g.isDefault)!.status === 'ACTIVE' || undefined);
    expect(emulator.distribution(def.arn)).toEqual({
      telephony: { [SRC]: 0, [REP]: 100 }, agent: { [SRC]: 100, [REP]: 0 }, signIn: { [SRC]: false, [REP]: true },
    });
  });
});

describe('AssociateTrafficDistributionGroupUser and DisassociateTrafficDistributionGroupUser', () => {
  test('associates and disassociates seeded users, only from the group\'s Region', async () => {
    await start();
    const arn = await createActive('support');
    const [u1, u2] = SEED.userIds;
    const user = (UserId: string, InstanceId: string = SEED.instanceArn) => ({ TrafficDistributionGroupId: arn, UserId, InstanceId });
    await source.send(new AssociateTrafficDistributionGroupUserCommand(user(u1)));
    await source.send(new AssociateTrafficDistributionGroupUserCommand(user(u2, SEED.instanceId)));
    await source.send(new AssociateTrafficDistributionGroupUserCommand(user(u2, SEED.instanceId)));
    expect(emulator.groupUsers(arn)).toEqual([u1, u2]);
    const listed = await source.send(new ListTrafficDistributionGroupUsersCommand({ TrafficDistributionGroupId: arn }));
    expect(listed.TrafficDistributionGroupUserSummaryList).toEqual([{ UserId: u1 }, { UserId: u2 }]);
    await source.send(new DisassociateTrafficDistributionGroupUserCommand(user(u1)));
    expect(emulator.groupUsers(arn)).toEqual([u2]);
    const again = await failure(source.send(new DisassociateTrafficDistributionGroupUserCommand(user(u1))));
    expect(again.name).toBe('ResourceNotFoundException');
    const fromReplica = await failure(replica.send(new AssociateTrafficDistributionGroupUserCommand(user(u1, replicaInstanceArn))));
    expect(fromReplica.name).toBe('InvalidRequestException');
  });

  test('unknown user → ResourceNotFoundException; group still being created → ResourceConflictException', async () => {
    await start();
    const arn = await createActive('support');
    const unknown = await failure(source.send(new AssociateTrafficDistributionGroupUserCommand({
      TrafficDistributionGroupId: arn, UserId: 'cccccccc-0000-4000-8000-000000000009', InstanceId: SEED.instanceArn,
    })));
    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    const creating = await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'new', InstanceId: SEED.instanceArn }));
    const busy = await failure(source.send(new AssociateTrafficDistributionGroupUserCommand({
      TrafficDistributionGroupId: creating.Arn, UserId: SEED.userIds[0], InstanceId: SEED.instanceArn,
    })));
    expect(busy).toMatchObject({ name: 'ResourceConflictException', status: 409 });
  });
});

describe('TagResource and UntagResource on groups', () => {
  test('adds, replaces and removes tags; reserved keys and unknown ARNs are refused', async () => {
    await start();
    const arn = await createActive('support');
    await source.send(new TagResourceCommand({ resourceArn: arn, tags: { 'a': '1', 'b c': '2' } }));
    await source.send(new TagResourceCommand({ resourceArn: arn, tags: { a: '3' } }));
    await source.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['b c'] }));
    expect((await describe_(arn)).Tags).toEqual({ a: '3' });
    expect((await failure(source.send(new TagResourceCommand({ resourceArn: arn, tags: { 'aws:x': '1' } })))).name).toBe('InvalidParameterException');
    const missing = `arn:aws:connect:${SRC}:${SEED.account}:traffic-distribution-group/00000000-0000-4000-8000-000000000000`;
    expect((await failure(source.send(new TagResourceCommand({ resourceArn: missing, tags: { a: '1' } })))).name).toBe('ResourceNotFoundException');
  });
});
