/**
 * Upgrade safety: the events an earlier release's templates make CloudFormation send (recorded in
 * fixtures/, properties exactly as that release wrote them) replayed through this release's
 * handlers against the emulator. A release that changes how a property is encoded and can no
 * longer read the old encoding fails here, before it strands deployed stacks: an Update carries
 * the old properties as OldResourceProperties, and the Delete of a replaced or removed resource
 * carries them as its ResourceProperties.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Fixture, RecordedEvent } from './record';
import type { CfnEvent } from '../../lambda/lib/events';
import { ConnectEmulator } from '../../local/emulator';
import { VirtualClock } from '../../local/world';
import type { run as Run } from '../handlers/events';

const FIXTURES = path.join(__dirname, 'fixtures');
const UUID = /[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}/g;
/** Phone numbers a search picked: the replay may pick others. */
const E164 = /\+[1-9][0-9]{6,14}/g;

const fixtures = fs.readdirSync(FIXTURES).filter(f => f.endsWith('.json')).sort();

let emulator: ConnectEmulator;
let clock: VirtualClock;
/** The handlers, loaded afresh for each test: their SDK clients (one per Region, kept across invocations) then reach this test's emulator. */
let run: typeof Run;
const savedEnv = { ...process.env };

beforeEach(async () => {
  // The handlers run in this test's realm, on the virtual clock, with their production timings.
  clock = VirtualClock.start({ seed: 1 });
  emulator = await ConnectEmulator.start({ rateLimit: false });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CONNECT: emulator.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAFIXTURE',
    AWS_SECRET_ACCESS_KEY: 'fixture',
    AWS_REGION: 'us-east-1',
  });
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    run = require('../handlers/events').run;
  });
});

afterEach(async () => {
  await emulator.stop();
  clock.stop();
  process.env = { ...savedEnv };
});

/** Values of the recording (ids the service assigned, numbers a search picked) and what the replay got instead. */
class Substitutions {
  private readonly map = new Map<string, string>();

  learn(recorded: string, replayed: string, pattern: RegExp): void {
    const a = recorded.match(pattern) ?? [];
    const b = replayed.match(pattern) ?? [];
    a.forEach((v, i) => {
      if (b[i] !== undefined && !this.map.has(v)) {
        this.map.set(v, b[i]);
      }
    });
  }

  apply<T>(value: T): T {
    let json = JSON.stringify(value);
    for (const [from, to] of this.map) {
      json = json.split(from).join(to);
    }
    return JSON.parse(json);
  }
}

/**
 * Replays the events through this release's handlers; returns what each answered. Stops at the
 * first failure. Asserts the attribute keys and that in place stays in place.
 */
async function replay(fixture: Fixture, file: string, events: RecordedEvent[]): Promise<string[]> {
  const subs = new Substitutions();
  const outcomes: string[] = [];
  for (const [i, recorded] of events.entries()) {
    const event = subs.apply({
      ...(({ outcome, ...rest }: RecordedEvent) => rest)(recorded),
      ServiceToken: 'arn:aws:lambda:us-east-1:111122223333:function:fixture',
      ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/fixture',
      StackId: fixture.stackId,
      RequestId: `fixture-${file}-${i}`,
    }) as unknown as CfnEvent;
    const out = await run(event, 100);
    const expected = subs.apply(recorded.outcome);
    const got = out.response;
    outcomes.push(`${recorded.RequestType} ${recorded.LogicalResourceId}: ${got.Status}${got.Status === 'SUCCESS' ? '' : ` ${got.Reason}`}`);
    if (got.Status !== 'SUCCESS') {
      break;
    }
    // Learn what the service assigned this time (ids, searched numbers), for the events that follow.
    subs.learn(recorded.outcome.PhysicalResourceId, got.PhysicalResourceId, UUID);
    for (const [k, v] of Object.entries(recorded.outcome.Data)) {
      subs.learn(v, got.Data?.[k] ?? '', UUID);
      subs.learn(v, got.Data?.[k] ?? '', E164);
    }
    expect(Object.keys(got.Data ?? {}).sort()).toEqual(Object.keys(expected.Data).sort());
    if (recorded.RequestType !== 'Create') {
      // In place keeps the id; a replacement returns a new one (and the recording did too).
      expect(got.PhysicalResourceId === event.PhysicalResourceId).toBe(recorded.outcome.PhysicalResourceId === recorded.PhysicalResourceId);
    }
  }
  return outcomes;
}

describe('a replica created by a release that sent no ReplicaAlias', () => {
  // The 0.0.0 fixture with the alias taken out of the replica's creation and of the old properties
  // of its first update: the stack a release without the alias made, updated by this release,
  // which always sends one. The update must stay in place (never a replacement, never refused).
  const file = '0.0.0.json';
  const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as Fixture;
  const without = (p?: Record<string, unknown>) => p && Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'ReplicaAlias'));

  test('replays with the recorded outcomes, the replica updated in place', async () => {
    const replicaUpdates = fixture.events.filter(e => e.ResourceType === 'Custom::ConnectInstanceReplica' && e.RequestType === 'Update');
    expect(replicaUpdates.length).toBeGreaterThan(0);
    const first = replicaUpdates[0];
    const events = fixture.events.map(e => {
      if (e.ResourceType !== 'Custom::ConnectInstanceReplica') {
        return e;
      }
      if (e.RequestType === 'Create') {
        return { ...e, ResourceProperties: without(e.ResourceProperties)! };
      }
      return e === first ? { ...e, OldResourceProperties: without(e.OldResourceProperties) } : e;
    });
    expect(first.OldResourceProperties?.ReplicaAlias).toBe('fixture-replica');
    const outcomes = await replay(fixture, `${file}-no-alias`, events);
    expect(outcomes).toEqual(fixture.events.map(e => `${e.RequestType} ${e.LogicalResourceId}: SUCCESS`));
    // The replica's Create carried no alias, and the emulator (like the admin guide) requires one:
    // it succeeded because this release sends the default; the replica was deleted by the destroy.
    expect(emulator.callCount('ReplicateInstance')).toBe(1);
    expect(emulator.calls.filter(c => c.operation === 'ReplicateInstance').map(c => c.status)).toEqual([200]);
    expect(emulator.instance().replicaRegions).toEqual([]);
  });
});

describe.each(fixtures)('the events recorded in %s', file => {
  const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as Fixture;

  test('cover every resource type and every request type', () => {
    const kinds = new Set(fixture.events.map(e => `${e.ResourceType} ${e.RequestType}`));
    for (const type of new Set(fixture.events.map(e => e.ResourceType))) {
      for (const request of ['Create', 'Update', 'Delete']) {
        expect(kinds).toContain(`${type} ${request}`);
      }
    }
    expect(new Set(fixture.events.map(e => e.ResourceType)).size).toBe(5);
  });

  test('replay through this release\'s handlers with the recorded outcome', async () => {
    const outcomes = await replay(fixture, file, fixture.events);
    expect(outcomes).toEqual(fixture.events.map(e => `${e.RequestType} ${e.LogicalResourceId}: SUCCESS`));
    // The recording ended with the stack destroyed: the replay leaves what it would leave.
    expect(emulator.groups().filter(g => !g.isDefault)).toEqual([]);
  });
});
