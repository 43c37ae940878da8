/**
 * The constructs called from plain JavaScript, where no compiler checks the props (as from any
 * jsii language at run time): a wrong type or a missing required prop fails with the library's
 * message naming the construct and the prop, never a TypeError from inside the library.
 */
const { App, RemovalPolicy, Stack } = require('aws-cdk-lib');
const {
  ClaimedPhoneNumber, InstanceReplica, PhoneNumberTarget, TrafficDistribution, TrafficDistributionGroup, TrafficDistributionGroupUsers,
} = require('../../src');

const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555';
const stack = () => new Stack(new App(), 'Js', { env: { account: '111122223333', region: 'us-east-1' } });

/** The error `fn` throws: a plain Error (not a TypeError). */
function errorOf(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('ClaimedPhoneNumber', () => {
  test.each([
    ['target as a string (an instance ARN)', { target: INSTANCE_ARN, phoneNumber: '+12065550100' },
      /^Js\/N: target must be a PhoneNumberTarget: PhoneNumberTarget.instance\(instanceArn\) or PhoneNumberTarget.trafficDistributionGroup\(group\); got the string 'arn:aws:connect:us-east-1:111122223333:i...'$/],
    ['no target', { phoneNumber: '+12065550100' }, /^Js\/N: target must be given \(a PhoneNumberTarget: .*\); it is missing from the props of ClaimedPhoneNumber$/],
    ['a search without countryCode', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumberType: 'DID' },
      /^Js\/N: countryCode must be given to search for a number \(countryCode and phoneNumberType together\), or give phoneNumber/],
    ['a search without phoneNumberType', { target: PhoneNumberTarget.instance(INSTANCE_ARN), countryCode: 'US' },
      /^Js\/N: phoneNumberType must be given to search for a number/],
    ['phoneNumber as a number', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: 12065550100 },
      /^Js\/N: phoneNumber must be a string, the E.164 number such as \+12065550100; got the number 12065550100$/],
    ['contactFlowArns as one string', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550100', contactFlowArns: `${INSTANCE_ARN}/contact-flow/f` },
      /^Js\/N: contactFlowArns must be an array of contact flow ARNs; got the string/],
    ['removalPolicy as a boolean', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550100', removalPolicy: true },
      /^Js\/N: removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY; got a boolean true$/],
    ['removalPolicy SNAPSHOT', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550100', removalPolicy: RemovalPolicy.SNAPSHOT },
      /^Js\/N: removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY; got snapshot$/],
  ])('%s', (_what, props, message) => {
    const e = errorOf(() => new ClaimedPhoneNumber(stack(), 'N', props));
    expect(e.constructor).toBe(Error);
    expect(e.message).toMatch(message);
  });

  test('no props at all', () => {
    expect(errorOf(() => new ClaimedPhoneNumber(stack(), 'N')).message).toBe('Js/N: ClaimedPhoneNumber needs props with target; got none');
  });
});

describe('the other constructs', () => {
  test.each([
    ['TrafficDistributionGroup without instanceArn', s => new TrafficDistributionGroup(s, 'X', {}),
      /^Js\/X: instanceArn must be given \(a string, the ARN of the replicated instance\); it is missing from the props of TrafficDistributionGroup$/],
    ['TrafficDistributionGroup with a split as an array', s => new TrafficDistributionGroup(s, 'X', { instanceArn: INSTANCE_ARN, telephonyDistribution: [70, 30] }),
      /^Js\/X: telephonyDistribution must be a map of Region to percentage, such as \{ 'us-east-1': 70, 'us-west-2': 30 \}; got an array$/],
    ['TrafficDistributionGroup with percentages as strings', s => new TrafficDistributionGroup(s, 'X', { instanceArn: INSTANCE_ARN, telephonyDistribution: { 'us-east-1': '70', 'us-west-2': '30' } }),
      /^Js\/X: telephonyDistribution must be a map of Region to percentage/],
    ['InstanceReplica without replicaRegion', s => new InstanceReplica(s, 'X', { instanceArn: INSTANCE_ARN }),
      /^Js\/X: replicaRegion must be given \(a string, the Region of the replica such as us-west-2\)/],
    ['TrafficDistribution with a group ARN string', s => new TrafficDistribution(s, 'X', { trafficDistributionGroup: 'arn:aws:connect:us-east-1:111122223333:traffic-distribution-group/x', telephonyDistribution: {} }),
      /^Js\/X: trafficDistributionGroup must be a traffic distribution group \(a TrafficDistributionGroup, .*\); got the string/],
    ['TrafficDistribution with sign-in as strings', s => new TrafficDistribution(s, 'X', {
      trafficDistributionGroup: new TrafficDistributionGroup(s, 'G', { instanceArn: INSTANCE_ARN }), signInDistribution: { 'us-east-1': 'yes' },
    }), /^Js\/X: signInDistribution must be a map of Region to true or false/],
    ['TrafficDistributionGroupUsers without userIds', s => new TrafficDistributionGroupUsers(s, 'X', {
      trafficDistributionGroup: new TrafficDistributionGroup(s, 'G', { instanceArn: INSTANCE_ARN }),
    }), /^Js\/X: userIds must be given \(an array of user ids or ARNs\)/],
  ])('%s', (_what, build, message) => {
    const e = errorOf(() => build(stack()));
    expect(e.constructor).toBe(Error);
    expect(e.message).toMatch(message);
  });

  test('the cross-construct rules hold from JavaScript too: a number declared twice', () => {
    const s = stack();
    new ClaimedPhoneNumber(s, 'A', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550100' });
    new ClaimedPhoneNumber(s, 'B', { target: PhoneNumberTarget.instance(INSTANCE_ARN), phoneNumber: '+12065550100' });
    expect(errorOf(() => s.node.root.synth()).message).toMatch(/\[Js\/A\] phoneNumber \+12065550100 is also declared by Js\/B \(phoneNumber\)/);
  });
});
