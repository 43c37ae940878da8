/**
 * The native CloudFormation handlers' published policy (connect-api.md: Native CFN PhoneNumber handler, "poll every
 * 30 s, +2 s pre-describe sleep"; TDG handler, "stabilize-polls Describe, then adds a 30 s callback delay after
 * ACTIVE"), simulated against the emulator in a world of its own: the anchor of the latency section.
 */
import {
  ClaimPhoneNumberCommand, ConnectClient, CreateTrafficDistributionGroupCommand, DescribePhoneNumberCommand, DescribeTrafficDistributionGroupCommand,
  SearchAvailablePhoneNumbersCommand,
} from '@aws-sdk/client-connect';
import type { Sample } from './latency';
import { SEED } from '../local/emulator';
import { LocalWorld, startLocalWorld } from '../local/world';

const NATIVE_POLL_MS = 30_000;
const NATIVE_PRE_DESCRIBE_MS = 2_000;
const NATIVE_GROUP_SETTLE_MS = 30_000;
const RATE = { perSecond: 2, burst: 5 };

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

async function inWorld(
  seed: number, durations: Record<string, number>, run: (client: ConnectClient, world: LocalWorld) => Promise<number>, runs: number,
): Promise<Sample[]> {
  const world = await startLocalWorld({ seed, emulator: { replicated: true, rateLimit: RATE, durations } });
  const client = new ConnectClient({
    region: SEED.sourceRegion, endpoint: world.emulator.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  try {
    const out: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const before = world.emulator.calls.length;
      const settledAt = await run(client, world);
      out.push({ addedMs: Date.now() - settledAt, calls: world.emulator.calls.slice(before).filter(c => c.status !== 429).length });
    }
    return out;
  } finally {
    client.destroy();
    await world.stop();
  }
}

/** A group: create, describe every 30 s until ACTIVE, then 30 s more (the native resource applies no split). */
export function nativeGroup(seed: number, createMs: number, settleMs: number, runs: number): Promise<Sample[]> {
  let n = 0;
  return inWorld(seed, { groupCreate: createMs, groupUpdate: settleMs }, async client => {
    const { Arn } = await client.send(new CreateTrafficDistributionGroupCommand({ Name: `native-${n++}`, InstanceId: SEED.instanceArn }));
    const settledAt = Date.now() + createMs;
    for (;;) {
      const out = await client.send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: Arn }));
      if (out.TrafficDistributionGroup?.Status === 'ACTIVE') {
        break;
      }
      await sleep(NATIVE_POLL_MS);
    }
    await sleep(NATIVE_GROUP_SETTLE_MS);
    return settledAt;
  }, runs);
}

/** A searched number: search, claim, then (2 s, describe) every 30 s until CLAIMED. */
export function nativeClaim(seed: number, claimMs: number, runs: number): Promise<Sample[]> {
  return inWorld(seed, { claim: claimMs }, async client => {
    const search = await client.send(new SearchAvailablePhoneNumbersCommand({
      TargetArn: SEED.instanceArn, PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID', PhoneNumberPrefix: '+1206', MaxResults: 10,
    }));
    const pick = search.AvailableNumbersList![0].PhoneNumber!;
    const { PhoneNumberArn } = await client.send(new ClaimPhoneNumberCommand({ TargetArn: SEED.instanceArn, PhoneNumber: pick }));
    const settledAt = Date.now() + claimMs;
    for (;;) {
      await sleep(NATIVE_PRE_DESCRIBE_MS);
      const out = await client.send(new DescribePhoneNumberCommand({ PhoneNumberId: PhoneNumberArn }));
      if (out.ClaimedPhoneNumberSummary?.PhoneNumberStatus?.Status === 'CLAIMED') {
        return settledAt;
      }
      await sleep(NATIVE_POLL_MS);
    }
  }, runs);
}
