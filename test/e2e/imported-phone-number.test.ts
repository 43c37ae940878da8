/**
 * A number imported from AWS End User Messaging, end to end: the real construct, the provider
 * framework and the bundled handlers on the local engine, against the emulator's
 * ImportPhoneNumber and its End User Messaging catalogue.
 */
import { CfnOutput, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import { SEED, served, startWorld, World } from './harness';
import { SOURCE_NUMBERS } from '../../local/emulator';
import { ClaimedPhoneNumber, ClaimedPhoneNumberProps, PhoneNumberTarget } from '../../src';

const [SMS, SMS2] = SOURCE_NUMBERS;
const FLOW = SEED.flowArn(SEED.sourceRegion);
const FLOW2 = SEED.flowArn(SEED.sourceRegion, SEED.flowIds[1]);
const target = PhoneNumberTarget.instance(SEED.instanceArn);

function imported(stack: Stack, props: Partial<ClaimedPhoneNumberProps> = {}): void {
  const n = new ClaimedPhoneNumber(stack, 'Sms', { target, sourcePhoneNumberArn: SMS.arn, ...props });
  new CfnOutput(stack, 'Number', { value: n.phoneNumber });
  new CfnOutput(stack, 'Arn', { value: n.phoneNumberArn });
  new CfnOutput(stack, 'Id', { value: n.phoneNumberId });
}

describe('imported numbers end to end', () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ replicated: false });
  });
  afterEach(async () => {
    await world.close();
  });

  const held = () => world.emulator.claimedNumbers();
  const imports = () => served(world.emulator, 'ImportPhoneNumber').filter(c => c.status === 200).length;

  test('create, update in place (description, tags, flow), destroy with RETAIN: one import, the number kept', async () => {
    const created = await world.deploy(s => imported(s, { description: 'SMS and voice', contactFlowArns: [FLOW] }));
    expect(created.outputs.Number).toBe(SMS.phoneNumber);
    expect(created.outputs.Arn).toBe(held()[0].arn);
    expect(created.outputs.Id).toBe(held()[0].id);
    expect(held()).toEqual([expect.objectContaining({
      status: 'CLAIMED',
      targetArn: SEED.instanceArn,
      description: 'SMS and voice',
      sourcePhoneNumberArn: SMS.arn,
      flows: { [SEED.sourceRegion]: FLOW },
    })]);

    const updated = await world.deploy(s => {
      imported(s, { description: 'SMS, voice and chat', contactFlowArns: [FLOW2] });
      Tags.of(s).add('team', 'care');
    });
    expect(updated.outputs.Arn).toBe(created.outputs.Arn);
    expect(held()).toEqual([expect.objectContaining({
      arn: created.outputs.Arn, description: 'SMS, voice and chat', flows: { [SEED.sourceRegion]: FLOW2 },
    })]);
    // The user's tag, and the record of the request whose waiter linked the new flow (lambda/lib/current-request.ts).
    const tags = held()[0].tags;
    expect(tags.team).toBe('care');
    expect(Object.keys(tags).filter(k => k !== 'team')).toEqual([expect.stringMatching(/^connect-global-resiliency:request:/)]);

    await world.destroy();
    expect(held()).toEqual([expect.objectContaining({ arn: created.outputs.Arn, status: 'CLAIMED' })]);
    expect(imports()).toBe(1);
    expect(served(world.emulator, 'ReleasePhoneNumber')).toEqual([]);
  });

  test('a number kept by an earlier stack is taken back by the next one, not imported twice', async () => {
    const first = await world.deploy(s => imported(s));
    await world.destroy();
    const second = await world.deploy(s => imported(s, { description: 'back' }));
    expect(second.outputs.Arn).toBe(first.outputs.Arn);
    expect(imports()).toBe(1);
    expect(held()).toEqual([expect.objectContaining({ arn: first.outputs.Arn, description: 'back', status: 'CLAIMED' })]);
  });

  test('a new source replaces the number; DESTROY releases the old one', async () => {
    const first = await world.deploy(s => imported(s, { removalPolicy: RemovalPolicy.DESTROY }));
    const second = await world.deploy(s => imported(s, { sourcePhoneNumberArn: SMS2.arn, removalPolicy: RemovalPolicy.DESTROY }));
    expect(second.outputs.Arn).not.toBe(first.outputs.Arn);
    expect(second.outputs.Number).toBe(SMS2.phoneNumber);
    expect(held()).toEqual([expect.objectContaining({ arn: second.outputs.Arn, sourcePhoneNumberArn: SMS2.arn })]);
    await world.destroy();
    expect(held()).toEqual([]);
    expect(imports()).toBe(2);
  });

  test('a delivered-twice Create imports one number: both deliveries answer it (the same ClientToken, or found by its source)', async () => {
    world.engine.duplicateNextEvent();
    await world.deploy(s => imported(s));
    const creates = world.engine.responses.filter(r => r.logicalId.startsWith('Sms') && r.requestType === 'Create');
    expect(creates).toHaveLength(2);
    expect(new Set(creates.map(r => r.physicalId))).toEqual(new Set([held()[0].arn]));
    expect(held()).toHaveLength(1);
  });

  test('an import that ends FAILED fails the deploy with the service message; the rollback leaves nothing claimed', async () => {
    world.emulator.failNextImport('The phone number is not registered for voice');
    await expect(world.deploy(s => imported(s))).rejects.toThrow(/Sms.*The phone number is not registered for voice/);
    expect(held().filter(n => n.status !== 'FAILED')).toEqual([]);
  });

  test('a source that does not exist fails the deploy naming the property\'s value and what to check', async () => {
    const missing = SMS.arn.replace(/.$/, '0');
    await expect(world.deploy(s => imported(s, { sourcePhoneNumberArn: missing })))
      .rejects.toThrow(new RegExp(`imported from ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\): ImportPhoneNumber failed.*End User Messaging`));
    expect(held()).toEqual([]);
  });
});
