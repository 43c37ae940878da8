/**
 * ListFlowAssociations (connect-api.md: AssociatePhoneNumberContactFlow, "read back with
 * ListFlowAssociations"): the flows of the numbers an instance serves, per Region, with pages,
 * through the real SDK.
 */
import {
  AssociatePhoneNumberContactFlowCommand, ClaimPhoneNumberCommand, ConnectClient, CreateTrafficDistributionGroupCommand,
  DescribePhoneNumberCommand, DescribeTrafficDistributionGroupCommand, ListFlowAssociationsCommand,
} from '@aws-sdk/client-connect';
import { clientFor, failure, replicaInstanceArn, until } from './helpers';
import { ConnectEmulator, SEED } from '../../local/emulator';

const SRC = SEED.sourceRegion;
const REP = SEED.replicaRegion;

let emulator: ConnectEmulator;
let source: ConnectClient;
let replica: ConnectClient;

beforeAll(async () => {
  emulator = await ConnectEmulator.start({ timeScale: 0.001, rateLimit: false, replicated: true });
  source = clientFor(emulator, SRC);
  replica = clientFor(emulator, REP);
});

afterAll(async () => {
  source.destroy();
  replica.destroy();
  await emulator.stop();
});

async function claimed(phoneNumber: string, target: string): Promise<string> {
  const out = await source.send(new ClaimPhoneNumberCommand({ PhoneNumber: phoneNumber, TargetArn: target }));
  await until(async () => (await source.send(new DescribePhoneNumberCommand({ PhoneNumberId: out.PhoneNumberArn })))
    .ClaimedPhoneNumberSummary!.PhoneNumberStatus!.Status === 'CLAIMED' || undefined);
  return out.PhoneNumberArn!;
}

const associate = (client: ConnectClient, PhoneNumberId: string, ContactFlowId: string) =>
  client.send(new AssociatePhoneNumberContactFlowCommand({ PhoneNumberId, InstanceId: SEED.instanceId, ContactFlowId }));

test('per Region: the instance\'s own numbers and the group numbers, each with the flow of that Region; pages; other types list nothing', async () => {
  const group = (await source.send(new CreateTrafficDistributionGroupCommand({ Name: 'lines', InstanceId: SEED.instanceArn }))).Arn!;
  await until(async () => (await source.send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: group })))
    .TrafficDistributionGroup!.Status === 'ACTIVE' || undefined);
  const onInstance = await claimed('+12065550100', SEED.instanceArn);
  const onGroup = await claimed('+12065550101', group);
  const noFlow = await claimed('+12065550102', group);
  await associate(source, onInstance, SEED.flowIds[0]);
  await associate(source, onGroup, SEED.flowIds[1]);
  await associate(replica, onGroup, SEED.flowIds[0]);

  const list = async (client: ConnectClient, InstanceId: string, extra: Record<string, unknown> = {}) =>
    client.send(new ListFlowAssociationsCommand({ InstanceId, ResourceType: 'VOICE_PHONE_NUMBER', ...extra }));
  expect((await list(source, SEED.instanceArn)).FlowAssociationSummaryList).toEqual([
    { ResourceId: onInstance, FlowId: SEED.flowArn(SRC), ResourceType: 'VOICE_PHONE_NUMBER' },
    { ResourceId: onGroup, FlowId: SEED.flowArn(SRC, SEED.flowIds[1]), ResourceType: 'VOICE_PHONE_NUMBER' },
  ].sort((a, b) => a.ResourceId.localeCompare(b.ResourceId)));
  expect((await list(replica, replicaInstanceArn)).FlowAssociationSummaryList).toEqual([
    { ResourceId: onGroup, FlowId: SEED.flowArn(REP), ResourceType: 'VOICE_PHONE_NUMBER' },
  ]);
  expect(JSON.stringify(await list(source, SEED.instanceId))).not.toContain(noFlow);

  const first = await list(source, SEED.instanceId, { MaxResults: 1 });
  const second = await list(source, SEED.instanceId, { MaxResults: 1, NextToken: first.NextToken });
  const paged = [...first.FlowAssociationSummaryList!, ...second.FlowAssociationSummaryList!].map(a => a.ResourceId);
  expect(paged.sort()).toEqual([onInstance, onGroup].sort());
  expect(second.NextToken).toBeUndefined();
  const email = await source.send(new ListFlowAssociationsCommand({ InstanceId: SEED.instanceId, ResourceType: 'INBOUND_EMAIL' }));
  expect(email.FlowAssociationSummaryList).toEqual([]);

  expect((await failure(list(source, SEED.instanceId, { MaxResults: 1001 }))).name).toBe('InvalidParameterException');
  expect((await failure(list(source, replicaInstanceArn))).name).toBe('ResourceNotFoundException');
});
