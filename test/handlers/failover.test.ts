/**
 * A deploy never undoes a failover (DESIGN.md, "The bad days"; issue 13): on an in-place Update a
 * part of the split (telephony, agents, sign-in) moves only when its declaration changed, and a
 * declaration changed while someone else moved that part fails with no UpdateTrafficDistribution.
 */
import {
  CreateTrafficDistributionGroupCommand, DescribeTrafficDistributionGroupCommand, GetTrafficDistributionCommand, ListPhoneNumbersV2Command,
  ListTrafficDistributionGroupsCommand,
  TagResourceCommand, TrafficDistributionGroupStatus, UntagResourceCommand, UpdateTrafficDistributionCommand,
} from '@aws-sdk/client-connect';
import { DEFAULT_GROUP_ARN, expectFailed, expectSucceeded, GROUP2_ARN, inputsOf, run, STACK_ID, tagCallsOtherThanMarker, updateEvent, useConnectMock } from './events';
import { refusalTagKey } from '../../lambda/lib/split';
import { TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE as GROUP, TRAFFIC_DISTRIBUTION_RESOURCE_TYPE as SPLIT } from '../../src/shared/names';
import { GROUP_ARN, GROUP_ID, INSTANCE_ARN, REGION, REPLICA_REGION } from '../fixtures/arns';

const cm = useConnectMock();

const pct = (a: number, b: number) => ({ Distributions: [{ Region: REGION, Percentage: a }, { Region: REPLICA_REGION, Percentage: b }] });
const enabled = (a: boolean, b: boolean) => ({ Distributions: [{ Region: REGION, Enabled: a }, { Region: REPLICA_REGION, Enabled: b }] });
const split = (a: number, b: number) => ({ [REGION]: a, [REPLICA_REGION]: b });

function describeAs(status: TrafficDistributionGroupStatus, extra: Record<string, unknown> = {}) {
  return { TrafficDistributionGroup: { Id: GROUP_ID, Arn: GROUP_ARN, Name: 'support', InstanceArn: INSTANCE_ARN, Status: status, IsDefault: false, ...extra } };
}

/** The WARN lines the handlers logged. */
function warnings(): string[] {
  return (console.warn as jest.Mock).mock.calls.map(c => String(c[0]));
}

describe('TrafficDistributionGroup: a deploy moves live traffic only when its declaration changed', () => {
  const o = { logicalId: 'SupportGroup' };
  const MARKER = refusalTagKey(STACK_ID, o.logicalId);
  const PROPS = { InstanceArn: INSTANCE_ARN, Name: 'support', TelephonyDistribution: split(70, 30), Tags: { team: 'support' } };

  test('a tag-only update after an out-of-band failover leaves 0/100, makes no UpdateTrafficDistribution call, and logs a WARN', async () => {
    cm.on(TagResourceCommand).resolves({});
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(0, 100) });
    const out = await run(updateEvent(GROUP, GROUP_ARN, { ...PROPS, Tags: { team: 'support', release: '2' } }, PROPS, o));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
    expect(warnings().join('\n')).toMatch(/live split differs from the declared one.*us-east-1=0,us-west-2=100.*us-east-1=70,us-west-2=30/);
  });

  test('the rollback of an update that changed something else (the properties swapped back) leaves the live split too', async () => {
    cm.on(UntagResourceCommand).resolves({});
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(0, 100) });
    expectSucceeded(await run(updateEvent(GROUP, GROUP_ARN, PROPS, { ...PROPS, Tags: { team: 'support', release: '2' } }, o)),
      GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('declared values are compared normalized: the same split in another key order (strings, as delivered) is no change', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(0, 100) });
    const reordered = { ...PROPS, TelephonyDistribution: { [REPLICA_REGION]: '30', [REGION]: '70' } };
    expectSucceeded(await run(updateEvent(GROUP, GROUP_ARN, PROPS, reordered, o)), GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('a declared change with no failover in effect (live = previous declaration) is applied', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolvesOnce(describeAs('ACTIVE')).resolvesOnce(describeAs('UPDATE_IN_PROGRESS')).resolves(describeAs('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolvesOnce({ TelephonyConfig: pct(70, 30) }).resolves({ TelephonyConfig: pct(50, 50) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    const out = await run(updateEvent(GROUP, GROUP_ARN, { ...PROPS, TelephonyDistribution: split(50, 50) }, PROPS, o));
    expectSucceeded(out, GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(inputsOf(cm, UpdateTrafficDistributionCommand)).toEqual([{ Id: GROUP_ARN, TelephonyConfig: pct(50, 50) }]);
    expect(warnings()).toEqual([]);
  });

  test('a declared change while a failover is in effect fails naming the live, previous and new splits and the way out, with no call', async () => {
    cm.on(TagResourceCommand).resolves({});
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(0, 100) });
    const out = await run(updateEvent(GROUP, GROUP_ARN, { ...PROPS, TelephonyDistribution: split(50, 50) }, PROPS, o));
    expectFailed(out,
      "Traffic distribution group SupportGroup ('support')",
      'telephony is us-east-1=0,us-west-2=100 live, declared us-east-1=70,us-west-2=30 before and us-east-1=50,us-west-2=50 now',
      'Nothing was changed',
      `npx cdk-connect-global-resiliency split --group ${GROUP_ARN} --telephony us-east-1=70,us-west-2=30`,
      'declare the live split (telephony us-east-1=0,us-west-2=100)');
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
    // The refusal is recorded on the group (for its rollback), under a key of this resource.
    expect(tagCallsOtherThanMarker(cm)).toEqual([{ resourceArn: GROUP_ARN, tags: { [MARKER]: expect.stringMatching(/^[0-9a-f]{32}$/) } }]);
  });

  test('the rollback of that refused change (properties swapped, the refusal tag on the group) succeeds, moves nothing and removes the tag', async () => {
    cm.on(TagResourceCommand).resolves({});
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(0, 100) });
    const changed = { ...PROPS, TelephonyDistribution: split(50, 50) };
    await run(updateEvent(GROUP, GROUP_ARN, changed, PROPS, o));
    const recorded = tagCallsOtherThanMarker(cm)[0].tags;

    cm.reset();
    cm.on(UntagResourceCommand).resolves({});
    cm.on(TagResourceCommand).resolves({}); // the rollback's record of the current request
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE', { Tags: { team: 'support', ...recorded } }));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(0, 100) });
    expectSucceeded(await run(updateEvent(GROUP, GROUP_ARN, PROPS, changed, o)), GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
    expect(inputsOf(cm, UntagResourceCommand)).toEqual([{ resourceArn: GROUP_ARN, tagKeys: [MARKER] }]);
  });

  test('the same change back without that refusal on record (a forward deploy) is refused', async () => {
    cm.on(TagResourceCommand).resolves({});
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE', { Tags: { [MARKER]: '0'.repeat(32) } }));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(0, 100) });
    expectFailed(await run(updateEvent(GROUP, GROUP_ARN, PROPS, { ...PROPS, TelephonyDistribution: split(50, 50) }, o)), 'Nothing was changed');
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('a declaration changed to exactly the live split succeeds with no call', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(0, 100) });
    expectSucceeded(await run(updateEvent(GROUP, GROUP_ARN, { ...PROPS, TelephonyDistribution: split(0, 100) }, PROPS, o)),
      GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
    expect(warnings()).toEqual([]);
  });

  test('a successful update removes a refusal tag left by an earlier refused change', async () => {
    cm.on(UntagResourceCommand).resolves({});
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE', { Tags: { [MARKER]: '0'.repeat(32), team: 'support' } }));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(70, 30) });
    expectSucceeded(await run(updateEvent(GROUP, GROUP_ARN, PROPS, PROPS, o)), GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(inputsOf(cm, UntagResourceCommand)).toEqual([{ resourceArn: GROUP_ARN, tagKeys: [MARKER] }]);
  });

  test('only the changed part moves: a new agent split during a telephony failover keeps the live telephony and sends no telephony change', async () => {
    const before = { ...PROPS, AgentDistribution: split(100, 0) };
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE'));
    cm.on(GetTrafficDistributionCommand)
      .resolvesOnce({ TelephonyConfig: pct(0, 100), AgentConfig: pct(100, 0) })
      .resolves({ TelephonyConfig: pct(0, 100), AgentConfig: pct(50, 50) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    expectSucceeded(await run(updateEvent(GROUP, GROUP_ARN, { ...before, AgentDistribution: split(50, 50) }, before, o)),
      GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(inputsOf(cm, UpdateTrafficDistributionCommand)).toEqual([{ Id: GROUP_ARN, TelephonyConfig: pct(0, 100), AgentConfig: pct(50, 50) }]);
  });

  test('a part declared for the first time is applied (there is no previous declaration that someone could have moved it from)', async () => {
    const { TelephonyDistribution: _, ...undeclared } = PROPS;
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolvesOnce({ TelephonyConfig: pct(100, 0) }).resolves({ TelephonyConfig: pct(70, 30) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    expectSucceeded(await run(updateEvent(GROUP, GROUP_ARN, PROPS, undeclared, o)), GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(inputsOf(cm, UpdateTrafficDistributionCommand)).toEqual([{ Id: GROUP_ARN, TelephonyConfig: pct(70, 30) }]);
  });

  test('a replacement group is a new group: it gets the declared split, whatever the old group\'s declaration was', async () => {
    cm.on(CreateTrafficDistributionGroupCommand).resolves({ Id: GROUP2_ARN.split('/')[1], Arn: GROUP2_ARN });
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] }); // the old group holds no number from outside
    // Before it creates, the replacement checks that no group has the new name yet (a rollback would find it).
    cm.on(ListTrafficDistributionGroupsCommand, { InstanceId: INSTANCE_ARN })
      .resolves({ TrafficDistributionGroupSummaryList: [{ Arn: GROUP_ARN, Name: 'support', IsDefault: false }, { Arn: DEFAULT_GROUP_ARN, IsDefault: true }] });
    cm.on(DescribeTrafficDistributionGroupCommand)
      .resolvesOnce(describeAs('ACTIVE')) // the old group, as it is
      .resolves(describeAs('ACTIVE', { Arn: GROUP2_ARN, Name: 'support-2' }));
    // The old group was failed over (0/100); the new group starts at 100/0 and gets 70/30.
    cm.on(GetTrafficDistributionCommand).resolvesOnce({ TelephonyConfig: pct(100, 0) }).resolves({ TelephonyConfig: pct(70, 30) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    const out = await run(updateEvent(GROUP, GROUP_ARN, { ...PROPS, Name: 'support-2' }, PROPS, o));
    expectSucceeded(out, GROUP2_ARN, { Arn: GROUP2_ARN, Id: GROUP2_ARN.split('/')[1] });
    expect(inputsOf(cm, UpdateTrafficDistributionCommand)).toEqual([{ Id: GROUP2_ARN, TelephonyConfig: pct(70, 30) }]);
  });
});

describe('TrafficDistribution: the same rules, sign-in included (default group)', () => {
  const o = { logicalId: 'DefaultSplit' };
  const MARKER = refusalTagKey(STACK_ID, o.logicalId);
  const PROPS = {
    TrafficDistributionGroupArn: DEFAULT_GROUP_ARN,
    TelephonyDistribution: split(100, 0),
    SignInDistribution: { [REGION]: true, [REPLICA_REGION]: true },
  };
  const update = (props: Record<string, unknown>, old: Record<string, unknown> = PROPS) =>
    run(updateEvent(SPLIT, DEFAULT_GROUP_ARN, props, old, o));
  const FAILED_OVER = { TelephonyConfig: pct(0, 100), SignInConfig: enabled(false, true) };
  const defaultGroup = (extra: Record<string, unknown> = {}) => describeAs('ACTIVE', { Arn: DEFAULT_GROUP_ARN, IsDefault: true, ...extra });

  test('an update that changes nothing of the split (a new service token) leaves a failover in effect alone', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(defaultGroup());
    cm.on(GetTrafficDistributionCommand).resolves(FAILED_OVER);
    const out = await run(updateEvent(SPLIT, DEFAULT_GROUP_ARN, PROPS, { ...PROPS, SignInDistribution: { [REPLICA_REGION]: 'true', [REGION]: 'true' } }, o));
    expectSucceeded(out, DEFAULT_GROUP_ARN);
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
    expect(warnings().join('\n')).toContain('sign-in');
  });

  test('a sign-in change while sign-in was moved outside CloudFormation fails naming the sign-in splits, with no call', async () => {
    cm.on(TagResourceCommand).resolves({});
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(defaultGroup());
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(100, 0), SignInConfig: enabled(false, true) });
    const out = await update({ ...PROPS, SignInDistribution: { [REGION]: true, [REPLICA_REGION]: false } });
    expectFailed(out, 'sign-in is us-east-1=false,us-west-2=true live, declared us-east-1=true,us-west-2=true before and us-east-1=true,us-west-2=false now',
      '--sign-in us-east-1=true,us-west-2=true');
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
    expect(tagCallsOtherThanMarker(cm)[0].tags).toHaveProperty([MARKER]);
  });

  test('a telephony change to exactly the live split succeeds with no call; the unchanged sign-in is left as it is', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(defaultGroup());
    cm.on(GetTrafficDistributionCommand).resolves(FAILED_OVER);
    expectSucceeded(await update({ ...PROPS, TelephonyDistribution: split(0, 100) }), DEFAULT_GROUP_ARN);
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
  });

  test('a telephony change with no failover is applied without touching the (unchanged) sign-in', async () => {
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(defaultGroup());
    cm.on(GetTrafficDistributionCommand)
      .resolvesOnce({ TelephonyConfig: pct(100, 0), SignInConfig: enabled(true, true) })
      .resolves({ TelephonyConfig: pct(50, 50), SignInConfig: enabled(true, true) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    expectSucceeded(await update({ ...PROPS, TelephonyDistribution: split(50, 50) }), DEFAULT_GROUP_ARN);
    expect(inputsOf(cm, UpdateTrafficDistributionCommand)).toEqual([{ Id: DEFAULT_GROUP_ARN, TelephonyConfig: pct(50, 50) }]);
  });

  test('the split moved to another group is applied there in full (a new group for this resource)', async () => {
    const other = { TrafficDistributionGroupArn: GROUP_ARN, TelephonyDistribution: split(100, 0) };
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE'));
    cm.on(GetTrafficDistributionCommand).resolvesOnce({ TelephonyConfig: pct(0, 100) }).resolves({ TelephonyConfig: pct(100, 0) });
    cm.on(UpdateTrafficDistributionCommand).resolves({});
    expectSucceeded(await update(other), GROUP_ARN);
    expect(inputsOf(cm, UpdateTrafficDistributionCommand)).toEqual([{ Id: GROUP_ARN, TelephonyConfig: pct(100, 0) }]);
  });
});

describe('TrafficDistributionGroup: the rollback of a failed replacement', () => {
  test('comes back to the old, failed-over group with properties naming the new one: its split is left alone (found by the model test)', async () => {
    const o = { logicalId: 'SupportGroup' };
    const OLD_GROUP = { InstanceArn: INSTANCE_ARN, Name: 'sales', TelephonyDistribution: split(50, 50) };
    const FAILED_NEW = { InstanceArn: INSTANCE_ARN, Name: 'support', TelephonyDistribution: split(70, 30) };
    cm.on(DescribeTrafficDistributionGroupCommand).resolves(describeAs('ACTIVE', { Name: 'sales' }));
    cm.on(GetTrafficDistributionCommand).resolves({ TelephonyConfig: pct(0, 100) });
    expectSucceeded(await run(updateEvent(GROUP, GROUP_ARN, OLD_GROUP, FAILED_NEW, o)), GROUP_ARN, { Arn: GROUP_ARN, Id: GROUP_ID });
    expect(cm).not.toHaveReceivedCommand(UpdateTrafficDistributionCommand);
    expect(cm).not.toHaveReceivedCommand(CreateTrafficDistributionGroupCommand);
  });
});
