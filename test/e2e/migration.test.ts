/**
 * README "Moving from the CloudFormation resources", tried end to end: a stack with
 * CloudFormation's own AWS::Connect::PhoneNumber (CfnPhoneNumber, run by the local engine against
 * the emulator) moves to ClaimedPhoneNumber without releasing its number: retain the L1 first,
 * then replace it with the construct, adopting the number by `phoneNumber` (or, for a number
 * imported from End User Messaging, by `sourcePhoneNumberArn`).
 */
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnPhoneNumber } from 'aws-cdk-lib/aws-connect';
import { SEED, served, startWorld, World } from './harness';
import { SOURCE_NUMBERS } from '../../local/emulator';
import { ClaimedPhoneNumber, PhoneNumberTarget } from '../../src';

const ok = (world: World, operation: string) => served(world.emulator, operation).filter(c => c.status === 200).length;

describe('moving from CfnPhoneNumber to ClaimedPhoneNumber', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ replicated: false });
  });
  afterEach(async () => {
    await world.close();
  });

  function l1(stack: Stack, retain: boolean, props: Partial<{ sourcePhoneNumberArn: string }> = {}): void {
    const cfn = new CfnPhoneNumber(stack, 'Legacy', props.sourcePhoneNumberArn !== undefined
      ? { targetArn: SEED.instanceArn, sourcePhoneNumberArn: props.sourcePhoneNumberArn, description: 'legacy line' }
      : { targetArn: SEED.instanceArn, countryCode: 'US', type: 'DID', prefix: '+1312', description: 'legacy line' });
    if (retain) {
      cfn.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }
    new CfnOutput(stack, 'Number', { value: cfn.attrAddress });
    new CfnOutput(stack, 'Arn', { value: cfn.ref });
  }

  test('a claimed number keeps its E.164 address and ARN: claimed once, never released', async () => {
    // 1. The stack as it is: CloudFormation's resource searched and claimed a number.
    const before = await world.deploy(s => l1(s, false));
    const address = before.outputs.Number;
    expect(address).toMatch(/^\+1312\d{7}$/);
    expect(world.emulator.claimedNumbers()).toEqual([expect.objectContaining({ phoneNumber: address, arn: before.outputs.Arn, status: 'CLAIMED' })]);

    // 2. Retain the L1 (DeletionPolicy and UpdateReplacePolicy Retain): a deploy with nothing else changed.
    await world.deploy(s => l1(s, true));
    expect(ok(world, 'ReleasePhoneNumber')).toBe(0);

    // 3. Replace it with the construct, adopting the number by its address.
    const after = await world.deploy(s => {
      const n = new ClaimedPhoneNumber(s, 'Main', {
        target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: address, description: 'legacy line',
      });
      new CfnOutput(s, 'Number', { value: n.phoneNumber });
      new CfnOutput(s, 'Arn', { value: n.phoneNumberArn });
    });
    expect(after.outputs.Number).toBe(address);
    expect(after.outputs.Arn).toBe(before.outputs.Arn);

    // The construct's own deletion keeps it too (RETAIN by default).
    await world.destroy();
    expect(world.emulator.claimedNumbers()).toEqual([expect.objectContaining({ phoneNumber: address, arn: before.outputs.Arn, status: 'CLAIMED' })]);
    expect(ok(world, 'ClaimPhoneNumber')).toBe(1);
    expect(ok(world, 'ReleasePhoneNumber')).toBe(0);
  });

  test('without the retain step the L1\'s removal releases the number (what the guide warns about)', async () => {
    const before = await world.deploy(s => l1(s, false));
    await world.deploy(s => {
      new ClaimedPhoneNumber(s, 'Main', { target: PhoneNumberTarget.instance(SEED.instanceArn), phoneNumber: before.outputs.Number });
    });
    // The adoption ran first (the new resource is created before the old one is deleted), then the
    // cleanup released the number under it: CloudFormation's resource never retains.
    expect(ok(world, 'ReleasePhoneNumber')).toBe(1);
  });

  test('an imported number moves by sourcePhoneNumberArn: taken back, imported once, never released', async () => {
    const [sms] = SOURCE_NUMBERS;
    const before = await world.deploy(s => l1(s, false, { sourcePhoneNumberArn: sms.arn }));
    expect(before.outputs.Number).toBe(sms.phoneNumber);
    await world.deploy(s => l1(s, true, { sourcePhoneNumberArn: sms.arn }));
    const after = await world.deploy(s => {
      const n = new ClaimedPhoneNumber(s, 'Sms', { target: PhoneNumberTarget.instance(SEED.instanceArn), sourcePhoneNumberArn: sms.arn });
      new CfnOutput(s, 'Number', { value: n.phoneNumber });
      new CfnOutput(s, 'Arn', { value: n.phoneNumberArn });
    });
    expect(after.outputs).toEqual(expect.objectContaining({ Number: sms.phoneNumber, Arn: before.outputs.Arn }));
    await world.destroy();
    expect(world.emulator.claimedNumbers()).toEqual([expect.objectContaining({ arn: before.outputs.Arn, sourcePhoneNumberArn: sms.arn })]);
    expect(ok(world, 'ImportPhoneNumber')).toBe(1);
    expect(ok(world, 'ReleasePhoneNumber')).toBe(0);
  });
});
