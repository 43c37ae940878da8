/**
 * ImportPhoneNumber and the End User Messaging catalogue (local/emulator/import.ts), driven
 * through the real SDK. connect-api.md: ImportPhoneNumber.
 */
import {
  ConnectClient, DescribePhoneNumberCommand, ImportPhoneNumberCommand, ListPhoneNumbersV2Command, ReleasePhoneNumberCommand,
} from '@aws-sdk/client-connect';
import { clientFor, failure, replicaInstanceArn, until, useVirtualClock } from './helpers';
import { ConnectEmulator, EmulatorWorld, FOREIGN_SOURCE_NUMBER_ARN, SEED, SOURCE_NUMBERS, sourceNumbersOf, worldOf } from '../../local/emulator';

useVirtualClock();

const TOKEN = '0b5f8c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e';
const [TOLL_FREE, DID] = SOURCE_NUMBERS;
const IN_REPLICA_REGION = SOURCE_NUMBERS.find(n => n.region === SEED.replicaRegion)!;

let emulator: ConnectEmulator;
let source: ConnectClient;

beforeEach(async () => {
  // An import takes 200 ms: observable IN_PROGRESS, and quick to wait for.
  emulator = await ConnectEmulator.start({ timeScale: 0.005, rateLimit: false, durations: { claim: 40_000, release: 40_000 } });
  source = clientFor(emulator);
});

afterEach(async () => {
  source.destroy();
  await emulator.stop();
});

const describe_ = async (arn: string) => (await source.send(new DescribePhoneNumberCommand({ PhoneNumberId: arn }))).ClaimedPhoneNumberSummary!;
const claimed = async (arn: string) => until(async () => ((await describe_(arn)).PhoneNumberStatus!.Status === 'CLAIMED' ? true : undefined));

test('the catalogue: End User Messaging ARNs of this account, in the source Region and one in the replica Region, none in the claim inventory', () => {
  expect(SOURCE_NUMBERS.length).toBeGreaterThanOrEqual(3);
  for (const n of SOURCE_NUMBERS) {
    expect(n.arn).toMatch(new RegExp(`^arn:aws:sms-voice:${n.region}:${SEED.account}:phone-number/phone-[0-9a-f]{32}$`));
    expect(SEED.inventory.map(i => i.phoneNumber)).not.toContain(n.phoneNumber);
  }
  expect(IN_REPLICA_REGION).toBeDefined();
});

test('import: IN_PROGRESS, then CLAIMED on the instance, with description, tags and the source ARN in Describe and List', async () => {
  const out = await source.send(new ImportPhoneNumberCommand({
    InstanceId: SEED.instanceArn, SourcePhoneNumberArn: TOLL_FREE.arn, PhoneNumberDescription: 'sms', Tags: { team: 'support' }, ClientToken: TOKEN,
  }));
  expect(out.PhoneNumberArn).toMatch(new RegExp(`^arn:aws:connect:${SEED.sourceRegion}:${SEED.account}:phone-number/${out.PhoneNumberId}$`));
  expect((await describe_(out.PhoneNumberArn!)).PhoneNumberStatus!.Status).toBe('IN_PROGRESS');
  await claimed(out.PhoneNumberArn!);
  expect(await describe_(out.PhoneNumberArn!)).toMatchObject({
    PhoneNumber: TOLL_FREE.phoneNumber,
    PhoneNumberType: 'TOLL_FREE',
    PhoneNumberCountryCode: 'US',
    PhoneNumberDescription: 'sms',
    TargetArn: SEED.instanceArn,
    InstanceId: SEED.instanceId,
    Tags: { team: 'support' },
    SourcePhoneNumberArn: TOLL_FREE.arn,
  });
  const listed = (await source.send(new ListPhoneNumbersV2Command({}))).ListPhoneNumbersSummaryList!;
  expect(listed).toEqual([expect.objectContaining({ PhoneNumberArn: out.PhoneNumberArn, SourcePhoneNumberArn: TOLL_FREE.arn })]);
  expect(emulator.claimedNumbers()).toEqual([expect.objectContaining({ phoneNumber: TOLL_FREE.phoneNumber, sourcePhoneNumberArn: TOLL_FREE.arn })]);
});

test('the instance by its id works too', async () => {
  const out = await source.send(new ImportPhoneNumberCommand({ InstanceId: SEED.instanceId, SourcePhoneNumberArn: DID.arn }));
  await claimed(out.PhoneNumberArn!);
  expect((await describe_(out.PhoneNumberArn!)).PhoneNumberType).toBe('DID');
});

test('ClientToken: the same request again answers the same number; other parameters with it -> IdempotencyException', async () => {
  const request = { InstanceId: SEED.instanceArn, SourcePhoneNumberArn: TOLL_FREE.arn, ClientToken: TOKEN };
  const first = await source.send(new ImportPhoneNumberCommand(request));
  const again = await source.send(new ImportPhoneNumberCommand(request));
  expect(again.PhoneNumberArn).toBe(first.PhoneNumberArn);
  expect(emulator.claimedNumbers()).toHaveLength(1);
  expect(await failure(source.send(new ImportPhoneNumberCommand({ ...request, PhoneNumberDescription: 'other' }))))
    .toMatchObject({ name: 'IdempotencyException', status: 409 });
});

test('a source already imported by this account (another token) -> InvalidParameterException; nothing imported twice', async () => {
  await source.send(new ImportPhoneNumberCommand({ InstanceId: SEED.instanceArn, SourcePhoneNumberArn: TOLL_FREE.arn }));
  expect(await failure(source.send(new ImportPhoneNumberCommand({ InstanceId: SEED.instanceArn, SourcePhoneNumberArn: TOLL_FREE.arn }))))
    .toMatchObject({ name: 'InvalidParameterException', status: 400, message: expect.stringContaining('already imported') });
  expect(emulator.claimedNumbers()).toHaveLength(1);
});

test.each([
  ['a source that does not exist', { SourcePhoneNumberArn: TOLL_FREE.arn.replace(/.$/, '0') }, 'ResourceNotFoundException', 404],
  ['another account\'s number', { SourcePhoneNumberArn: FOREIGN_SOURCE_NUMBER_ARN }, 'ResourceNotFoundException', 404],
  ['not an End User Messaging ARN', { SourcePhoneNumberArn: SEED.instanceArn }, 'InvalidParameterException', 400],
  ['a source in another Region than the instance', { SourcePhoneNumberArn: IN_REPLICA_REGION.arn }, 'InvalidParameterException', 400],
  ['no source', { SourcePhoneNumberArn: undefined }, 'InvalidParameterException', 400],
  ['a description over 500 characters', { SourcePhoneNumberArn: DID.arn, PhoneNumberDescription: 'd'.repeat(501) }, 'InvalidParameterException', 400],
  ['a ClientToken over 500 characters', { SourcePhoneNumberArn: DID.arn, ClientToken: 't'.repeat(501) }, 'InvalidParameterException', 400],
  ['an aws: tag', { SourcePhoneNumberArn: DID.arn, Tags: { 'aws:x': 'y' } }, 'InvalidParameterException', 400],
  ['an instance that does not exist', { SourcePhoneNumberArn: DID.arn, InstanceId: SEED.instanceArn.replace('1111', 'aaaa') }, 'ResourceNotFoundException', 404],
])('%s -> %s', async (_, change, name, status) => {
  const request = { InstanceId: SEED.instanceArn, ...change } as any;
  expect(await failure(source.send(new ImportPhoneNumberCommand(request)))).toMatchObject({ name, status });
  expect(emulator.claimedNumbers()).toEqual([]);
});

test('only in the instance\'s Region: from the replica Region (no replica there) the instance is not found', async () => {
  const west = clientFor(emulator, SEED.replicaRegion);
  try {
    expect(await failure(west.send(new ImportPhoneNumberCommand({ InstanceId: replicaInstanceArn, SourcePhoneNumberArn: IN_REPLICA_REGION.arn }))))
      .toMatchObject({ name: 'ResourceNotFoundException' });
    expect(await failure(west.send(new ImportPhoneNumberCommand({ InstanceId: SEED.instanceArn, SourcePhoneNumberArn: DID.arn }))))
      .toMatchObject({ name: 'ResourceNotFoundException' });
  } finally {
    west.destroy();
  }
});

test('a scripted failure ends FAILED with the message; the source can then be imported again', async () => {
  emulator.failNextImport('The phone number is not registered for voice');
  const out = await source.send(new ImportPhoneNumberCommand({ InstanceId: SEED.instanceArn, SourcePhoneNumberArn: DID.arn }));
  const failed = await until(async () => {
    const n = await describe_(out.PhoneNumberArn!);
    return n.PhoneNumberStatus!.Status === 'FAILED' ? n : undefined;
  });
  expect(failed.PhoneNumberStatus!.Message).toBe('The phone number is not registered for voice');
  const retry = await source.send(new ImportPhoneNumberCommand({ InstanceId: SEED.instanceArn, SourcePhoneNumberArn: DID.arn }));
  await claimed(retry.PhoneNumberArn!);
});

test('released: gone from Connect, and (harsher reading of what the docs leave open) not importable again during the cool-down', async () => {
  const out = await source.send(new ImportPhoneNumberCommand({ InstanceId: SEED.instanceArn, SourcePhoneNumberArn: DID.arn }));
  await claimed(out.PhoneNumberArn!);
  await source.send(new ReleasePhoneNumberCommand({ PhoneNumberId: out.PhoneNumberArn! }));
  await until(() => (emulator.claimedNumbers().length === 0 ? true : undefined));
  expect(await failure(source.send(new ImportPhoneNumberCommand({ InstanceId: SEED.instanceArn, SourcePhoneNumberArn: DID.arn }))))
    .toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining('released') });
});

test('an emulator of another account imports that account\'s numbers, into that account; the SEED account\'s are another account\'s there', async () => {
  const world: EmulatorWorld = {
    account: '444455556666',
    sourceRegion: 'eu-west-2',
    replicaRegion: 'eu-central-1',
    instanceId: '22222222-3333-4444-5555-666666666666',
    instanceAlias: 'london',
    flowIds: [],
    userIds: [],
  };
  const other = await ConnectEmulator.start({ timeScale: 0.005, rateLimit: false, world });
  const client = clientFor(other, world.sourceRegion);
  try {
    const instanceArn = worldOf(world).instanceArn;
    const [, did] = sourceNumbersOf(world);
    expect(did.arn).toMatch(/^arn:aws:sms-voice:eu-west-2:444455556666:phone-number\//);
    const out = await client.send(new ImportPhoneNumberCommand({ InstanceId: instanceArn, SourcePhoneNumberArn: did.arn }));
    expect(out.PhoneNumberArn).toMatch(new RegExp(`^arn:aws:connect:eu-west-2:444455556666:phone-number/${out.PhoneNumberId}$`));
    expect(other.claimedNumbers())
      .toEqual([expect.objectContaining({ phoneNumber: did.phoneNumber, targetArn: instanceArn, sourcePhoneNumberArn: did.arn })]);
    // The same number's ARN in the SEED account: another account's number in this world.
    const seedArn = did.arn.replace('444455556666', SEED.account);
    expect(await failure(client.send(new ImportPhoneNumberCommand({ InstanceId: instanceArn, SourcePhoneNumberArn: seedArn }))))
      .toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(other.claimedNumbers()).toHaveLength(1);
  } finally {
    client.destroy();
    await other.stop();
  }
});

test('a world\'s own End User Messaging numbers replace the default catalogue', async () => {
  const arn = 'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-mine';
  const world: EmulatorWorld = { ...SEED, sourceNumbers: [{ arn, region: 'us-east-1', phoneNumber: '+14255550299', countryCode: 'US', type: 'DID' }] };
  const mine = await ConnectEmulator.start({ timeScale: 0.005, rateLimit: false, world });
  const client = clientFor(mine);
  try {
    expect(await failure(client.send(new ImportPhoneNumberCommand({ InstanceId: SEED.instanceArn, SourcePhoneNumberArn: DID.arn }))))
      .toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    const out = await client.send(new ImportPhoneNumberCommand({ InstanceId: SEED.instanceArn, SourcePhoneNumberArn: arn }));
    expect(out.PhoneNumberArn).toMatch(/^arn:aws:connect:us-east-1:111122223333:phone-number\//);
    expect(mine.claimedNumbers().map(n => n.phoneNumber)).toEqual(['+14255550299']);
  } finally {
    client.destroy();
    await mine.stop();
  }
});
