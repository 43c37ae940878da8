import { Fn, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { handlerStatements, newStack, snapshotTemplate } from './fixtures';
import {
  ClaimedPhoneNumber, ClaimedPhoneNumberProps, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup,
} from '../../src';
import {
  PHONE_NUMBER_ACTIONS, PHONE_NUMBER_FLOW_ACTIONS, PHONE_NUMBER_FLOW_CHECK_ACTIONS, PHONE_NUMBER_GROUP_LOOKUP_ACTIONS, TDG_GROUP_ACTIONS,
  TDG_INSTANCE_ACTIONS, TDG_LOOKUP_ACTIONS,
} from '../../src/shared/actions';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE } from '../../src/shared/names';
import { ACCOUNT, FLOW_ARN, GROUP_ARN, INSTANCE_ARN, INSTANCE_ID, REGION, REPLICA_REGION, REPLICA_FLOW_ARN } from '../fixtures/arns';

const TYPE = CLAIMED_PHONE_NUMBER_RESOURCE_TYPE;

function withGroup(stack: Stack) {
  return new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
}

describe('ClaimedPhoneNumber', () => {
  test('a specific number on a group, with flows in both Regions', () => {
    const stack = newStack();
    const group = withGroup(stack);
    const main = new ClaimedPhoneNumber(stack, 'Main', {
      target: PhoneNumberTarget.trafficDistributionGroup(group),
      phoneNumber: '+12065550100',
      description: 'Main line',
      contactFlowArns: [FLOW_ARN, REPLICA_FLOW_ARN],
    });
    const t = Template.fromStack(stack);
    const groupId = stack.getLogicalId(group.node.defaultChild as any);
    t.hasResourceProperties(TYPE, {
      TargetArn: { 'Fn::GetAtt': [groupId, 'Arn'] },
      PhoneNumber: '+12065550100',
      CountryCode: Match.absent(),
      Description: 'Main line',
      ContactFlowArns: [FLOW_ARN, REPLICA_FLOW_ARN],
      RemovalPolicy: 'retain',
    });
    expect(stack.resolve(main.phoneNumber)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Main/), 'PhoneNumber'] });
    expect(stack.resolve(main.phoneNumberArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Main/), 'PhoneNumberArn'] });
    expect(stack.resolve(main.phoneNumberId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Main/), 'PhoneNumberId'] });
  });

  test('a searched number on an instance', () => {
    const stack = newStack();
    new ClaimedPhoneNumber(stack, 'Backup', {
      target: PhoneNumberTarget.instance(INSTANCE_ARN),
      countryCode: 'US',
      phoneNumberType: PhoneNumberType.DID,
      prefix: '+1206',
    });
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      TargetArn: INSTANCE_ARN,
      CountryCode: 'US',
      PhoneNumberType: 'DID',
      Prefix: '+1206',
      PhoneNumber: Match.absent(),
    });
  });

  test('all seven phone number types of the API', () => {
    expect(Object.values(PhoneNumberType).sort()).toEqual(
      ['DID', 'SHARED', 'SHORT_CODE', 'THIRD_PARTY_DID', 'THIRD_PARTY_TF', 'TOLL_FREE', 'UIFN']);
  });

  describe('removal', () => {
    test('by default the number is kept: RETAIN, and CloudFormation still calls the handler (which never releases it)', () => {
      const stack = newStack();
      new ClaimedPhoneNumber(stack, 'N', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550100' });
      const t = Template.fromStack(stack);
      t.hasResourceProperties(TYPE, { RemovalPolicy: 'retain' });
      // No DeletionPolicy: CloudFormation's default (Delete) on purpose, the handler must run to park a
      // group's number on the instance. Left out rather than written, to keep templates of many numbers small.
      t.hasResource(TYPE, { DeletionPolicy: Match.absent(), UpdateReplacePolicy: Match.absent() });
    });

    test('DESTROY releases', () => {
      const stack = newStack();
      new ClaimedPhoneNumber(stack, 'N', {
        target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550100', removalPolicy: RemovalPolicy.DESTROY,
      });
      Template.fromStack(stack).hasResourceProperties(TYPE, { RemovalPolicy: 'destroy' });
    });

    test.each([RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE])('%s is refused', (policy) => {
      expect(() => new ClaimedPhoneNumber(newStack(), 'N', {
        target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550100', removalPolicy: policy,
      })).toThrow(/Stack\/N: removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY/);
    });
  });

  test('200 numbers still make one provider, and the policy does not grow', () => {
    const stack = newStack();
    const group = withGroup(stack);
    for (let i = 0; i < 200; i++) {
      new ClaimedPhoneNumber(stack, `N${i}`, {
        target: i % 2 ? PhoneNumberTarget.trafficDistributionGroup(group) : PhoneNumberTarget.instance(INSTANCE_ARN),
        countryCode: 'US',
        phoneNumberType: PhoneNumberType.DID,
        contactFlowArns: [FLOW_ARN],
      });
    }
    const t = Template.fromStack(stack);
    t.resourceCountIs(TYPE, 200);
    t.resourceCountIs('AWS::Lambda::Function', 5);
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    const small = newStack();
    const g = withGroup(small);
    new ClaimedPhoneNumber(small, 'A', { target: PhoneNumberTarget.instance(INSTANCE_ARN), countryCode: 'US', phoneNumberType: PhoneNumberType.DID, contactFlowArns: [FLOW_ARN] });
    new ClaimedPhoneNumber(small, 'B', { target: PhoneNumberTarget.trafficDistributionGroup(g), countryCode: 'US', phoneNumberType: PhoneNumberType.DID, contactFlowArns: [FLOW_ARN] });
    expect(handlerStatements(stack)).toEqual(handlerStatements(small));
    expect(JSON.stringify(Template.fromStack(stack).toJSON()).length).toBeLessThan(250_000);
  });

  describe('IAM', () => {
    test('exactly the actions called, scoped to the numbers, the target and the flows\' instances', () => {
      const stack = newStack();
      const group = withGroup(stack);
      new ClaimedPhoneNumber(stack, 'N', {
        target: PhoneNumberTarget.trafficDistributionGroup(group), phoneNumber: '+12065550100', contactFlowArns: [FLOW_ARN, REPLICA_FLOW_ARN],
      });
      const statements = handlerStatements(stack);
      const actions = new Set(statements.flatMap(s => [s.Action].flat()));
      expect([...actions].sort()).toEqual([...new Set([
        ...TDG_GROUP_ACTIONS, ...TDG_INSTANCE_ACTIONS, ...TDG_LOOKUP_ACTIONS, ...PHONE_NUMBER_ACTIONS, ...PHONE_NUMBER_GROUP_LOOKUP_ACTIONS,
        ...PHONE_NUMBER_FLOW_ACTIONS, ...PHONE_NUMBER_FLOW_CHECK_ACTIONS,
      ])].sort());
      const text = JSON.stringify(statements);
      expect(text).not.toContain('connect:*');
      expect(text).not.toMatch(/"Resource":"\*"/);
      const flowStatement = statements.find(s => [s.Action].flat().includes('connect:AssociatePhoneNumberContactFlow'));
      const flowResources = JSON.stringify(flowStatement.Resource);
      expect(flowResources).toContain(`:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE_ID}/contact-flow/*`);
      expect(flowResources).toContain(`:connect:${REPLICA_REGION}:${ACCOUNT}:instance/${INSTANCE_ID}/contact-flow/*`);
      expect(flowResources).toContain(`:connect:${REPLICA_REGION}:${ACCOUNT}:phone-number/*`);
    });

    test('a number on an instance without flows: the group look-up (a rollback may move it back to a group), and the flow actions in both Regions (an update may drop flows)', () => {
      const stack = newStack();
      new ClaimedPhoneNumber(stack, 'N', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550100' });
      const statements = handlerStatements(stack);
      const actions = new Set(statements.flatMap(s => [s.Action].flat()));
      expect([...actions].sort()).toEqual([...PHONE_NUMBER_ACTIONS, ...PHONE_NUMBER_FLOW_ACTIONS, 'connect:DescribeTrafficDistributionGroup',
        // Every provider may delete the stack's last group after an update removed it (ConnectProvider), and
        // read its own stack's status (a Delete tells a rollback from a removal, issue 24).
        'connect:DeleteTrafficDistributionGroup'].sort());
      // Removing a flow runs under the new template's grants, where the flow no longer appears.
      const flowResources = JSON.stringify(statements.find(s => [s.Action].flat().includes('connect:DisassociatePhoneNumberContactFlow')).Resource);
      expect(flowResources).toContain(`:connect:${REGION}:${ACCOUNT}:instance/${INSTANCE_ID}/contact-flow/*`);
      expect(flowResources).toContain(`:connect:${REPLICA_REGION}:${ACCOUNT}:instance/${INSTANCE_ID}/contact-flow/*`);
      expect(flowResources).toContain(`:connect:${REPLICA_REGION}:${ACCOUNT}:phone-number/*`);
      expect(JSON.stringify(statements)).toContain(INSTANCE_ARN);
      expect(JSON.stringify(statements)).toContain(`:connect:${REGION}:${ACCOUNT}:phone-number/*`);
    });
  });

  describe('validation at synth, with the property name', () => {
    const target = PhoneNumberTarget.instance(INSTANCE_ARN);
    const cases: Array<[string, Partial<ClaimedPhoneNumberProps>, RegExp]> = [
      ['neither a number nor a search', {}, /phoneNumber, or countryCode and phoneNumberType, or sourcePhoneNumberArn must be given/],
      ['a country without a type', { countryCode: 'US' }, /phoneNumberType must be given to search for a number \(countryCode and phoneNumberType together\), or give phoneNumber/],
      ['a type without a country', { phoneNumberType: PhoneNumberType.DID }, /countryCode must be given to search for a number/],
      ['both a number and a search', { phoneNumber: '+12065550100', countryCode: 'US', phoneNumberType: PhoneNumberType.DID }, /phoneNumber cannot be combined with countryCode/],
      ['a number and a prefix', { phoneNumber: '+12065550100', prefix: '+1206' }, /phoneNumber cannot be combined/],
      ['not E.164 (no +)', { phoneNumber: '12065550100' }, /phoneNumber must be an E.164 number/],
      ['not E.164 (leading 0)', { phoneNumber: '+02065550100' }, /phoneNumber must be an E.164 number/],
      ['not E.164 (16 digits)', { phoneNumber: '+1234567890123456' }, /phoneNumber must be an E.164 number/],
      ['lower-case country', { countryCode: 'us', phoneNumberType: PhoneNumberType.DID }, /countryCode must be an ISO 3166-1 alpha-2 country code/],
      ['unknown country', { countryCode: 'XX', phoneNumberType: PhoneNumberType.DID }, /countryCode must be an ISO 3166-1 alpha-2/],
      ['unknown type', { countryCode: 'US', phoneNumberType: 'LANDLINE' as PhoneNumberType }, /phoneNumberType must be one of TOLL_FREE, DID/],
      ['prefix without +', { countryCode: 'US', phoneNumberType: PhoneNumberType.DID, prefix: '1206' }, /prefix must be \+ then 1 to 15 digits/],
      ['prefix too long', { countryCode: 'US', phoneNumberType: PhoneNumberType.DID, prefix: '+1234567890123456' }, /prefix must be \+ then 1 to 15 digits/],
      ['prefix of another country', { countryCode: 'GB', phoneNumberType: PhoneNumberType.DID, prefix: '+1206' }, /prefix must start with \+44, the calling code of GB/],
      ['description too long', { phoneNumber: '+12065550100', description: 'd'.repeat(501) }, /description must be at most 500 characters/],
      ['a flow ARN that is not one', { phoneNumber: '+12065550100', contactFlowArns: [INSTANCE_ARN] }, /contactFlowArns\[0\] must be a contact flow ARN/],
      ['two flows of one instance', { phoneNumber: '+12065550100', contactFlowArns: [FLOW_ARN, FLOW_ARN.replace(/0001$/, '0002')] }, /contactFlowArns must name at most one flow per instance/],
      ['a flow of another instance', { phoneNumber: '+12065550100', contactFlowArns: [FLOW_ARN.replace(INSTANCE_ID, 'aaaaaaaa-2222-3333-4444-555555555555')] }, /contactFlowArns\[0\] must be a flow of the target's instance/],
      ['a replica flow for a number on an instance', { phoneNumber: '+12065550100', contactFlowArns: [REPLICA_FLOW_ARN] }, /contactFlowArns\[0\] must be in the target instance's Region us-east-1/],
    ];
    test.each(cases)('%s', (_, props, message) => {
      expect(() => new ClaimedPhoneNumber(newStack(), 'N', { target, ...props })).toThrow(message);
      expect(() => new ClaimedPhoneNumber(newStack(), 'N', { target, ...props })).toThrow(/^Stack\/N: /);
    });

    test('a target instance that is not an instance ARN', () => {
      expect(() => new ClaimedPhoneNumber(newStack(), 'N', { target: PhoneNumberTarget.instance(GROUP_ARN), phoneNumber: '+12065550100' }))
        .toThrow(/Stack\/N: target must be an Amazon Connect instance ARN/);
    });

    test('a group in another Region', () => {
      const stack = newStack();
      const other = TrafficDistributionGroup.fromTrafficDistributionGroupArn(stack, 'Far', GROUP_ARN.replace(REGION, 'eu-west-2'));
      expect(() => new ClaimedPhoneNumber(stack, 'N', { target: PhoneNumberTarget.trafficDistributionGroup(other), phoneNumber: '+12065550100' }))
        .toThrow(/Stack\/N: target must be a traffic distribution group in this stack's Region us-east-1/);
    });

    test('a flow of another instance than the group\'s', () => {
      const stack = newStack();
      const group = withGroup(stack);
      expect(() => new ClaimedPhoneNumber(stack, 'N', {
        target: PhoneNumberTarget.trafficDistributionGroup(group),
        phoneNumber: '+12065550100',
        contactFlowArns: [REPLICA_FLOW_ARN.replace(INSTANCE_ID, 'aaaaaaaa-2222-3333-4444-555555555555')],
      })).toThrow(/contactFlowArns\[0\] must be a flow of the target's instance .* or of its replica/);
    });

    test('tags are checked at synth', () => {
      const stack = newStack();
      new ClaimedPhoneNumber(stack, 'N', { target, phoneNumber: '+12065550100' }).tags.setTag('aws:x', 'y');
      expect(() => Template.fromStack(stack)).toThrow(/Stack\/N.*tags keys must not start with 'aws:'/s);
    });

    test('tokens are accepted at synth', () => {
      const stack = newStack();
      expect(() => new ClaimedPhoneNumber(stack, 'N', {
        target: PhoneNumberTarget.instance(Fn.importValue('Instance')),
        countryCode: Fn.importValue('Country'),
        phoneNumberType: Fn.importValue('Type') as PhoneNumberType,
        prefix: Fn.importValue('Prefix'),
        description: Fn.importValue('Description'),
        contactFlowArns: [Fn.importValue('Flow')],
      })).not.toThrow();
      expect(() => Template.fromStack(stack)).not.toThrow();
      // With a token flow, the flow grant falls back to the account's instances in the Region.
      expect(JSON.stringify(handlerStatements(stack))).toContain(`:connect:${REGION}:${ACCOUNT}:instance/*/contact-flow/*`);
    });
  });

  test('Tags.of() reaches numbers', () => {
    const stack = newStack();
    new ClaimedPhoneNumber(stack, 'N', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550100' });
    Tags.of(stack).add('team', 'support');
    Template.fromStack(stack).hasResourceProperties(TYPE, { Tags: { team: 'support' } });
  });

  describe('imports', () => {
    const arn = `arn:aws:connect:${REGION}:${ACCOUNT}:phone-number/12345678-1234-1234-1234-123456789012`;
    test('fromPhoneNumberArn exposes the ARN and id, and says why phoneNumber is unknown', () => {
      const n = ClaimedPhoneNumber.fromPhoneNumberArn(newStack(), 'Imported', arn);
      expect(n.phoneNumberArn).toBe(arn);
      expect(n.phoneNumberId).toBe('12345678-1234-1234-1234-123456789012');
      expect(() => n.phoneNumber).toThrow(/Stack\/Imported: phoneNumber is not known.*fromPhoneNumberAttributes/);
    });
    test('fromPhoneNumberAttributes', () => {
      const n = ClaimedPhoneNumber.fromPhoneNumberAttributes(newStack(), 'Imported', { phoneNumberArn: arn, phoneNumber: '+12065550100' });
      expect(n.phoneNumber).toBe('+12065550100');
      expect(n.phoneNumberId).toBe('12345678-1234-1234-1234-123456789012');
    });
  });

  test('snapshot', () => {
    const stack = newStack();
    const group = withGroup(stack);
    new ClaimedPhoneNumber(stack, 'Main', { target: PhoneNumberTarget.trafficDistributionGroup(group), phoneNumber: '+12065550100', contactFlowArns: [FLOW_ARN, REPLICA_FLOW_ARN] });
    new ClaimedPhoneNumber(stack, 'Backup', { target: PhoneNumberTarget.instance(INSTANCE_ARN), countryCode: 'US', phoneNumberType: PhoneNumberType.DID, removalPolicy: RemovalPolicy.DESTROY });
    expect(snapshotTemplate(stack)).toMatchSnapshot();
  });
});
