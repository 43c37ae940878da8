/**
 * IAM exactness: the Connect actions the handler role is granted are exactly the ones the handlers
 * call over a lifecycle that reaches every code path with an API call of its own (every resource
 * type created, updated in place, replaced and deleted, a number adopted, a number imported from
 * End User Messaging and replaced by another), as the emulator recorded them; and every call is
 * covered by a statement scoped to its Region and account. Outside Connect, the one grant is what
 * ImportPhoneNumber needs on its source number (sms-voice:DescribePhoneNumbers, as CloudFormation's
 * own AWS::Connect::PhoneNumber declares it), on exactly the source numbers of the stack.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ConnectEmulator, SEED, SOURCE_NUMBERS } from '../../local/emulator';
import { LocalWorld, startLocalWorld } from '../../local/world';
import { PROVIDER_CONSTRUCT_ID } from '../../src/shared/names';
import { lifecycleStack, STEPS } from '../upgrade/lifecycle';


interface Statement { Action: string | string[]; Resource: string | string[]; Effect: string }

const statementsOf = new Map<Stack, Statement[]>();

/** The handler role's statements, resolved to plain strings (the partition stays a placeholder); read once, before the assemblies are removed. */
function handlerStatements(stack: Stack): Statement[] {
  const known = statementsOf.get(stack);
  if (known !== undefined) {
    return known;
  }
  const statements = readHandlerStatements(stack);
  statementsOf.set(stack, statements);
  return statements;
}

function readHandlerStatements(stack: Stack): Statement[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const [, policy] = Object.entries(policies).find(([id]) => id.startsWith(PROVIDER_CONSTRUCT_ID.replace(/[^A-Za-z0-9]/g, '')) && id.includes('HandlerRole'))!;
  const flatten = (v: unknown): string => typeof v === 'string' ? v
    : (v as any)['Fn::Join'] ? (v as any)['Fn::Join'][1].map(flatten).join((v as any)['Fn::Join'][0])
      : (v as any).Ref === 'AWS::Partition' ? 'aws' : JSON.stringify(v);
  return policy.Properties.PolicyDocument.Statement.map((s: any) => ({ ...s, Resource: [s.Resource].flat().map(flatten) }));
}

const list = (v: string | string[]) => [v].flat();
const connectActions = (statements: Statement[]) => new Set(statements.flatMap(s => list(s.Action)).filter(a => a.startsWith('connect:')));

let world: LocalWorld;
let emulator: ConnectEmulator;
const templates: Stack[] = [];
/** The source of the imported number in each template (lifecycle.ts), in the order of `templates`. */
const sources: string[] = [];
const outdirs: string[] = [];
const callsByStep: Array<Array<{ operation: string; region: string }>> = [];

beforeAll(async () => {
  world = await startLocalWorld({ seed: 1, emulator: { rateLimit: false } });
  const { engine } = world;
  emulator = world.emulator;
  // The main number is already this account's (on the instance): the claim adopts it.
  emulator.seedClaimedNumber('+12065550100', SEED.instanceArn);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'connect-gr-iam-'));
  let seen = 0;
  const take = () => {
    const calls = emulator.calls.slice(seen).filter(c => c.status < 400 || c.errorType !== 'UnknownOperationException');
    seen = emulator.calls.length;
    return calls.map(c => ({ operation: c.operation, region: c.region }));
  };
  try {
    for (let step = 0; step < STEPS.length; step++) {
      const stack = new Stack(new App({ outdir: path.join(outdir, String(step)) }), 'Iam', { env: { account: SEED.account, region: SEED.sourceRegion } });
      lifecycleStack(stack, step);
      templates.push(stack);
      sources.push(SOURCE_NUMBERS[step >= 2 ? 1 : 0].arn); // lifecycle.ts: the import's source changes at step 2
      await engine.deploy(stack);
      callsByStep.push(take());
    }
    // Then a failed try: the group renamed again (a replacement only the group sees), its split
    // refused (400, not retried: throttling and 5xx are retried until the deadline), so the new
    // group is deleted and the rollback, sent to its id, looks the old group up. (Before the
    // import's source change of step 2, the failure would release the newly imported number,
    // whose source could then not be imported again for 180 days, as on AWS.)
    const last = templates[templates.length - 1];
    const failing = new Stack(new App({ outdir: path.join(outdir, 'failing') }), 'Iam', { env: { account: SEED.account, region: SEED.sourceRegion } });
    lifecycleStack(failing, STEPS.length - 1, 'fixture-renamed-again');
    templates.push(failing);
    sources.push(SOURCE_NUMBERS[1].arn);
    emulator.injectErrors({ operation: 'UpdateTrafficDistribution', count: 1, status: 400 });
    await expect(engine.deploy(failing)).rejects.toThrow(/UPDATE_ROLLBACK_COMPLETE/);
    emulator.clearFaults();
    callsByStep.push(take());
    expect(callsByStep[callsByStep.length - 1].map(c => c.operation)).toEqual(expect.arrayContaining([
      'CreateTrafficDistributionGroup', 'UpdateTrafficDistribution', 'DeleteTrafficDistributionGroup', 'ListTrafficDistributionGroups',
    ]));
    templates.push(last); // the stack is back on the last step's template: the destroy runs with its role
    sources.push(SOURCE_NUMBERS[1].arn);
    await engine.destroy('Iam');
    callsByStep.push(take());
    templates.forEach(handlerStatements);
  } finally {
    // The assemblies stay until afterAll: the tests read the synthesized templates.
    outdirs.push(outdir);
  }
}, 180_000);

afterAll(async () => {
  outdirs.forEach(d => fs.rmSync(d, { recursive: true, force: true }));
  await world.stop();
});

test('the granted Connect actions are exactly the ones called', () => {
  const called = new Set(callsByStep.flat().map(c => `connect:${c.operation}`));
  const granted = new Set(templates.flatMap(t => [...connectActions(handlerStatements(t))]));
  expect([...granted].sort()).toEqual([...called].sort());
});

const isConnect = (s: Statement) => list(s.Action).every(a => a.startsWith('connect:'));

test('outside Connect: only sms-voice:DescribePhoneNumbers on exactly the source numbers the stack imports, and DescribeStacks on exactly its own stack', () => {
  const others = templates.map(t => handlerStatements(t).filter(s => !isConnect(s)));
  expect(sources).toHaveLength(templates.length);
  others.forEach((statements, i) => {
    expect(statements).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 'cloudformation:DescribeStacks', Resource: [JSON.stringify({ Ref: 'AWS::StackId' })] }),
      expect.objectContaining({ Effect: 'Allow', Action: 'sms-voice:DescribePhoneNumbers', Resource: [sources[i]] }),
    ]);
  });
});

test('every call is covered by a statement in its Region and account, with no connect:* and no bare *', () => {
  const uncovered: string[] = [];
  callsByStep.forEach((calls, step) => {
    // The destroy runs with the last deployed template's role.
    const statements = handlerStatements(templates[Math.min(step, templates.length - 1)]).filter(isConnect);
    for (const { operation, region } of calls) {
      const ok = statements.some(s => list(s.Action).includes(`connect:${operation}`)
        && list(s.Resource).some(r => r.startsWith(`arn:aws:connect:${region}:${SEED.account}:`)));
      if (!ok) {
        uncovered.push(`step ${step}: connect:${operation} in ${region}`);
      }
    }
  });
  expect(uncovered).toEqual([]);
  for (const t of templates) {
    for (const s of handlerStatements(t).filter(isConnect)) {
      expect(list(s.Action)).not.toContain('connect:*');
      for (const r of list(s.Resource)) {
        expect(r).not.toBe('*');
        expect(r).toMatch(new RegExp(`^arn:aws:connect:(${SEED.sourceRegion}|${SEED.replicaRegion}):${SEED.account}:`));
      }
    }
  }
});

test('the wildcards are the ones the README explains, each within the account and a Region of the pair', () => {
  const wildcards = new Set(templates.flatMap(t => handlerStatements(t).filter(isConnect).flatMap(s => list(s.Resource)))
    .filter(r => r.includes('*'))
    .map(r => r.replace(/^arn:aws:connect:[a-z0-9-]+:[0-9]+:/, '').replace(/instance\/[a-f0-9-]{36}/, 'instance/<id>')));
  expect([...wildcards].sort()).toEqual([
    'instance/*', 'instance/*/agent/*', 'instance/*/contact-flow/*', 'instance/<id>/contact-flow/*', 'phone-number/*',
    'traffic-distribution-group/*',
  ]);
});
