/**
 * The game day on the state file `local deploy` wrote: take a Region down (`local outage`), bring it back
 * (`local recover`), and run the tool's own status, failover and split against the local world
 * (`withLocalWorld`): the world started from the state, its Connect endpoint given to the tool's SDK
 * clients, and the account written back afterwards.
 */
import { formatDuration, openWorld, saveWorld, WorldOptions } from './open';
import { loadState, LocalState, saveState } from './state';
import { TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE } from '../../src/shared/names';

/** The state file, which must exist. */
export function requireState(file: string): LocalState {
  const saved = loadState(file);
  if (saved === undefined) {
    throw new Error(`The state file ${file} does not exist: run local deploy <cdk.out> --state ${file} first.`);
  }
  return saved;
}

/** The Regions of the state's world: its instance's and its replica's. */
export function regionsOf(state: LocalState): string[] {
  return [state.world.sourceRegion, state.world.replicaRegion];
}

/**
 * Takes `region` down (`down`) or brings it back, in the state file. Returns the Regions down afterwards.
 * While down, every Amazon Connect call to the Region is answered 503 ServiceUnavailableException (the
 * endpoint answers, with a server error: not a connection error), the handlers' and the tool's alike.
 */
export function setOutage(file: string, region: string, down: boolean): string[] {
  const state = requireState(file);
  const regions = regionsOf(state);
  if (!regions.includes(region)) {
    throw new Error(`${region} is not a Region of the local world of ${file}: its instance is in ${regions[0]}, its replica in ${regions[1]}.`);
  }
  const outages = new Set(state.outages ?? []);
  if (down) {
    outages.add(region);
  } else {
    outages.delete(region);
  }
  const { outages: _, ...rest } = state;
  saveState(file, { ...rest, ...(outages.size > 0 ? { outages: [...outages].sort() } : {}) });
  return [...outages].sort();
}

/** The groups the state's deployed stacks hold (their ARNs), for a command given no --group. */
export function groupsOf(state: LocalState): string[] {
  return state.engine.stacks.flatMap(s => s.resources)
    .filter(r => r.type === TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE && typeof r.physicalId === 'string' && r.physicalId.includes(':traffic-distribution-group/'))
    .map(r => r.physicalId as string);
}

/** The group a command works on: `--group`, else the one group of the state's stacks. */
export function groupOf(state: LocalState, file: string, given: string | undefined): string {
  if (given !== undefined) {
    return given;
  }
  const groups = groupsOf(state);
  if (groups.length === 1) {
    return groups[0];
  }
  throw new Error(groups.length === 0
    ? `The stacks of ${file} hold no traffic distribution group: name one with --group <arn> (local deploy printed the account's groups).`
    : `The stacks of ${file} hold ${groups.length} groups (${groups.join(', ')}): name one with --group <arn>.`);
}

/** The environment that points the tool's SDK clients at the world: the emulator's endpoint, credentials of its own. */
const WORLD_ENV = ['AWS_ENDPOINT_URL_CONNECT', 'AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];

/**
 * Runs `body` (a command of the tool, unchanged) against the local world of `file`: its Connect calls go to
 * the world's emulator, simulated time jumps while it waits. The account is written back, even when `body`
 * fails (a change may have been applied). `note` hears one line about the world (the seed, the Regions down).
 */
export async function withLocalWorld(file: string, options: WorldOptions, body: () => Promise<void>, note: (line: string) => void): Promise<void> {
  const saved = requireState(file);
  const world = await openWorld(saved.world, saved, options);
  const env = Object.fromEntries(WORLD_ENV.map(k => [k, process.env[k]]));
  const started = world.clock.now();
  try {
    WORLD_ENV.forEach(k => delete process.env[k]);
    Object.assign(process.env, { AWS_ENDPOINT_URL_CONNECT: world.emulator.endpoint, AWS_ACCESS_KEY_ID: 'LOCALWORLD', AWS_SECRET_ACCESS_KEY: 'local' });
    const down = saved.outages ?? [];
    note(`Local world of ${file} (seed ${world.seed}: --seed ${world.seed} replays it)`
      + `${down.length > 0 ? `; down: ${down.join(', ')} (local outage)` : ''}`);
    await body();
  } finally {
    note(`Simulated time of the command: ${formatDuration(world.clock.now() - started)}.`);
    WORLD_ENV.forEach(k => (env[k] === undefined ? delete process.env[k] : (process.env[k] = env[k])));
    saveWorld(file, saved.world, world, saved.outages ?? [], saved.engine);
    await world.stop();
  }
}
