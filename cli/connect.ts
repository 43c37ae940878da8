/**
 * What every command shares: the group's two Regions, a Connect client per Region (the caller's
 * credentials; AWS_ENDPOINT_URL_CONNECT is honoured by the SDK), reading the split, waiting for
 * ACTIVE, and the errors a user can hit.
 */
import {
  ConnectClient, DescribeTrafficDistributionGroupCommand, GetCrossRegionRoutingCommand, GetTrafficDistributionCommand, TrafficDistributionGroup,
} from '@aws-sdk/client-connect';
import { REPLICATION_PAIRS } from '../src/shared/names';
import { perRegion } from '../src/shared/per-region';
import { formatPart, SPLIT_PART_OPTION, SPLIT_PARTS, SplitMaps, splitMaps } from '../src/shared/split';
import { parseDistribution, parseGroupArn, parseSignIn } from '../src/shared/validate';

/** A failure the user can act on: printed without a stack trace, exit code 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit codes, as every command's help lists them (cli/usage.ts). */
export const EXIT = { ok: 0, failed: 1, usage: 2, pending: 3 } as const;

/** Bad input: nothing was called. Exit code 2. */
export class UsageError extends CliError {
  public readonly exitCode: number = EXIT.usage;
}

/** The change was sent and accepted, but the group was not ACTIVE when --wait ended; its report is printed already. Exit code 3. */
export class PendingError extends CliError {
  public readonly exitCode: number = EXIT.pending;
}

export type Split = SplitMaps;

export interface GroupRef {
  readonly arn: string;
  /** The group's Region (its ARN's): the source Region. */
  readonly source: string;
  /** The Regions the group can distribute to: the source and its replication partners. */
  readonly regions: string[];
}

export function groupRef(arn: string): GroupRef {
  let source: string;
  try {
    source = parseGroupArn('--group', arn).region;
  } catch (e) {
    throw new UsageError(`${(e as Error).message}. Give the group's ARN (arn:aws:connect:<region>:<account>:traffic-distribution-group/<id>): `
      + 'from the replica Region a bare id is not found.');
  }
  return { arn, source, regions: [source, ...(REPLICATION_PAIRS[source] ?? [])] };
}

/** Checks that `region` is one of the group's two Regions. */
export function checkRegion(group: GroupRef, region: string, option: string): void {
  if (!group.regions.includes(region)) {
    throw new UsageError(`${option} ${region} is not a Region of the group ${group.arn}: Global Resiliency pairs ${group.source} `
      + `with ${group.regions.slice(1).join(' or ') || 'no other Region'}.`);
  }
}

const clients = perRegion(region => new ConnectClient({ region, maxAttempts: Number(process.env.CONNECT_GR_CLI_MAX_ATTEMPTS ?? 3) }));

export function connect(region: string): ConnectClient {
  return clients.get(region);
}

export function destroyClients(): void {
  clients.clear(c => c.destroy());
}

/** The name of an SDK error (`Error` when it has none). */
export function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? 'Error';
}

/** How a missing-credentials failure starts: the same in every Region, so no Region is to blame. */
export const NO_CREDENTIALS = 'No AWS credentials were found';

/** What every command prints when `call` in `region` failed for want of credentials: the same in every Region, so no Region is to blame. */
function noCredentials(e: unknown, call: string, region: string): CliError {
  return new CliError(`${NO_CREDENTIALS} (${call} in ${region}: ${(e as Error)?.message ?? String(e)}). Set AWS_PROFILE, run aws sso login, `
    + 'or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run the command again. This is not a Region outage.');
}

/** Throws {@link noCredentials} when `call` in `region` failed for want of credentials; returns for any other failure. */
export function throwIfNoCredentials(e: unknown, call: string, region: string): void {
  if (errorName(e) === 'CredentialsProviderError') {
    throw noCredentials(e, call, region);
  }
}

/** Turns an SDK error of `call` in `region` into a message that says what to do. */
export function explain(e: unknown, call: string, region: string, group: GroupRef): CliError {
  if (e instanceof CliError) {
    return e;
  }
  const name = errorName(e);
  const message = (e as Error)?.message ?? String(e);
  if (name === 'CredentialsProviderError') {
    return noCredentials(e, call, region);
  }
  if (name === 'ResourceNotFoundException') {
    return new CliError(`${call} in ${region}: the group ${group.arn} was not found (${message}). Check the ARN, the account and the credentials' Region pair.`);
  }
  if (name === 'AccessDeniedException') {
    return new CliError(`${call} in ${region}: access denied (${message}). Grant the caller group.grantTrafficDistribution(...) (connect:${call} on the group).`);
  }
  if (name === 'InvalidRequestException') {
    return new CliError(`${call} in ${region}: Amazon Connect refused the request (${message}). A split names exactly the group's two Regions, `
      + 'with percentages in steps of 10 that sum to 100; sign-in only on the default group; the group must be ACTIVE.');
  }
  if (name === 'ResourceConflictException') {
    return new CliError(`${call} in ${region}: another update of the split is still in progress (${message}). Wait until the group is ACTIVE, then run the command again.`);
  }
  return new CliError(`${call} in ${region} failed: ${name}: ${message}`);
}

export async function describeGroup(group: GroupRef, region: string): Promise<TrafficDistributionGroup> {
  try {
    const out = await connect(region).send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: group.arn }));
    return out.TrafficDistributionGroup!;
  } catch (e) {
    throw explain(e, 'DescribeTrafficDistributionGroup', region, group);
  }
}

export async function readSplit(group: GroupRef, region: string): Promise<Split> {
  try {
    return splitMaps(await connect(region).send(new GetTrafficDistributionCommand({ Id: group.arn })));
  } catch (e) {
    throw explain(e, 'GetTrafficDistribution', region, group);
  }
}

/** Cross-Region routing of the group's instance in `region` (undefined when the call is refused or unknown there). */
export async function crossRegionRouting(instanceArn: string | undefined, region: string): Promise<{ isolatedRegions?: string[]; error?: string }> {
  if (instanceArn === undefined) {
    return { error: 'the group names no instance' };
  }
  try {
    // The replica has the instance's id: name the instance of the Region called.
    const inRegion = instanceArn.replace(/^(arn:[^:]+:connect:)[^:]+:/, `$1${region}:`);
    const out = await connect(region).send(new GetCrossRegionRoutingCommand({ InstanceId: inRegion }));
    return { isolatedRegions: out.IsolatedRegions ?? [] };
  } catch (e) {
    return { error: `${errorName(e)}: ${(e as Error).message}` };
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Polls Describe in `region` until the group is ACTIVE: true then, false when it is still UPDATE_IN_PROGRESS
 * after `seconds` (fails when it is in any other state). `onPoll` hears each status seen.
 */
export async function waitActive(group: GroupRef, region: string, seconds: number, onPoll?: (status: string) => void): Promise<boolean> {
  const stopAt = Date.now() + seconds * 1000;
  let delay = 200;
  let status: string | undefined;
  for (;;) {
    status = (await describeGroup(group, region)).Status;
    onPoll?.(status ?? '?');
    if (status === 'ACTIVE') {
      return true;
    }
    if (status !== 'UPDATE_IN_PROGRESS') {
      throw new CliError(`The group ${group.arn} is ${status}: its split cannot settle. Check it in the Amazon Connect console.`);
    }
    if (Date.now() + delay > stopAt) {
      return false;
    }
    await sleep(delay);
    delay = Math.min(2000, delay * 1.5);
  }
}

/** A Region that did not answer, and why. */
export interface RegionFailure {
  readonly region: string;
  readonly error: string;
}

/** The first of the group's Regions that answers Describe (in the group's order: the source first), and why the others did not. */
export async function firstAnswering(group: GroupRef): Promise<{ region: string; described: TrafficDistributionGroup; failures: RegionFailure[] }> {
  const failures: RegionFailure[] = [];
  for (const region of group.regions) {
    try {
      return { region, described: await describeGroup(group, region), failures };
    } catch (e) {
      const err = e as CliError;
      if ((/was not found/.test(err.message) && region === group.source) || err.message.startsWith(NO_CREDENTIALS)) {
        throw err; // the group's own Region says it does not exist, or no Region is to blame
      }
      failures.push({ region, error: err.message });
    }
  }
  throw new CliError(`No Region of the group answered: ${failures.map(f => `${f.region}: ${f.error}`).join('; ')}`);
}

/** `us-east-1=70,us-west-2=30` */
export function parsePercentages(option: string, value: string, group: GroupRef): Record<string, number> {
  const map = pairs(option, value);
  try {
    const out = parseDistribution(option, map, group.source);
    Object.keys(out).forEach(r => checkRegion(group, r, option));
    return out;
  } catch (e) {
    throw e instanceof CliError ? e : new UsageError(`${(e as Error).message}. Example: ${option} ${group.regions[0]}=70,${group.regions[1] ?? 'us-west-2'}=30`);
  }
}

/** `us-east-1=true,us-west-2=false` */
export function parseEnabled(option: string, value: string, group: GroupRef): Record<string, boolean> {
  const map = pairs(option, value);
  try {
    const out = parseSignIn(option, map);
    Object.keys(out).forEach(r => checkRegion(group, r, option));
    return out;
  } catch (e) {
    throw e instanceof CliError ? e : new UsageError(`${(e as Error).message}. Example: ${option} ${group.regions[0]}=true,${group.regions[1] ?? 'us-west-2'}=false`);
  }
}

function pairs(option: string, value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of value.split(',')) {
    const m = /^\s*([a-z0-9-]+)\s*=\s*(\S+)\s*$/.exec(item);
    if (m === null) {
      throw new UsageError(`${option}: '${item}' is not <region>=<value> (give them comma-separated, e.g. us-east-1=70,us-west-2=30)`);
    }
    out[m[1]] = m[2];
  }
  return out;
}

/** The parts that differ between two splits, as `part: before -> after` lines (a part named as its option). */
export function changes(before: Split, after: Split): Array<{ part: string; before: string; after: string }> {
  return SPLIT_PARTS.map(key => ({ part: SPLIT_PART_OPTION[key].slice(2), before: formatPart(before[key]), after: formatPart(after[key]) }))
    .filter(c => c.before !== c.after);
}
