/**
 * The local CloudFormation engine itself, with a tiny provider (fixtures/provider) behind the
 * real aws-cdk-lib Provider framework: ordering, waiter, replacement and cleanup, rollbacks,
 * retention, and the custom resource contract checks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnOutput, CustomResource, Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { LocalCloudFormation, ProgressEvent } from '../../local/engine';

const FIXTURE = path.join(__dirname, 'fixtures', 'provider');
const STACK = 'EngineTest';

interface Res {
  readonly id: string;
  readonly props: Record<string, unknown>;
  readonly dependsOn?: string;
  readonly removal?: RemovalPolicy;
  readonly serviceTimeoutSeconds?: number;
}

/** A stack with the Provider framework (waiter: 5 attempts, 1 s apart) and one custom resource per `Res`. */
function stackOf(resources: Res[]): Stack {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'engine-test-')) });
  const stack = new Stack(app, STACK, { env: { account: '123456789012', region: 'eu-west-2' } });
  const fn = (id: string, handler: string) => new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, code: lambda.Code.fromAsset(FIXTURE), handler,
  });
  const provider = new cr.Provider(stack, 'Provider', {
    onEventHandler: fn('OnEvent', 'index.onEvent'),
    isCompleteHandler: fn('IsComplete', 'index.isComplete'),
    queryInterval: Duration.seconds(1),
    totalTimeout: Duration.seconds(5),
  });
  const made = new Map<string, CustomResource>();
  for (const r of resources) {
    const props = { ...r.props };
    if (r.dependsOn !== undefined) {
      props.Value = made.get(r.dependsOn)!.getAttString('Name');
    }
    const res = new CustomResource(stack, r.id, {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::Thing',
      properties: props,
      removalPolicy: r.removal,
      serviceTimeout: r.serviceTimeoutSeconds === undefined ? undefined : Duration.seconds(r.serviceTimeoutSeconds),
    });
    made.set(r.id, res);
    new CfnOutput(stack, `${r.id}Polls`, { value: res.getAttString('Polls') });
  }
  return stack;
}

function engine(progress: ProgressEvent[] = []) {
  return new LocalCloudFormation({
    env: { ENGINE_TEST_MARKER: 'from-options' },
    waiterIntervalScale: 0.01,
    onProgress: p => progress.push(p),
  });
}

const custom = (cfn: LocalCloudFormation) => cfn.events.map(e => `${e.RequestType} ${e.LogicalResourceId}${e.PhysicalResourceId ? ` ${e.PhysicalResourceId}` : ''}`);

describe('LocalCloudFormation', () => {
  test('creates in dependency order through the real framework and waiter, with CloudFormation\'s string scalars', async () => {
    const progress: ProgressEvent[] = [];
    const cfn = engine(progress);
    const out = await cfn.deploy(stackOf([
      { id: 'A', props: { Name: 'a', PollsNeeded: 3, Number: 7 } },
      { id: 'B', props: { Name: 'b' }, dependsOn: 'A' },
    ]));

    expect(out.resources.A).toEqual({ physicalId: 'a-1', data: { Name: 'a', Seen: 'string', Polls: '3', Region: 'eu-west-2', Marker: 'from-options' } });
    expect(out.resources.B.data.Value).toBe('a');
    expect(cfn.events.find(e => e.LogicalResourceId === 'B')!.ResourceProperties.Value).toBe('a');
    expect(out.outputs).toEqual({ APolls: '3', BPolls: '1' });
    const order = progress.filter(p => p.resourceType === 'Custom::Thing').map(p => `${p.logicalId} ${p.status}`);
    expect(order).toEqual(['A IN_PROGRESS', 'A SUCCESS', 'B IN_PROGRESS', 'B SUCCESS']);
    expect(cfn.responses.map(r => [r.logicalId, r.status])).toEqual([['A', 'SUCCESS'], ['B', 'SUCCESS']]);
    expect(cfn.responses.every(r => r.bodyBytes > 0 && r.bodyBytes < 4096)).toBe(true);
  });

  test('independent resources are created concurrently', async () => {
    const progress: ProgressEvent[] = [];
    await engine(progress).deploy(stackOf([
      { id: 'A', props: { Name: 'a', PollsNeeded: 2 } },
      { id: 'B', props: { Name: 'b', PollsNeeded: 2 } },
    ]));
    const statuses = progress.filter(p => p.resourceType === 'Custom::Thing').map(p => p.status);
    expect(statuses.slice(0, 2)).toEqual(['IN_PROGRESS', 'IN_PROGRESS']);
  });

  test('each concurrent invocation runs in a sandbox of its own (its own module instance); a later one reuses a warm sandbox', async () => {
    const cfn = engine();
    // Each onEvent holds its sandbox for 300 ms: A's and B's run at the same time.
    const first = await cfn.deploy(stackOf([
      { id: 'A', props: { Name: 'a', HoldMs: 300 } },
      { id: 'B', props: { Name: 'b', HoldMs: 300 } },
    ]));
    const a = first.resources.A.data.Instance;
    const b = first.resources.B.data.Instance;
    expect(a).toMatch(/^[a-z0-9]+$/);
    expect(b).toMatch(/^[a-z0-9]+$/);
    expect(a).not.toBe(b);
    const stats = cfn.sandboxStats();
    const userOnEvent = Object.keys(stats).filter(name => /OnEvent/.test(name) && !/framework/i.test(name));
    expect(userOnEvent).toHaveLength(1);
    expect(stats[userOnEvent[0]]).toMatchObject({ started: 2, peak: 2, invocations: 2 });

    // One update, after both invocations ended: it runs in one of the two warm sandboxes.
    const second = await cfn.deploy(stackOf([
      { id: 'A', props: { Name: 'a', HoldMs: 1, Value: 'v' } },
      { id: 'B', props: { Name: 'b', HoldMs: 300 } },
    ]));
    expect([a, b]).toContain(second.resources.A.data.Instance);
    expect(cfn.sandboxStats()[userOnEvent[0]]).toMatchObject({ started: 2, peak: 2, invocations: 3 });
  });

  test('update in place keeps the id; a new id is a replacement whose old id is deleted in the cleanup', async () => {
    const cfn = engine();
    await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a' } }, { id: 'B', props: { Name: 'b' } }]));
    const out = await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a', Generation: 2 } }, { id: 'B', props: { Name: 'b', Value: 'v' } }]));

    expect(out.resources.A.physicalId).toBe('a-2');
    expect(out.resources.B.physicalId).toBe('b-1');
    const updateA = cfn.events.find(e => e.RequestType === 'Update' && e.LogicalResourceId === 'A')!;
    expect(updateA.PhysicalResourceId).toBe('a-1');
    expect(updateA.OldResourceProperties).toMatchObject({ Name: 'a' });
    expect(updateA.OldResourceProperties!.Generation).toBeUndefined();
    // The cleanup Delete of the old id comes last, with the old properties.
    expect(custom(cfn).at(-1)).toBe('Delete A a-1');
    expect(cfn.events.at(-1)!.ResourceProperties.Generation).toBeUndefined();
  });

  test('a failed delete in the cleanup leaves the old resource and still completes the update', async () => {
    const cfn = engine();
    await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a', FailDelete: 'true' } }]));
    const out = await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a', Generation: 2 } }]));
    expect(out.resources.A.physicalId).toBe('a-2');
    expect(out.cleanupFailures).toEqual([{ logicalId: 'A', physicalId: 'a-1', reason: expect.stringMatching(/cannot delete a-1/) }]);
  });

  test('a failed create rolls back what was created and throws the reason', async () => {
    const cfn = engine();
    await expect(cfn.deploy(stackOf([
      { id: 'A', props: { Name: 'a' } },
      { id: 'B', props: { Name: 'b', FailOn: 'Create' }, dependsOn: 'A' },
    ]))).rejects.toThrow(/B \(Custom::Thing\) CREATE_FAILED: .*refusing to Create B/);
    // B failed in onEvent (the framework answers the rollback Delete of its marker itself); A is deleted.
    expect(custom(cfn)).toEqual(['Create A', 'Create B', 'Delete B AWSCDK::CustomResourceProviderFramework::CREATE_FAILED', 'Delete A a-1']);
    await expect(cfn.destroy(STACK)).rejects.toThrow(/does not exist/);
  });

  test('a failure in isComplete rolls back with a Delete of the resource it created', async () => {
    const cfn = engine();
    await expect(cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a', FailInIsComplete: 'Create' } }])))
      .rejects.toThrow(/status CREATION_FAILED for a-1/);
    expect(custom(cfn)).toEqual(['Create A', 'Delete A a-1']);
  });

  test('a failed update is rolled back with an Update to the old properties', async () => {
    const cfn = engine();
    await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a' } }]));
    await expect(cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a', FailOn: 'Update' } }]))).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE.*refusing to Update A/);
    const rollback = cfn.events.at(-1)!;
    expect(rollback.RequestType).toBe('Update');
    expect(rollback.ResourceProperties.FailOn).toBeUndefined();
    expect(rollback.OldResourceProperties!.FailOn).toBe('Update');
    // The stack is back on the old template: destroying it deletes a-1.
    await cfn.destroy(STACK);
    expect(custom(cfn).at(-1)).toBe('Delete A a-1');
  });

  test('a failed update rolls back a replacement by deleting the new resource; the old one stays', async () => {
    const cfn = engine();
    await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a' } }, { id: 'B', props: { Name: 'b' } }]));
    await expect(cfn.deploy(stackOf([
      { id: 'A', props: { Name: 'a', Generation: 2 } },
      { id: 'B', props: { Name: 'b', FailOn: 'Update' }, dependsOn: 'A' },
    ]))).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE/);
    expect(custom(cfn).slice(2)).toEqual(['Update A a-1', 'Update B b-1', 'Update B b-1', 'Delete A a-2']);
    await cfn.destroy(STACK);
    expect(custom(cfn).slice(-2).sort()).toEqual(['Delete A a-1', 'Delete B b-1']);
  });

  test('a failed update whose FAILED response named the old id is rolled back at the old id, with no cleanup', async () => {
    const cfn = engine();
    await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a' } }]));
    await expect(cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a', Generation: 2, FailOn: 'Update' } }]))).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE/);
    const failed = cfn.responses.find(r => r.status === 'FAILED')!;
    expect(failed.physicalId).toBe('a-1');
    expect(custom(cfn).slice(1)).toEqual(['Update A a-1', 'Update A a-1']);
    await cfn.destroy(STACK);
    expect(custom(cfn).at(-1)).toBe('Delete A a-1');
  });

  test('a replacement that failed in isComplete is rolled back at the new id the FAILED response named; the id it answers with stays, the new one is deleted', async () => {
    const cfn = engine();
    await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a' } }]));
    await expect(cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a', Generation: 2, FailInIsComplete: 'Update' } }])))
      .rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE after .*status CREATION_FAILED for a-2/);
    const failed = cfn.responses.find(r => r.status === 'FAILED')!;
    expect(failed.physicalId).toBe('a-2');
    expect(custom(cfn).slice(1)).toEqual(['Update A a-1', 'Update A a-2', 'Delete A a-2']);
    const rollback = cfn.events.at(-2)!;
    expect(rollback.ResourceProperties.Generation).toBeUndefined();
    expect(rollback.OldResourceProperties!.Generation).toBe('2');
    // The stack is back on the old resource: destroying it deletes a-1.
    await cfn.destroy(STACK);
    expect(custom(cfn).at(-1)).toBe('Delete A a-1');
  });

  test('a resource removed from the template is deleted in the cleanup; Retain keeps it', async () => {
    const cfn = engine();
    await cfn.deploy(stackOf([
      { id: 'A', props: { Name: 'a' } },
      { id: 'Gone', props: { Name: 'g' } },
      { id: 'Kept', props: { Name: 'k' }, removal: RemovalPolicy.RETAIN },
    ]));
    const out = await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a' } }]));
    expect(Object.keys(out.resources).filter(id => !id.startsWith('Provider') && !id.startsWith('OnEvent') && !id.startsWith('IsComplete')))
      .toEqual(['A']);
    expect(custom(cfn).slice(3)).toEqual(['Delete Gone g-1']);
  });

  test('a GetAtt of a key the provider did not return fails the resource that needs it', async () => {
    const cfn = engine();
    const stack = stackOf([{ id: 'A', props: { Name: 'a' } }]);
    new CustomResource(stack, 'Needs', {
      serviceToken: (stack.node.findChild('Provider') as cr.Provider).serviceToken,
      resourceType: 'Custom::Thing',
      properties: { Name: (stack.node.findChild('A') as CustomResource).getAttString('Nope') },
    });
    await expect(cfn.deploy(stack)).rejects.toThrow(/Needs \(Custom::Thing\) CREATE_FAILED: Vendor response doesn't contain Nope key/);
  });

  test('a waiter that never completes ends with the framework\'s timeout, through the Catch and the Lambda error envelope', async () => {
    const cfn = engine();
    await expect(cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a', NeverComplete: 'true' } }]))).rejects.toThrow(/Operation timed out/);
    expect(cfn.responses[0]).toMatchObject({ logicalId: 'A', status: 'FAILED', reason: 'Operation timed out', physicalId: 'a-1' });
  });

  test('a response of 4096 bytes or more fails the resource and is reported as a contract violation', async () => {
    const cfn = engine();
    await expect(cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a', BigData: 'true' } }]))).rejects.toThrow(/Response object is too long/);
    expect(cfn.violations.join()).toMatch(/response body of \d+ bytes/);
  });

  test('a resource that never answers fails at its (scaled) ServiceTimeout', async () => {
    const cfn = engine();
    const stack = stackOf([{ id: 'A', props: { Name: 'a', Hang: 'true' }, serviceTimeoutSeconds: 100 }]);
    Stage.of(stack)!.synth();
    const started = Date.now();
    await expect(cfn.deploy(stack))
      .rejects.toThrow(/did not receive a response from your Custom Resource within the ServiceTimeout of 100 seconds/);
    // 100 s scaled by 0.01: about a second, nowhere near the real 100 s.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a duplicated delivery is recorded twice and must end the same way', async () => {
    const cfn = engine();
    cfn.duplicateNextEvent();
    const out = await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a' } }]));
    expect(out.resources.A.physicalId).toBe('a-1');
    expect(custom(cfn)).toEqual(['Create A', 'Create A']);
    expect(cfn.responses.map(r => `${r.status} ${r.physicalId}`)).toEqual(['SUCCESS a-1', 'SUCCESS a-1']);
  });

  test('destroy deletes in reverse dependency order and honours DeletionPolicy Retain', async () => {
    const cfn = engine();
    await cfn.deploy(stackOf([
      { id: 'A', props: { Name: 'a' } },
      { id: 'B', props: { Name: 'b' }, dependsOn: 'A' },
      { id: 'Kept', props: { Name: 'k' }, removal: RemovalPolicy.RETAIN },
    ]));
    await cfn.destroy(STACK);
    expect(custom(cfn).filter(e => e.startsWith('Delete'))).toEqual(['Delete B b-1', 'Delete A a-1']);
  });

  test('a failed delete keeps the resource in the stack', async () => {
    const cfn = engine();
    await cfn.deploy(stackOf([{ id: 'A', props: { Name: 'a', FailDelete: 'true' } }]));
    await expect(cfn.destroy(STACK)).rejects.toThrow(/DELETE_FAILED.*cannot delete a-1/);
    await expect(cfn.destroy(STACK)).rejects.toThrow(/cannot delete a-1/);
  });
});
