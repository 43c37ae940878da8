/** The IAM matcher the engine evaluates the handlers' Connect calls with (local/engine/iam.ts). */
import { accessKeyOf, resourcesOf } from '../../local/emulator';
import { actionMatches, evaluate, resourceMatches } from '../../local/engine/iam';

const NUMBER = 'arn:aws:connect:us-east-1:111122223333:phone-number/0a1b';

test('actions: case-insensitive, with * and ?', () => {
  expect(actionMatches('connect:ClaimPhoneNumber', 'connect:claimphonenumber')).toBe(true);
  expect(actionMatches('Connect:Claim*', 'connect:ClaimPhoneNumber')).toBe(true);
  expect(actionMatches('connect:*PhoneNumber', 'connect:ReleasePhoneNumber')).toBe(true);
  expect(actionMatches('connect:?laimPhoneNumber', 'connect:ClaimPhoneNumber')).toBe(true);
  expect(actionMatches('connect:?PhoneNumber', 'connect:ClaimPhoneNumber')).toBe(false);
  expect(actionMatches('connect:ClaimPhoneNumber', 'connect:ClaimPhoneNumbers')).toBe(false);
  expect(actionMatches('sms-voice:*', 'connect:ClaimPhoneNumber')).toBe(false);
});

test('resources: segment by segment, case-sensitive, a wildcard never spans the Region or the account', () => {
  expect(resourceMatches('*', NUMBER)).toBe(true);
  expect(resourceMatches('arn:aws:connect:us-east-1:111122223333:phone-number/*', NUMBER)).toBe(true);
  expect(resourceMatches('arn:aws:connect:*:111122223333:phone-number/*', NUMBER)).toBe(true);
  expect(resourceMatches('arn:aws:connect:us-east-?:111122223333:phone-number/0a1?', NUMBER)).toBe(true);
  expect(resourceMatches('arn:aws:connect:us-west-2:111122223333:phone-number/*', NUMBER)).toBe(false);
  expect(resourceMatches('arn:aws:connect:us-east-1:444455556666:phone-number/*', NUMBER)).toBe(false);
  expect(resourceMatches('arn:aws:connect:us-east-1:111122223333:Phone-Number/*', NUMBER)).toBe(false);
  // `*` in the Region segment does not swallow the account.
  expect(resourceMatches('arn:aws:connect:*:phone-number/*', NUMBER)).toBe(false);
  // The resource part keeps its own colons and slashes: `*` spans them.
  expect(resourceMatches('arn:aws:connect:us-east-1:111122223333:instance/*',
    'arn:aws:connect:us-east-1:111122223333:instance/i-1/contact-flow/f-1')).toBe(true);
  expect(resourceMatches('arn:aws:connect:us-east-1:111122223333:instance/i-1',
    'arn:aws:connect:us-east-1:111122223333:instance/i-1/contact-flow/f-1')).toBe(false);
});

test('evaluation: every resource must be allowed; an explicit deny wins; an Allow with a Condition grants nothing', () => {
  const allowNumbers = { Effect: 'Allow', Action: ['connect:ClaimPhoneNumber'], Resource: 'arn:aws:connect:us-east-1:111122223333:phone-number/*' };
  const allowInstance = { Effect: 'Allow', Action: 'connect:Claim*', Resource: ['arn:aws:connect:us-east-1:111122223333:instance/i-1'] };
  const both = [NUMBER.replace(/0a1b$/, '*'), 'arn:aws:connect:us-east-1:111122223333:instance/i-1'];
  expect(evaluate([allowNumbers, allowInstance], 'connect:ClaimPhoneNumber', both)).toEqual({ allowed: true });
  expect(evaluate([allowNumbers], 'connect:ClaimPhoneNumber', both)).toEqual({ allowed: false, resource: both[1], reason: 'no allow' });
  expect(evaluate([allowNumbers, allowInstance, { Effect: 'Deny', Action: '*', Resource: '*' }], 'connect:ClaimPhoneNumber', both))
    .toEqual({ allowed: false, resource: both[0], reason: 'explicit deny' });
  expect(evaluate([{ ...allowNumbers, Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } }], 'connect:ClaimPhoneNumber', [both[0]]).allowed).toBe(false);
  expect(evaluate([{ Effect: 'Allow', NotAction: 'connect:ReleasePhoneNumber', Resource: '*' }], 'connect:ReleasePhoneNumber', [NUMBER]).allowed).toBe(false);
  expect(evaluate([{ Effect: 'Allow', NotAction: 'connect:ReleasePhoneNumber', Resource: '*' }], 'connect:ClaimPhoneNumber', [NUMBER]).allowed).toBe(true);
  expect(evaluate([{ Effect: 'Allow', Action: '*', NotResource: NUMBER }], 'connect:ReleasePhoneNumber', [NUMBER]).allowed).toBe(false);
  expect(evaluate([], 'connect:DescribePhoneNumber', [NUMBER]).allowed).toBe(false);
});

test('the resources each call is authorized against, from its parameters, in the calling Region', () => {
  const req = (labels: Record<string, string>, body: Record<string, unknown> = {}, query = '') =>
    ({ region: 'us-west-2', labels, body, query: new URLSearchParams(query) });
  expect(resourcesOf('ClaimPhoneNumber', req({}, { TargetArn: 'arn:aws:connect:us-east-1:111122223333:traffic-distribution-group/g' })))
    .toEqual(['arn:aws:connect:us-east-1:111122223333:traffic-distribution-group/g', 'arn:aws:connect:us-west-2:111122223333:phone-number/*']);
  expect(resourcesOf('AssociatePhoneNumberContactFlow', req({ PhoneNumberId: NUMBER }, { InstanceId: 'i-1', ContactFlowId: 'f-1' })))
    .toEqual([NUMBER, 'arn:aws:connect:us-west-2:111122223333:instance/i-1/contact-flow/f-1']);
  expect(resourcesOf('DisassociateTrafficDistributionGroupUser', req({ TrafficDistributionGroupId: 'g' }, {}, 'UserId=u-1&InstanceId=i-1')))
    .toEqual(['arn:aws:connect:us-west-2:111122223333:traffic-distribution-group/g', 'arn:aws:connect:us-west-2:111122223333:instance/i-1',
      'arn:aws:connect:us-west-2:111122223333:instance/i-1/agent/u-1']);
  expect(resourcesOf('DescribePhoneNumber', req({ PhoneNumberId: 'n-1' }))).toEqual(['arn:aws:connect:us-west-2:111122223333:phone-number/n-1']);
  expect(accessKeyOf('AWS4-HMAC-SHA256 Credential=ASIAKEY/20260101/us-east-1/connect/aws4_request, SignedHeaders=host')).toBe('ASIAKEY');
  expect(accessKeyOf(undefined)).toBeUndefined();
});
