/**
 * `adopt --instance <arn> [--group <arn>] [--language typescript|python]`: reads (and changes nothing)
 * the numbers an account already holds on an instance and its groups, their flows in both Regions,
 * descriptions and tags, and prints the CDK code that declares them (cli/adopt-code.ts).
 */
import {
  ConnectClient, DescribePhoneNumberCommand, DescribeTrafficDistributionGroupCommand, ListFlowAssociationsCommand,
  ListPhoneNumbersSummary, ListPhoneNumbersV2Command, ListTrafficDistributionGroupsCommand,
} from '@aws-sdk/client-connect';
import { Command, InvalidArgumentError } from 'commander';
import { CLAIM_TOKEN_TAG, KEPT_TAG, OWNER_TAG } from '../../src/shared/names';
import { parseGroupArn } from '../../src/shared/validate';
import { AdoptedAccount, AdoptedGroup, AdoptedNumber, pythonCode, typescriptCode } from '../adopt-code';
import { CliError, errorName, throwIfNoCredentials } from '../connect';
import { instanceIn, instanceRegions } from './isolate';

interface AdoptOptions {
  instance: string;
  group?: string;
  language: 'typescript' | 'python';
}

/**
 * adopt reads one number after another (a DescribePhoneNumber each, for its tags) under Connect's
 * 2 requests/s per account and Region, shared with everything else: the SDK's adaptive retry mode
 * paces the calls to what the service admits, and retries a throttled read up to 10 times.
 */
const clients = new Map<string, ConnectClient>();
function reader(region: string): ConnectClient {
  let c = clients.get(region);
  if (c === undefined) {
    c = new ConnectClient({ region, retryMode: 'adaptive', maxAttempts: 10 });
    clients.set(region, c);
  }
  return c;
}

export function registerAdopt(program: Command): void {
  program.command('adopt')
    .description('Reads, without changing anything, the phone numbers the account already holds on an instance (in both of its '
      + 'Regions) and on its traffic distribution groups, with their flows in both Regions, descriptions and tags, and prints '
      + 'the CDK code that declares each (by phoneNumber, with its target, flows and RemovalPolicy.RETAIN): deploying it '
      + 'takes the numbers over with no claim and no release')
    .requiredOption('--instance <arn>', 'the ARN of the Amazon Connect instance')
    .option('--group <arn>', 'only the numbers on this traffic distribution group of the instance')
    .option('--language <language>', 'typescript or python', parseLanguage, 'typescript')
    .action(async (options: AdoptOptions) => {
      try {
        const account = await readAccount(options);
        process.stdout.write(options.language === 'python' ? pythonCode(account) : typescriptCode(account));
        process.stderr.write(`adopt: ${account.numbers.length} number(s) declared${account.skipped.length > 0 ? `, ${account.skipped.length} left out (see the comments)` : ''}; nothing was changed.\n`);
      } finally {
        clients.forEach(c => c.destroy());
        clients.clear();
      }
    });
}

function parseLanguage(value: string): string {
  if (value !== 'typescript' && value !== 'python') {
    throw new InvalidArgumentError('typescript or python');
  }
  return value;
}

/** Runs `call`, turning its failure into a message that names the call, the Region and what to do. */
async function read<T>(call: string, region: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throwIfNoCredentials(e, call, region);
    const name = errorName(e);
    const message = (e as Error)?.message ?? String(e);
    if (name === 'AccessDeniedException') {
      throw new CliError(`${call} in ${region}: access denied (${message}). adopt needs connect:ListTrafficDistributionGroups, `
        + 'DescribeTrafficDistributionGroup, ListPhoneNumbersV2, DescribePhoneNumber and ListFlowAssociations (read-only).');
    }
    throw new CliError(`${call} in ${region} failed: ${name}: ${message}. Nothing was changed; run the command again when ${region} answers.`);
  }
}

/** Every page of a paginated read. */
async function pages<P>(fetch: (token: string | undefined) => Promise<P & { NextToken?: string }>, limit = 1000): Promise<P[]> {
  const out: P[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    out.push(page);
    token = page.NextToken;
  } while (token !== undefined && out.length < limit);
  return out;
}

async function readAccount(options: AdoptOptions): Promise<AdoptedAccount> {
  const { id, regions } = instanceRegions(options.instance);
  const home = regions[0];
  const instanceArn = options.instance;
  const skipped: string[] = [];
  // The Regions where the instance is: its own, and its replica's when it is replicated.
  const live: string[] = [];
  for (const region of regions) {
    try {
      await reader(region).send(new ListPhoneNumbersV2Command({ InstanceId: instanceIn(instanceArn, region), MaxResults: 1 }));
      live.push(region);
    } catch (e) {
      if ((e as { name?: string }).name !== 'ResourceNotFoundException' || region === home) {
        await read('ListPhoneNumbersV2', region, () => Promise.reject(e));
      }
    }
  }
  const groups = await readGroups(options, id, home);
  const summaries = new Map<string, ListPhoneNumbersSummary>();
  const add = (list: ListPhoneNumbersSummary[] | undefined) =>
    (list ?? []).forEach(n => n.PhoneNumberArn !== undefined && summaries.set(n.PhoneNumberArn, n));
  if (options.group === undefined) {
    for (const region of live) {
      const found = await read('ListPhoneNumbersV2', region, () => pages(token => reader(region).send(
        new ListPhoneNumbersV2Command({ InstanceId: instanceIn(instanceArn, region), MaxResults: 1000, NextToken: token }))));
      found.forEach(p => add(p.ListPhoneNumbersSummaryList));
    }
  }
  for (const g of groups) {
    const region = g.arn.split(':')[3];
    const found = await read('ListPhoneNumbersV2', region, () => pages(token => reader(region).send(
      new ListPhoneNumbersV2Command({ TargetArn: g.arn, MaxResults: 1000, NextToken: token }))));
    found.forEach(p => add(p.ListPhoneNumbersSummaryList));
  }
  const flows = await readFlows(instanceArn, live);
  const numbers: AdoptedNumber[] = [];
  for (const summary of [...summaries.values()].sort((a, b) => (a.PhoneNumber ?? '').localeCompare(b.PhoneNumber ?? ''))) {
    const n = await describeNumber(summary, flows, skipped);
    if (n !== undefined) {
      numbers.push(n);
    }
  }
  return {
    command: `npx cdk-connect-global-resiliency adopt --instance ${instanceArn}${options.group !== undefined ? ` --group ${options.group}` : ''}`,
    instanceArn,
    regions: live,
    groups: groups.filter(g => numbers.some(n => n.targetArn === g.arn)),
    numbers,
    skipped,
  };
}

/** The instance's groups (or the one --group names, checked to be the instance's). */
async function readGroups(options: AdoptOptions, instanceId: string, home: string): Promise<AdoptedGroup[]> {
  if (options.group !== undefined) {
    let region: string;
    try {
      region = parseGroupArn('--group', options.group).region;
    } catch (e) {
      throw new CliError(`${(e as Error).message}. Give the group's ARN (arn:aws:connect:<region>:<account>:traffic-distribution-group/<id>).`);
    }
    const g = (await read('DescribeTrafficDistributionGroup', region, () => reader(region).send(
      new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: options.group })))).TrafficDistributionGroup!;
    if (!(g.InstanceArn ?? '').endsWith(`/${instanceId}`)) {
      throw new CliError(`The group ${options.group} is a group of ${g.InstanceArn}, not of ${options.instance}.`);
    }
    return [{ arn: g.Arn ?? options.group, name: g.Name ?? 'group', isDefault: g.IsDefault === true }];
  }
  const found = await read('ListTrafficDistributionGroups', home, () => pages(token => reader(home).send(
    new ListTrafficDistributionGroupsCommand({ InstanceId: instanceIn(options.instance, home), MaxResults: 10, NextToken: token }))));
  return found.flatMap(p => p.TrafficDistributionGroupSummaryList ?? [])
    .filter(g => (g.InstanceArn ?? '').endsWith(`/${instanceId}`) && (g.Status === 'ACTIVE' || g.Status === 'UPDATE_IN_PROGRESS'))
    .map(g => ({ arn: g.Arn!, name: g.Name ?? 'group', isDefault: g.IsDefault === true }));
}

/**
 * Each number's flow per Region, by the number's ARN and id: ListFlowAssociations (VOICE_PHONE_NUMBER)
 * on the instance in each Region, the one read of a number's flow that Connect documents
 * (connect-api.md: AssociatePhoneNumberContactFlow). Its identifiers' form is not documented: bare ids are
 * made ARNs (the flow of the instance in that Region).
 */
async function readFlows(instanceArn: string, regions: string[]): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (const region of regions) {
    const instance = instanceIn(instanceArn, region);
    const found = await read('ListFlowAssociations', region, () => pages(token => reader(region).send(
      new ListFlowAssociationsCommand({ InstanceId: instance, ResourceType: 'VOICE_PHONE_NUMBER', MaxResults: 1000, NextToken: token }))));
    for (const a of found.flatMap(p => p.FlowAssociationSummaryList ?? [])) {
      if (a.ResourceId === undefined || a.FlowId === undefined) {
        continue;
      }
      const flow = a.FlowId.startsWith('arn:') ? a.FlowId : `${instance}/contact-flow/${a.FlowId}`;
      const key = a.ResourceId.split('/').pop()!;
      out.set(key, { ...out.get(key), [region]: flow });
    }
  }
  return out;
}

/** A number with its tags (DescribePhoneNumber), or undefined (and why, in `skipped`) when it cannot be adopted as it is. */
async function describeNumber(
  summary: ListPhoneNumbersSummary, flows: Map<string, Record<string, string>>, skipped: string[],
): Promise<AdoptedNumber | undefined> {
  const arn = summary.PhoneNumberArn!;
  const region = arn.split(':')[3];
  const d = (await read('DescribePhoneNumber', region, () => reader(region).send(new DescribePhoneNumberCommand({ PhoneNumberId: arn })))).ClaimedPhoneNumberSummary;
  const status = d?.PhoneNumberStatus?.Status;
  if (d === undefined || status !== 'CLAIMED') {
    skipped.push(`${summary.PhoneNumber} (${arn}) is ${status ?? 'gone'}, not CLAIMED: run adopt again once it is.`);
    return undefined;
  }
  const all = d.Tags ?? {};
  const notes: string[] = [];
  if (all[OWNER_TAG] !== undefined) {
    notes.push(`Carries the owner tag of a stack of this library (${OWNER_TAG}=${all[OWNER_TAG]}): if that stack still declares it, remove it there first.`);
  }
  if (all[KEPT_TAG] !== undefined) {
    notes.push('Kept by a failed deployment of a stack of this library (its kept-after-failure tag is removed on adoption).');
  }
  if (d.SourcePhoneNumberArn !== undefined) {
    notes.push(`Imported from AWS End User Messaging (${d.SourcePhoneNumberArn}): adopted by its number, as it is now.`);
  }
  const ours = new Set<string>([OWNER_TAG, KEPT_TAG, CLAIM_TOKEN_TAG]);
  const tags = Object.fromEntries(Object.entries(all).filter(([k]) => !ours.has(k) && !k.startsWith('connect-global-resiliency:') && !k.startsWith('aws:')));
  const byRegion = flows.get(arn.split('/').pop()!) ?? {};
  return {
    phoneNumber: d.PhoneNumber ?? summary.PhoneNumber!,
    arn,
    targetArn: d.TargetArn ?? summary.TargetArn!,
    description: d.PhoneNumberDescription ?? summary.PhoneNumberDescription,
    tags,
    flows: Object.keys(byRegion).sort((a, b) => (a === region ? -1 : b === region ? 1 : a.localeCompare(b))).map(r => byRegion[r]),
    notes,
  };
}
