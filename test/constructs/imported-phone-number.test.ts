import { App, CfnParameter, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { agnosticStack, handlerStatements, newStack } from './fixtures';
import {
  ClaimedPhoneNumber, ClaimedPhoneNumberProps, InstanceReplica, PhoneNumberTarget, PhoneNumberType, TrafficDistributionGroup,
} from '../../src';
import {
  PHONE_NUMBER_ACTIONS, PHONE_NUMBER_FLOW_ACTIONS, PHONE_NUMBER_IMPORT_ACTIONS, PHONE_NUMBER_IMPORT_SOURCE_ACTIONS,
} from '../../src/shared/actions';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE as TYPE, INSTANCE_REPLICA_RESOURCE_TYPE } from '../../src/shared/names';
import { ACCOUNT, INSTANCE_ARN, INSTANCE_ID, FLOW_ARN, REGION, REPLICA_REGION, REPLICA_FLOW_ARN } from '../fixtures/arns';

const SOURCE = `arn:aws:sms-voice:${REGION}:${ACCOUNT}:phone-number/phone-0123456789abcdef0123456789abcde1`;
const target = PhoneNumberTarget.instance(INSTANCE_ARN);

describe('ClaimedPhoneNumber imported from End User Messaging (sourcePhoneNumberArn)', () => {
  test('the template carries the source, the description, the flows and the removal policy; no claim properties', () => {
    const stack = newStack();
    const n = new ClaimedPhoneNumber(stack, 'Sms', {
      target, sourcePhoneNumberArn: SOURCE, description: 'SMS and voice', contactFlowArns: [FLOW_ARN], removalPolicy: RemovalPolicy.DESTROY,
    });
    Template.fromStack(stack).hasResourceProperties(TYPE, {
      TargetArn: INSTANCE_ARN,
      SourcePhoneNumberArn: SOURCE,
      Description: 'SMS and voice',
      ContactFlowArns: [FLOW_ARN],
      RemovalPolicy: 'destroy',
      PhoneNumber: Match.absent(),
      CountryCode: Match.absent(),
      PhoneNumberType: Match.absent(),
      Prefix: Match.absent(),
    });
    // The attributes are those of any number.
    expect(stack.resolve(n.phoneNumber)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Sms/), 'PhoneNumber'] });
    expect(stack.resolve(n.phoneNumberArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Sms/), 'PhoneNumberArn'] });
    expect(stack.resolve(n.phoneNumberId)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Sms/), 'PhoneNumberId'] });
  });

  test('RETAIN is the default', () => {
    const stack = newStack();
    new ClaimedPhoneNumber(stack, 'Sms', { target, sourcePhoneNumberArn: SOURCE });
    Template.fromStack(stack).hasResourceProperties(TYPE, { RemovalPolicy: 'retain', SourcePhoneNumberArn: SOURCE });
  });

  test('IAM: ImportPhoneNumber on the numbers and the instance, sms-voice:DescribePhoneNumbers on the source number only', () => {
    const stack = newStack();
    new ClaimedPhoneNumber(stack, 'Sms', { target, sourcePhoneNumberArn: SOURCE });
    const statements = handlerStatements(stack);
    const actions = new Set(statements.flatMap(s => [s.Action].flat()));
    expect([...actions].sort()).toEqual([
      ...PHONE_NUMBER_ACTIONS, ...PHONE_NUMBER_FLOW_ACTIONS, ...PHONE_NUMBER_IMPORT_ACTIONS, ...PHONE_NUMBER_IMPORT_SOURCE_ACTIONS,
      // Every number: the group look-up (a rollback may move it back to a group); the provider's group deletion.
      'connect:DescribeTrafficDistributionGroup', 'connect:DeleteTrafficDistributionGroup',
    ].sort());
    const importing = statements.find(s => [s.Action].flat().includes('connect:ImportPhoneNumber'));
    expect(JSON.stringify(importing.Resource)).toContain(INSTANCE_ARN);
    expect(JSON.stringify(importing.Resource)).toContain(`:connect:${REGION}:${ACCOUNT}:phone-number/*`);
    const source = statements.filter(s => [s.Action].flat().some((a: string) => a.startsWith('sms-voice:')));
    expect(source).toEqual([expect.objectContaining({ Action: 'sms-voice:DescribePhoneNumbers', Resource: SOURCE, Effect: 'Allow' })]);
  });

  test('a claimed number gets no import grant', () => {
    const stack = newStack();
    new ClaimedPhoneNumber(stack, 'N', { target, phoneNumber: '+12065550100' });
    const text = JSON.stringify(handlerStatements(stack));
    expect(text).not.toContain('ImportPhoneNumber');
    expect(text).not.toContain('sms-voice');
  });

  describe('validation at synth, naming the property', () => {
    const cases: Array<[string, Partial<ClaimedPhoneNumberProps>, RegExp]> = [
      ['with phoneNumber', { phoneNumber: '+12065550100' }, /sourcePhoneNumberArn cannot be combined with phoneNumber/],
      ['with the search props', { countryCode: 'US', phoneNumberType: PhoneNumberType.DID, prefix: '+1206' },
        /sourcePhoneNumberArn cannot be combined with countryCode, phoneNumberType, prefix/],
      ['with a prefix only', { prefix: '+1206' }, /sourcePhoneNumberArn cannot be combined with prefix/],
      ['not an End User Messaging ARN', { sourcePhoneNumberArn: INSTANCE_ARN }, /sourcePhoneNumberArn must be an AWS End User Messaging phone number ARN/],
      ['a pool, not a number', { sourcePhoneNumberArn: SOURCE.replace('phone-number/', 'pool/') }, /sourcePhoneNumberArn must be an AWS End User Messaging phone number ARN/],
      ['in another Region than the instance', { sourcePhoneNumberArn: SOURCE.replace(REGION, REPLICA_REGION) },
        /sourcePhoneNumberArn must be a number in the instance's Region us-east-1/],
      ['a flow in the replica Region', { contactFlowArns: [REPLICA_FLOW_ARN] }, /contactFlowArns\[0\] must be in the target instance's Region/],
    ];
    test.each(cases)('%s', (_, props, message) => {
      const make = () => new ClaimedPhoneNumber(newStack(), 'N', { target, sourcePhoneNumberArn: SOURCE, ...props });
      expect(make).toThrow(message);
      expect(make).toThrow(/^Stack\/N: /);
    });

    test('a group target is refused: ImportPhoneNumber has no group target', () => {
      const stack = newStack();
      const group = new TrafficDistributionGroup(stack, 'Group', { instanceArn: INSTANCE_ARN });
      expect(() => new ClaimedPhoneNumber(stack, 'N', { target: PhoneNumberTarget.trafficDistributionGroup(group), sourcePhoneNumberArn: SOURCE }))
        .toThrow(/^Stack\/N: sourcePhoneNumberArn needs an instance target \(PhoneNumberTarget.instance\)/);
    });

    test('tokens are accepted at synth and checked by the handler', () => {
      const stack = newStack();
      const source = new CfnParameter(stack, 'Source').valueAsString;
      new ClaimedPhoneNumber(stack, 'N', { target: PhoneNumberTarget.instance(Fn.importValue('Instance')), sourcePhoneNumberArn: source });
      Template.fromStack(stack).hasResourceProperties(TYPE, { SourcePhoneNumberArn: { Ref: 'Source' } });
      // The source's own grant names the parameter: still only that number.
      const sms = handlerStatements(stack).find(s => [s.Action].flat().includes('sms-voice:DescribePhoneNumbers'));
      expect(sms.Resource).toEqual({ Ref: 'Source' });
    });
  });
});

describe('InstanceReplica always sends a ReplicaAlias', () => {
  const INSTANCE_DEFAULT_ALIAS = '11111111222233334444555555555555-uswest2';

  test('unset: the default alias of the instance and Region, valid for the alias pattern and at most 45 characters', () => {
    const stack = newStack();
    new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION });
    Template.fromStack(stack).hasResourceProperties(INSTANCE_REPLICA_RESOURCE_TYPE, { ReplicaAlias: INSTANCE_DEFAULT_ALIAS });
    expect(INSTANCE_DEFAULT_ALIAS).toMatch(/^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/);
    expect(INSTANCE_DEFAULT_ALIAS.length).toBeLessThanOrEqual(45);
  });

  test('stable across synths, and different per instance and per Region', () => {
    const alias = (instanceArn: string, region: string) => {
      const stack = newStack();
      new InstanceReplica(stack, 'Replica', { instanceArn, replicaRegion: region });
      return Template.fromStack(stack).findResources(INSTANCE_REPLICA_RESOURCE_TYPE);
    };
    const first = JSON.stringify(alias(INSTANCE_ARN, REPLICA_REGION));
    expect(JSON.stringify(alias(INSTANCE_ARN, REPLICA_REGION))).toBe(first);
    const other = JSON.stringify(alias(INSTANCE_ARN.replace(INSTANCE_ID, 'aaaaaaaa-2222-3333-4444-555555555555'), REPLICA_REGION));
    expect(other).not.toBe(first);
    expect(other).toContain('"aaaaaaaa222233334444555555555555-uswest2"');
  });

  test('the longest Region of a supported pair (ap-northeast-3) still fits 45 characters', () => {
    const stack = new Stack(new App(), 'Tokyo', { env: { account: ACCOUNT, region: 'ap-northeast-1' } });
    new InstanceReplica(stack, 'Replica', { instanceArn: `arn:aws:connect:ap-northeast-1:${ACCOUNT}:instance/${INSTANCE_ID}`, replicaRegion: 'ap-northeast-3' });
    const alias = Object.values(Template.fromStack(stack).findResources(INSTANCE_REPLICA_RESOURCE_TYPE))[0].Properties.ReplicaAlias;
    expect(alias).toBe('11111111222233334444555555555555-apnortheast3');
    expect(alias.length).toBe(45);
  });

  test('a declared alias is sent as declared', () => {
    const stack = newStack();
    new InstanceReplica(stack, 'Replica', { instanceArn: INSTANCE_ARN, replicaRegion: REPLICA_REGION, replicaAlias: 'support-west' });
    Template.fromStack(stack).hasResourceProperties(INSTANCE_REPLICA_RESOURCE_TYPE, { ReplicaAlias: 'support-west' });
  });

  test('an instance ARN that is a token: the same alias, as a CloudFormation expression', () => {
    const stack = agnosticStack();
    const arn = new CfnParameter(stack, 'Instance').valueAsString;
    new InstanceReplica(stack, 'Replica', { instanceArn: arn, replicaRegion: REPLICA_REGION });
    const alias = Object.values(Template.fromStack(stack).findResources(INSTANCE_REPLICA_RESOURCE_TYPE))[0].Properties.ReplicaAlias;
    // Evaluate the expression as CloudFormation would, for the fixture instance.
    const evaluate = (v: any): any => {
      if (typeof v === 'string') {
        return v;
      }
      if (v.Ref === 'Instance') {
        return INSTANCE_ARN;
      }
      if (v['Fn::Join']) {
        const [sep, parts] = v['Fn::Join'];
        return (Array.isArray(parts) ? parts.map(evaluate) : evaluate(parts)).join(sep);
      }
      if (v['Fn::Split']) {
        return evaluate(v['Fn::Split'][1]).split(v['Fn::Split'][0]);
      }
      if (v['Fn::Select']) {
        return evaluate(v['Fn::Select'][1])[v['Fn::Select'][0]];
      }
      throw new Error(`unexpected ${JSON.stringify(v)}`);
    };
    expect(evaluate(alias)).toBe(INSTANCE_DEFAULT_ALIAS);
  });
});
