/**
 * Phone numbers: search, claim, describe, list, move, metadata, flows, release and tags, driven
 * through the real SDK. connect-api.md sections are named per test.
 */
import {
  AssociatePhoneNumberContactFlowCommand, ClaimPhoneNumberCommand, ConnectClient, CreateTrafficDistributionGroupCommand,
  DescribePhoneNumberCommand, DescribeTrafficDistributionGroupCommand, DisassociatePhoneNumberContactFlowCommand, ListPhoneNumbersV2Command,
  ReleasePhoneNumberCommand, SearchAvailablePhoneNumbersCommand, TagResourceCommand, UntagResourceCommand, UpdatePhoneNumberCommand,
  UpdatePhoneNumberMetadataCommand, UpdateTrafficDistributionCommand,
} from '@aws-sdk/client-connect';
import { clientFor, failure, replicaInstanceArn, until, useVirtualClock } from './helpers';
import { ConnectEmulator, SEED } from '../../local/emulator';

useVirtualClock();

const SRC = SEED.sourceRegion;
const REP = SEED.replicaRegion;
const TOKEN = '0b5f8c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e';

let emulator: ConnectEmulator;
let source: ConnectClient;
let replica: ConnectClient;
let groupArn: string;

beforeEach(async () => {
  // Claims, moves, metadata and splits take 200 ms, releases 600 ms, group creation 100 ms: observable,
  // and quick to wait for (a release's test makes three calls while it runs: 200 ms was too short on a loaded CI machine).
  emulator = await ConnectEmulator.start({
    timeScale: 0.005,
    rateLimit: false,
    replicated: true,
    durations: { claim: 40_000, release: 120_000, move: 40_000, metadata: 40_000, groupUpdate: 40_000 },
  });
  source = clientFor(emulator, SRC);
  replica = clientFor(emulator, REP);
  groupArn = (await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'support', InstanceId: SEED.instanceArn }))).Arn!;
  await until(async () => (await source.send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: groupArn })))
    .TrafficDistributionGroup!.Status === 'ACTIVE' || undefined);
});

afterEach(async () => {
  source.destroy();
  replica.destroy();
  await emulator.stop();
});

async function describeNumber(id: string, client = source) {
  return (await client.send(new DescribePhoneNumberCommand({ PhoneNumberId: id }))).ClaimedPhoneNumberSummary!;
}

async function claimed(phoneNumber: string, target: string = SEED.instanceArn): Promise<string> {
  const out = await source.send(new ClaimPhoneNumberCommand({ PhoneNumber: phoneNumber, TargetArn: target }));
  await until(async () => (await describeNumber(out.PhoneNumberArn!)).PhoneNumberStatus!.Status === 'CLAIMED' || undefined);
  return out.PhoneNumberArn!;
}

const associate = (PhoneNumberId: string, ContactFlowId: string) =>
  new AssociatePhoneNumberContactFlowCommand({ PhoneNumberId, InstanceId: SEED.instanceId, ContactFlowId });

const search = (input: Partial<ConstructorParameters<typeof SearchAvailablePhoneNumbersCommand>[0]>, client = source) =>
  client.send(new SearchAvailablePhoneNumbersCommand({ TargetArn: SEED.instanceArn, PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID', ...input }));

describe('SearchAvailablePhoneNumbers', () => {
  test('honours country, type, prefix and MaxResults, with pages', async () => {
    const first = await search({ PhoneNumberPrefix: '+1206', MaxResults: 10 });
    expect(first.AvailableNumbersList).toHaveLength(10);
    expect(first.AvailableNumbersList![0]).toEqual({ PhoneNumber: '+12065550100', PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID' });
    const all: string[] = [];
    let next: string | undefined;
    do {
      const out = await search({ PhoneNumberPrefix: '+1206', MaxResults: 10, NextToken: next });
      all.push(...out.AvailableNumbersList!.map(n => n.PhoneNumber!));
      next = out.NextToken;
    } while (next);
    expect(all).toHaveLength(500);
    expect(all.every(n => n.startsWith('+1206'))).toBe(true);
    expect((await search({ PhoneNumberPrefix: '1312' })).AvailableNumbersList!.map(n => n.PhoneNumber))
      .toEqual(Array.from({ length: 10 }, (_, i) => `+131255501${String(i).padStart(2, '0')}`));
    const tollFree = await search({ PhoneNumberType: 'TOLL_FREE', MaxResults: 3 });
    expect(tollFree.AvailableNumbersList!.map(n => [n.PhoneNumber!.slice(0, 5), n.PhoneNumberType])).toEqual(Array(3).fill(['+1800', 'TOLL_FREE']));
    expect((await search({ PhoneNumberCountryCode: 'GB' })).AvailableNumbersList!.map(n => n.PhoneNumber!.slice(0, 3))).toEqual(Array(5).fill('+44'));
    expect((await search({ PhoneNumberCountryCode: 'GB', PhoneNumberType: 'TOLL_FREE' })).AvailableNumbersList).toEqual([]);
  });

  test('invalid input → InvalidParameterException', async () => {
    for (const input of [
      { MaxResults: 11 }, { MaxResults: 0 }, { PhoneNumberPrefix: '+1-206' }, { PhoneNumberType: 'LANDLINE' as any },
      { PhoneNumberCountryCode: 'usa' as any }, { NextToken: 'x' },
    ]) {
      const e = await failure(search(input));
      expect([e.name, e.status]).toEqual(['InvalidParameterException', 400]);
    }
    const noTarget = await failure(source.send(new SearchAvailablePhoneNumbersCommand({ PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID' })));
    expect(noTarget.name).toBe('InvalidParameterException');
  });

  test('a group target can be searched from both of its Regions; claimed numbers are no longer offered', async () => {
    expect((await search({ TargetArn: groupArn, MaxResults: 1 }, replica)).AvailableNumbersList![0].PhoneNumber).toBe('+12065550100');
    await claimed('+12065550100', groupArn);
    expect((await search({ TargetArn: groupArn, MaxResults: 1 })).AvailableNumbersList![0].PhoneNumber).toBe('+12065550101');
  });
});

describe('ClaimPhoneNumber and DescribePhoneNumber', () => {
  test('IN_PROGRESS, then CLAIMED, with every summary field', async () => {
    const out = await source.send(new ClaimPhoneNumberCommand({
      PhoneNumber: '+12065550100', TargetArn: SEED.instanceArn, PhoneNumberDescription: 'main', Tags: { team: 'a' }, ClientToken: TOKEN,
    }));
    expect(out.PhoneNumberArn).toBe(`arn:aws:connect:${SRC}:${SEED.account}:phone-number/${out.PhoneNumberId}`);
    expect((await describeNumber(out.PhoneNumberId!)).PhoneNumberStatus).toEqual({ Status: 'IN_PROGRESS' });
    await until(async () => (await describeNumber(out.PhoneNumberId!)).PhoneNumberStatus!.Status === 'CLAIMED' || undefined);
    expect(await describeNumber(out.PhoneNumberArn!)).toEqual({
      PhoneNumberId: out.PhoneNumberId,
      PhoneNumberArn: out.PhoneNumberArn,
      PhoneNumber: '+12065550100',
      PhoneNumberCountryCode: 'US',
      PhoneNumberType: 'DID',
      PhoneNumberDescription: 'main',
      TargetArn: SEED.instanceArn,
      InstanceId: SEED.instanceId,
      Tags: { team: 'a' },
      PhoneNumberStatus: { Status: 'CLAIMED' },
    });
    expect(emulator.claimedNumbers()).toEqual([expect.objectContaining({ phoneNumber: '+12065550100', status: 'CLAIMED', targetArn: SEED.instanceArn })]);
  });

  test('the claim scripted to fail ends FAILED with its message; the number can be claimed again', async () => {
    emulator.failNextClaim('You have reached the limit of Phone Numbers');
    const out = await source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: groupArn }));
    const failed = await until(async () => {
      const s = (await describeNumber(out.PhoneNumberArn!)).PhoneNumberStatus!;
      return s.Status === 'FAILED' ? s : undefined;
    });
    expect(failed.Message).toBe('You have reached the limit of Phone Numbers');
    expect((await source.send(new ListPhoneNumbersV2Command({}))).ListPhoneNumbersSummaryList).toEqual([]);
    await claimed('+12065550100', groupArn);
    expect((await failure(describeNumber(out.PhoneNumberArn!))).name).toBe('ResourceNotFoundException');
  });

  test('a failed claim holds the number for a day (scaled), then it is offered again', async () => {
    const fast = await ConnectEmulator.start({ timeScale: 0.00001, rateLimit: false }); // one day ≈ 0.9 s
    const c = clientFor(fast);
    const first = async () => (await search({ MaxResults: 1 }, c)).AvailableNumbersList![0].PhoneNumber;
    try {
      fast.failNextClaim('limit reached');
      await c.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: SEED.instanceArn }));
      await until(() => fast.claimedNumbers()[0]?.status === 'FAILED' || undefined);
      expect(await first()).toBe('+12065550101');
      await until(async () => await first() === '+12065550100' || undefined);
      expect(fast.claimedNumbers()).toEqual([]);
    } finally {
      c.destroy();
      await fast.stop();
    }
  });

  test('ClientToken: the same claim answers the same number; other parameters → IdempotencyException; not a lowercase UUID → InvalidParameterException', async () => {
    const req = { PhoneNumber: '+12065550100', TargetArn: SEED.instanceArn, ClientToken: TOKEN };
    const first = await source.send(new ClaimPhoneNumberCommand(req));
    expect(await source.send(new ClaimPhoneNumberCommand(req))).toMatchObject({ PhoneNumberId: first.PhoneNumberId });
    expect(emulator.claimedNumbers()).toHaveLength(1);
    const other = await failure(source.send(new ClaimPhoneNumberCommand({ ...req, PhoneNumber: '+12065550101' })));
    expect(other).toMatchObject({ name: 'IdempotencyException', status: 409 });
    const upper = await failure(source.send(new ClaimPhoneNumberCommand({ ...req, ClientToken: TOKEN.toUpperCase() })));
    expect(upper.name).toBe('InvalidParameterException');
  });

  test('a number taken by someone else, or already held, is not available (InvalidParameterException)', async () => {
    emulator.takeNumber('+12065550105');
    const taken = await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550105', TargetArn: SEED.instanceArn })));
    expect(taken).toMatchObject({ name: 'InvalidParameterException', status: 400, message: 'Phone number not available: +12065550105' });
    await claimed('+12065550100');
    const held = await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: groupArn })));
    expect(held.message).toMatch(/not available/);
    expect((await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+19995550000', TargetArn: SEED.instanceArn })))).message)
      .toMatch(/not available/);
  });

  test('the first candidate of a search can be taken before the claim', async () => {
    emulator.takeOnNextSearch();
    const candidates = (await search({ PhoneNumberPrefix: '+1206', MaxResults: 3 })).AvailableNumbersList!.map(n => n.PhoneNumber!);
    expect(candidates).toEqual(['+12065550100', '+12065550101', '+12065550102']);
    const lost = await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: candidates[0], TargetArn: SEED.instanceArn })));
    expect(lost.message).toMatch(/not available/);
    await claimed(candidates[1]);
    // Only that search was affected.
    expect((await search({ PhoneNumberPrefix: '+1206', MaxResults: 1 })).AvailableNumbersList![0].PhoneNumber).toBe('+12065550102');
  });

  test('target rules: one of TargetArn/InstanceId; a group must be ACTIVE and claimed from its Region', async () => {
    const both = await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: groupArn, InstanceId: SEED.instanceId })));
    expect(both.name).toBe('InvalidParameterException');
    const none = await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100' })));
    expect(none.name).toBe('InvalidParameterException');
    const fromReplica = await failure(replica.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: groupArn })));
    expect(fromReplica.name).toBe('InvalidParameterException');
    const creating = await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'new', InstanceId: SEED.instanceArn }));
    const notActive = await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: creating.Arn })));
    expect(notActive).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    const bad = await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '12065550100', InstanceId: SEED.instanceId })));
    expect(bad.name).toBe('InvalidParameterException');
    const longDescription = await failure(source.send(new ClaimPhoneNumberCommand({
      PhoneNumber: '+12065550100', InstanceId: SEED.instanceId, PhoneNumberDescription: 'x'.repeat(501),
    })));
    expect(longDescription.name).toBe('InvalidParameterException');
    const replicaInstance = await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: replicaInstanceArn })));
    expect(replicaInstance.name).toBe('InvalidParameterException');
    const notATarget = await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: SEED.flowArn(SRC) })));
    expect(notATarget.name).toBe('InvalidParameterException');
    const missingGroup = await failure(source.send(new ClaimPhoneNumberCommand({
      PhoneNumber: '+12065550100', TargetArn: `${groupArn.slice(0, -12)}000000000000`,
    })));
    expect(missingGroup.name).toBe('ResourceNotFoundException');
    expect(emulator.claimedNumbers()).toEqual([]);
    // By InstanceId (plain id) works.
    await source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', InstanceId: SEED.instanceId }));
    expect(emulator.claimedNumbers()[0].targetArn).toBe(SEED.instanceArn);
  });

  test('a group whose split is being applied is not ACTIVE: claims and moves to it → ResourceNotFoundException', async () => {
    const parked = await claimed('+12065550101');
    const pct = (a: number) => ({ Distributions: [{ Region: SRC, Percentage: a }, { Region: REP, Percentage: 100 - a }] });
    await source.send(new UpdateTrafficDistributionCommand({ Id: groupArn, TelephonyConfig: pct(50) }));
    const claim = await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: groupArn })));
    expect(claim).toMatchObject({ name: 'ResourceNotFoundException', message: expect.stringMatching(/UPDATE_IN_PROGRESS/) });
    const move = await failure(source.send(new UpdatePhoneNumberCommand({ PhoneNumberId: parked, TargetArn: groupArn })));
    expect(move.name).toBe('ResourceNotFoundException');
    await until(() => emulator.groups().find(g => g.arn === groupArn)!.status === 'ACTIVE' || undefined);
    await claimed('+12065550100', groupArn);
  });

  test('from the replica Region: a group number by ARN only; an instance number not at all', async () => {
    const onGroup = await claimed('+12065550100', groupArn);
    const onInstance = await claimed('+12065550101');
    expect((await describeNumber(onGroup, replica)).PhoneNumber).toBe('+12065550100');
    expect((await failure(describeNumber(onGroup.split('/')[1], replica))).name).toBe('ResourceNotFoundException');
    expect((await failure(describeNumber(onInstance, replica))).name).toBe('ResourceNotFoundException');
    expect((await failure(describeNumber('not-an-id'))).name).toBe('InvalidParameterException');
  });
});

describe('ListPhoneNumbersV2', () => {
  test('filters by target, prefix, country and type, in pages', async () => {
    const a = await claimed('+12065550100', groupArn);
    await claimed('+12065550101');
    await claimed('+13125550100');
    emulator.seedClaimedNumber('+18005550100', SEED.instanceArn);
    const list = async (input: object) =>
      (await source.send(new ListPhoneNumbersV2Command(input))).ListPhoneNumbersSummaryList!.map(n => n.PhoneNumber);
    expect(await list({})).toEqual(['+12065550100', '+12065550101', '+13125550100', '+18005550100']);
    expect(await list({ TargetArn: groupArn })).toEqual(['+12065550100']);
    expect(await list({ TargetArn: SEED.instanceArn, PhoneNumberPrefix: '+1206' })).toEqual(['+12065550101']);
    expect(await list({ PhoneNumberTypes: ['TOLL_FREE'] })).toEqual(['+18005550100']);
    expect(await list({ PhoneNumberCountryCodes: ['GB'] })).toEqual([]);
    const page1 = await source.send(new ListPhoneNumbersV2Command({ MaxResults: 3 }));
    expect(page1.ListPhoneNumbersSummaryList).toHaveLength(3);
    const page2 = await source.send(new ListPhoneNumbersV2Command({ MaxResults: 3, NextToken: page1.NextToken }));
    expect(page2.ListPhoneNumbersSummaryList!.map(n => n.PhoneNumber)).toEqual(['+18005550100']);
    expect(page2.NextToken).toBeUndefined();
    expect(page1.ListPhoneNumbersSummaryList![0]).toEqual({
      PhoneNumberId: a.split('/')[1], PhoneNumberArn: a, PhoneNumber: '+12065550100', PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID', TargetArn: groupArn,
    });
    expect((await failure(source.send(new ListPhoneNumbersV2Command({ MaxResults: 1001 })))).name).toBe('InvalidParameterException');
    expect((await failure(source.send(new ListPhoneNumbersV2Command({ PhoneNumberPrefix: '1 206' })))).name).toBe('InvalidParameterException');
  });
});

describe('UpdatePhoneNumber and UpdatePhoneNumberMetadata', () => {
  test('a move is IN_PROGRESS, then CLAIMED on the new target, without its flow', async () => {
    const arn = await claimed('+12065550100');
    await source.send(associate(arn, SEED.flowIds[0]));
    const out = await source.send(new UpdatePhoneNumberCommand({ PhoneNumberId: arn, TargetArn: groupArn, ClientToken: TOKEN }));
    expect(out).toMatchObject({ PhoneNumberArn: arn });
    expect(await describeNumber(arn)).toMatchObject({ PhoneNumberStatus: { Status: 'IN_PROGRESS' }, TargetArn: SEED.instanceArn });
    const busy = await failure(source.send(new UpdatePhoneNumberCommand({ PhoneNumberId: arn, TargetArn: SEED.instanceArn })));
    expect(busy).toMatchObject({ name: 'ResourceInUseException', status: 409 });
    // The same request again is answered as the first.
    const again = await source.send(new UpdatePhoneNumberCommand({ PhoneNumberId: arn, TargetArn: groupArn, ClientToken: TOKEN }));
    expect(again).toMatchObject({ PhoneNumberArn: arn });
    await until(async () => (await describeNumber(arn)).PhoneNumberStatus!.Status === 'CLAIMED' || undefined);
    expect(await describeNumber(arn)).toMatchObject({ TargetArn: groupArn });
    expect(emulator.claimedNumbers()[0].flows).toEqual({});
  });

  test('a move to a group not ACTIVE → ResourceNotFoundException; from the replica Region → InvalidParameterException', async () => {
    const arn = await claimed('+12065550100', groupArn);
    const creating = await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'new', InstanceId: SEED.instanceArn }));
    expect((await failure(source.send(new UpdatePhoneNumberCommand({ PhoneNumberId: arn, TargetArn: creating.Arn })))).name).toBe('ResourceNotFoundException');
    expect((await failure(replica.send(new UpdatePhoneNumberCommand({ PhoneNumberId: arn, TargetArn: replicaInstanceArn })))).name).toBe('InvalidParameterException');
    expect(emulator.claimedNumbers()[0]).toMatchObject({ status: 'CLAIMED', targetArn: groupArn });
  });

  test('metadata: IN_PROGRESS, then the new description; more than 500 characters refused', async () => {
    const arn = await claimed('+12065550100');
    await source.send(new UpdatePhoneNumberMetadataCommand({ PhoneNumberId: arn, PhoneNumberDescription: 'new text' }));
    expect((await describeNumber(arn)).PhoneNumberStatus!.Status).toBe('IN_PROGRESS');
    await until(async () => (await describeNumber(arn)).PhoneNumberDescription === 'new text' || undefined);
    expect((await describeNumber(arn)).PhoneNumberStatus!.Status).toBe('CLAIMED');
    const long = await failure(source.send(new UpdatePhoneNumberMetadataCommand({ PhoneNumberId: arn, PhoneNumberDescription: 'x'.repeat(501) })));
    expect(long.name).toBe('InvalidParameterException');
  });
});

describe('AssociatePhoneNumberContactFlow and DisassociatePhoneNumberContactFlow', () => {
  test('a group number takes a flow in each Region (the replica by ARN); disassociating twice → ResourceNotFoundException', async () => {
    const arn = await claimed('+12065550100', groupArn);
    await source.send(associate(arn, SEED.flowIds[0]));
    await replica.send(associate(arn, SEED.flowIds[1]));
    expect(emulator.claimedNumbers()[0].flows).toEqual({ [SRC]: SEED.flowArn(SRC), [REP]: SEED.flowArn(REP, SEED.flowIds[1]) });
    const byId = await failure(replica.send(new AssociatePhoneNumberContactFlowCommand({
      PhoneNumberId: arn.split('/')[1], InstanceId: SEED.instanceId, ContactFlowId: SEED.flowIds[0],
    })));
    expect(byId.name).toBe('ResourceNotFoundException');
    await replica.send(new DisassociatePhoneNumberContactFlowCommand({ PhoneNumberId: arn, InstanceId: replicaInstanceArn }));
    expect(emulator.claimedNumbers()[0].flows).toEqual({ [SRC]: SEED.flowArn(SRC) });
    const again = await failure(replica.send(new DisassociatePhoneNumberContactFlowCommand({ PhoneNumberId: arn, InstanceId: SEED.instanceId })));
    expect(again).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  test('refused: unknown flow, a flow of another Region, an instance the number does not serve, a number not yet CLAIMED', async () => {
    const arn = await claimed('+12065550100');
    const unknownFlow = await failure(source.send(new AssociatePhoneNumberContactFlowCommand({
      PhoneNumberId: arn, InstanceId: SEED.instanceId, ContactFlowId: 'aaaaaaaa-0000-4000-8000-000000000009',
    })));
    expect(unknownFlow.name).toBe('ResourceNotFoundException');
    const otherRegionFlow = await failure(source.send(new AssociatePhoneNumberContactFlowCommand({
      PhoneNumberId: arn, InstanceId: SEED.instanceId, ContactFlowId: SEED.flowArn(REP),
    })));
    expect(otherRegionFlow.name).toBe('ResourceNotFoundException');
    const fromReplica = await failure(replica.send(new AssociatePhoneNumberContactFlowCommand({
      PhoneNumberId: arn, InstanceId: SEED.instanceId, ContactFlowId: SEED.flowIds[0],
    })));
    expect(fromReplica.name).toBe('ResourceNotFoundException');
    const fresh = await source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550101', TargetArn: groupArn }));
    const early = await failure(source.send(new AssociatePhoneNumberContactFlowCommand({
      PhoneNumberId: fresh.PhoneNumberArn, InstanceId: SEED.instanceId, ContactFlowId: SEED.flowIds[0],
    })));
    expect(early.name).toBe('InvalidParameterException');
    emulator.seedClaimedNumber('+12065550102', `arn:aws:connect:${SRC}:${SEED.account}:instance/99999999-2222-3333-4444-555555555555`);
    const other = emulator.claimedNumbers().find(n => n.phoneNumber === '+12065550102')!;
    const notServed = await failure(source.send(new AssociatePhoneNumberContactFlowCommand({
      PhoneNumberId: other.arn, InstanceId: SEED.instanceId, ContactFlowId: SEED.flowIds[0],
    })));
    expect(notServed.name).toBe('InvalidParameterException');
    expect(emulator.claimedNumbers().every(n => Object.keys(n.flows).length === 0)).toBe(true);
  });
});

describe('ReleasePhoneNumber', () => {
  test('IN_PROGRESS, then gone (ResourceNotFoundException), and not offered again (cool-down)', async () => {
    const arn = await claimed('+12065550100');
    await source.send(new ReleasePhoneNumberCommand({ PhoneNumberId: arn, ClientToken: TOKEN }));
    expect((await describeNumber(arn)).PhoneNumberStatus!.Status).toBe('IN_PROGRESS');
    // The same release again is accepted; another one is refused while this one runs.
    await source.send(new ReleasePhoneNumberCommand({ PhoneNumberId: arn, ClientToken: TOKEN }));
    expect((await failure(source.send(new ReleasePhoneNumberCommand({ PhoneNumberId: arn })))).name).toBe('ResourceInUseException');
    const gone = await until(async () => (failure(describeNumber(arn)).catch(() => undefined)));
    expect(gone).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect((await failure(source.send(new ReleasePhoneNumberCommand({ PhoneNumberId: arn })))).name).toBe('ResourceNotFoundException');
    expect((await search({ PhoneNumberPrefix: '+1206', MaxResults: 1 })).AvailableNumbersList![0].PhoneNumber).toBe('+12065550101');
    expect((await failure(source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: SEED.instanceArn })))).message)
      .toMatch(/not available/);
  });

  test('refused while a claim is in progress, and from the replica Region', async () => {
    const out = await source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: groupArn }));
    expect((await failure(source.send(new ReleasePhoneNumberCommand({ PhoneNumberId: out.PhoneNumberArn })))).name).toBe('ResourceInUseException');
    await until(async () => (await describeNumber(out.PhoneNumberArn!)).PhoneNumberStatus!.Status === 'CLAIMED' || undefined);
    expect((await failure(replica.send(new ReleasePhoneNumberCommand({ PhoneNumberId: out.PhoneNumberArn })))).name).toBe('InvalidParameterException');
  });

  test('releasing a FAILED claim drops it at once', async () => {
    emulator.failNextClaim('limit reached');
    const out = await source.send(new ClaimPhoneNumberCommand({ PhoneNumber: '+12065550100', TargetArn: SEED.instanceArn }));
    await until(async () => (await describeNumber(out.PhoneNumberArn!)).PhoneNumberStatus!.Status === 'FAILED' || undefined);
    await source.send(new ReleasePhoneNumberCommand({ PhoneNumberId: out.PhoneNumberArn }));
    expect((await failure(describeNumber(out.PhoneNumberArn!))).name).toBe('ResourceNotFoundException');
  });

  test('a number released out of band is gone at once', async () => {
    const arn = await claimed('+12065550100');
    emulator.releaseNumberOutOfBand('+12065550100');
    expect((await failure(describeNumber(arn))).name).toBe('ResourceNotFoundException');
    expect(emulator.claimedNumbers()).toEqual([]);
  });
});

describe('TagResource and UntagResource on numbers', () => {
  test('tags a number by ARN', async () => {
    const arn = await claimed('+12065550100');
    await source.send(new TagResourceCommand({ resourceArn: arn, tags: { a: '1', b: '2' } }));
    await source.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
    expect((await describeNumber(arn)).Tags).toEqual({ b: '2' });
    expect(emulator.claimedNumbers()[0].tags).toEqual({ b: '2' });
    const tooMany = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect((await failure(source.send(new TagResourceCommand({ resourceArn: arn, tags: tooMany })))).name).toBe('InvalidParameterException');
    expect((await failure(source.send(new TagResourceCommand({ resourceArn: arn, tags: {} })))).name).toBe('InvalidParameterException');
    expect((await failure(source.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [] })))).name).toBe('InvalidParameterException');
    const instanceTags = await failure(source.send(new TagResourceCommand({ resourceArn: SEED.instanceArn, tags: { a: '1' } })));
    expect(instanceTags.name).toBe('ResourceNotFoundException');
  });
});
