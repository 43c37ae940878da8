/**
 * The engine enforces IAM: every Connect call a handler makes is evaluated against the handler
 * role's deployed policy, and a call outside the grants is refused with AccessDeniedException
 * (HTTP 403), as Connect refuses it. Here a grant is removed by hand from the synthesized template.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import { SEED } from '../../local/emulator';
import { ClaimedPhoneNumber, PhoneNumberTarget } from '../../src';
import { PROVIDER_CONSTRUCT_ID } from '../../src/shared/names';
import { startWorld, World } from '../e2e/harness';

/** Removes `action` from every statement of the handler role's policy (deleting a statement left empty). */
function revoke(stack: Stack, action: string): void {
  const policy = stack.node.findChild(PROVIDER_CONSTRUCT_ID).node.findChild('HandlerRole').node.findChild('DefaultPolicy')
    .node.defaultChild as CfnResource;
  const doc = stack.resolve((policy as any).policyDocument) as { Statement: Array<{ Action: string | string[] }> };
  const statements = doc.Statement
    .map(s => ({ ...s, Action: [s.Action].flat().filter(a => a !== action) }))
    .filter(s => s.Action.length > 0);
  expect(statements.flatMap(s => s.Action)).not.toContain(action);
  policy.addPropertyOverride('PolicyDocument', { ...doc, Statement: statements });
}

let world: World;
beforeEach(async () => {
  world = await startWorld({ rateLimit: false });
});
afterEach(async () => {
  await world.close();
});

test('with every grant, the number is claimed (the same stack, the control case)', async () => {
  await world.deploy(s => {
    new ClaimedPhoneNumber(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: '+12065550100' });
  });
  expect(world.emulator.claimedNumbers().map(n => n.phoneNumber)).toEqual(['+12065550100']);
  expect(world.emulator.calls.filter(c => c.status === 403)).toEqual([]);
});

test('a call outside the grants (ClaimPhoneNumber removed from the template) fails with AccessDeniedException', async () => {
  await expect(world.deploy(s => {
    new ClaimedPhoneNumber(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: '+12065550100' });
    revoke(s, 'connect:ClaimPhoneNumber');
  })).rejects.toThrow(/AccessDeniedException.*is not authorized to perform: connect:ClaimPhoneNumber on resource: arn:aws:connect:us-east-1:111122223333:instance\/11111111-2222-3333-4444-555555555555 because no identity-based policy allows/s);
  const denied = world.emulator.calls.filter(c => c.status === 403);
  expect(denied.map(c => [c.operation, c.errorType])).toEqual([['ClaimPhoneNumber', 'AccessDeniedException']]);
  expect(world.emulator.claimedNumbers()).toEqual([]);
});

test('a grant in the wrong Region is refused too: the resource\'s Region is matched', async () => {
  await expect(world.deploy(s => {
    new ClaimedPhoneNumber(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: '+12065550100' });
    const policy = s.node.findChild(PROVIDER_CONSTRUCT_ID).node.findChild('HandlerRole').node.findChild('DefaultPolicy').node.defaultChild as CfnResource;
    const doc = JSON.parse(JSON.stringify(s.resolve((policy as any).policyDocument)).replace(/\{"Ref":"AWS::Region"\}/g, '"eu-west-2"').replace(/us-east-1/g, 'eu-west-2'));
    policy.addPropertyOverride('PolicyDocument', doc);
  })).rejects.toThrow(/AccessDeniedException.*connect:(DescribePhoneNumber|ListPhoneNumbersV2|ClaimPhoneNumber|SearchAvailablePhoneNumbers) on resource: arn:aws:connect:us-east-1:/s);
  expect(world.emulator.calls.filter(c => c.status === 403).length).toBeGreaterThan(0);
});
