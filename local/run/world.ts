/**
 * What the emulator must hold before the user's stack deploys, derived from what its template
 * references: the Connect instance (its ARNs give the account, the source Region and the id),
 * the replica Region (an InstanceReplica's ReplicaRegion, or the second Region of a split or of a
 * flow), whether the instance is already replicated (a group or a replica-Region flow without an
 * InstanceReplica in the stack), the flow ids, the user ids, numbers on offer for every
 * specific number or search the stack declares, and the End User Messaging numbers it imports.
 *
 * The emulator cannot know what a real account holds: every flow and user the template names is
 * taken to exist. What it checks is everything else (Regions, targets, splits, statuses).
 */
import {
  CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, DistributionProps, INSTANCE_REPLICA_RESOURCE_TYPE, PhoneProps, ReplicaProps,
  TdgProps, TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE, TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE,
  TRAFFIC_DISTRIBUTION_RESOURCE_TYPE, GroupUsersProps,
} from '../../src/shared/names';
import { EmulatorWorld, InventoryNumber, SEED, SourceNumber, sourceNumbersOf } from '../emulator/seed';
import { AssemblyStack } from '../engine/cloud-assembly';
import { Template } from '../engine/template';

/** The world to start the emulator with, and whether the instance starts replicated. */
export interface DerivedWorld {
  readonly world: EmulatorWorld;
  readonly replicated: boolean;
}

const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';
const INSTANCE_ARN = new RegExp(`arn:aws(?:-us-gov)?:connect:([a-z]{2}-[a-z-]+-\\d):(\\d{12}):instance/(${UUID})(?:/contact-flow/([a-zA-Z0-9-]{1,100}))?`, 'g');

/** Calling codes of the countries whose numbers the derived inventory offers; others are offered as US. */
const CALLING_CODES: Record<string, string> = {
  US: '+1', CA: '+1', GB: '+44', DE: '+49', FR: '+33', AU: '+61', JP: '+81', NZ: '+64', IE: '+353', SG: '+65', ZA: '+27',
};

/** The emulator's world for a stack (see the module's comment). Fails when the template names two instances. */
export function deriveWorld(stack: AssemblyStack): DerivedWorld {
  const template = stack.template;
  const texts = literalStrings(template.Resources, stack);
  const instances = new Map<string, { account: string; regions: Set<string> }>();
  const flowIds = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(INSTANCE_ARN)) {
      const entry = instances.get(m[3]) ?? { account: m[2], regions: new Set<string>() };
      entry.regions.add(m[1]);
      instances.set(m[3], entry);
      if (m[4] !== undefined) {
        flowIds.add(m[4]);
      }
    }
  }
  if (instances.size > 1) {
    throw new Error(`The stack ${stack.name} references ${instances.size} Connect instances (${[...instances.keys()].join(', ')}); `
      + 'the local emulator models one instance and its replica: deploy a stack that uses one.');
  }
  const [instanceId, instance] = [...instances.entries()][0] ?? [SEED.instanceId, undefined];

  const ofType = (type: string) => Object.values(template.Resources)
    .filter(r => r.Type === type)
    .map(r => resolveLiterals(r.Properties ?? {}, stack) as Record<string, unknown>);
  const replicas = ofType(INSTANCE_REPLICA_RESOURCE_TYPE);
  const replicaSource = replicas.map(r => regionOfArn(r[ReplicaProps.INSTANCE_ARN])).find(r => r !== undefined);
  const groupSource = ofType(TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE).map(g => regionOfArn(g[TdgProps.INSTANCE_ARN])).find(r => r !== undefined);
  // The constructs require the instance in the stack's Region; an InstanceReplica names it.
  const sourceRegion = replicaSource ?? groupSource ?? stack.region;

  const splitRegions = [
    ...ofType(TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE).flatMap(g => [g[TdgProps.TELEPHONY_DISTRIBUTION], g[TdgProps.AGENT_DISTRIBUTION]]),
    ...ofType(TRAFFIC_DISTRIBUTION_RESOURCE_TYPE).flatMap(d => [
      d[DistributionProps.TELEPHONY_DISTRIBUTION], d[DistributionProps.AGENT_DISTRIBUTION], d[DistributionProps.SIGN_IN_DISTRIBUTION],
    ]),
  ].flatMap(m => (m !== null && typeof m === 'object' ? Object.keys(m) : []));
  const declaredReplica = replicas.map(r => r[ReplicaProps.REPLICA_REGION]).find((r): r is string => typeof r === 'string');
  const referencedReplica = [...splitRegions, ...(instance?.regions ?? [])].find(r => r !== sourceRegion);
  const replicaRegion = declaredReplica ?? referencedReplica ?? PAIRS[sourceRegion] ?? SEED.replicaRegion;

  const userIds = ofType(TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE)
    .flatMap(u => (Array.isArray(u[GroupUsersProps.USER_IDS]) ? u[GroupUsersProps.USER_IDS] as unknown[] : []))
    .filter((u): u is string => typeof u === 'string');

  const account = stack.environmentSet ? stack.account : instance?.account ?? stack.account;
  return {
    world: {
      account,
      sourceRegion,
      replicaRegion,
      instanceId,
      // Never the alias of a replica the stack declares (ReplicateInstance wants a unique alias).
      instanceAlias: `local-${instanceId.slice(0, 8)}`,
      flowIds: [...flowIds],
      userIds: [...new Set(userIds)],
      inventory: inventoryFor(ofType(CLAIMED_PHONE_NUMBER_RESOURCE_TYPE)),
      sourceNumbers: sourceNumbersFor(ofType(CLAIMED_PHONE_NUMBER_RESOURCE_TYPE), { account, sourceRegion, replicaRegion }),
    },
    // A stack that uses a replicated instance without replicating it needs it replicated already.
    replicated: replicas.length === 0 && referencedReplica !== undefined,
  };
}

/** The replication pairs of connect-api.md (ReplicateInstance), for an instance whose replica the stack never names. */
const PAIRS: Record<string, string> = {
  'us-east-1': 'us-west-2', 'us-west-2': 'us-east-1', 'eu-west-2': 'eu-central-1', 'eu-central-1': 'eu-west-2', 'ap-northeast-1': 'ap-northeast-3',
};

/**
 * SEED's numbers on offer, and for each number the stack declares: the specific number
 * (PhoneNumber), or five numbers matching a search (CountryCode, PhoneNumberType, Prefix) that
 * SEED's inventory does not serve.
 */
function inventoryFor(numbers: Array<Record<string, unknown>>): InventoryNumber[] {
  const inventory: InventoryNumber[] = [...SEED.inventory];
  const has = (n: string) => inventory.some(i => i.phoneNumber === n);
  for (const props of numbers) {
    const type = props[PhoneProps.PHONE_NUMBER_TYPE] === 'TOLL_FREE' ? 'TOLL_FREE' : 'DID';
    const specific = props[PhoneProps.PHONE_NUMBER];
    if (typeof specific === 'string' && /^\+[1-9]\d{1,14}$/.test(specific)) {
      if (!has(specific)) {
        const country = Object.entries(CALLING_CODES).filter(([, code]) => specific.startsWith(code)).sort((a, b) => b[1].length - a[1].length)[0]?.[0] ?? 'US';
        inventory.push({ phoneNumber: specific, countryCode: country, type });
      }
      continue;
    }
    const country = typeof props[PhoneProps.COUNTRY_CODE] === 'string' ? props[PhoneProps.COUNTRY_CODE] as string : undefined;
    if (country === undefined) {
      continue;
    }
    const prefixRaw = props[PhoneProps.PREFIX];
    const prefix = typeof prefixRaw === 'string' ? (prefixRaw.startsWith('+') ? prefixRaw : `+${prefixRaw}`) : CALLING_CODES[country] ?? '+1';
    if (inventory.some(i => i.countryCode === country && i.type === type && i.phoneNumber.startsWith(prefix))) {
      continue;
    }
    const width = (prefix.startsWith('+1') ? 12 : 13) - prefix.length;
    for (let i = 0; i < 5 && width > 0; i++) {
      inventory.push({ phoneNumber: `${prefix}${String(5550100 + i).slice(-width).padStart(width, '5')}`, countryCode: country, type });
    }
  }
  return inventory;
}

const SOURCE_ARN = /^arn:aws(?:-us-gov)?:sms-voice:([a-z]{2}-[a-z-]+-\d):(\d{12}):phone-number\/[A-Za-z0-9_-]+$/;

/**
 * The account's End User Messaging numbers: the default catalogue of the world's account, and
 * each SourcePhoneNumberArn of the stack that names this account (a made-up US DID, +1425555 02xx,
 * stands for its number). An ARN of another account is left out: the import fails, as in AWS.
 */
function sourceNumbersFor(numbers: Array<Record<string, unknown>>, world: Pick<EmulatorWorld, 'account' | 'sourceRegion' | 'replicaRegion'>): SourceNumber[] {
  const catalogue = sourceNumbersOf(world);
  for (const props of numbers) {
    const arn = props[PhoneProps.SOURCE_PHONE_NUMBER_ARN];
    const m = typeof arn === 'string' ? SOURCE_ARN.exec(arn) : null;
    if (m !== null && m[2] === world.account && !catalogue.some(n => n.arn === arn)) {
      const phoneNumber = `+1425555${String(200 + catalogue.length).padStart(4, '0')}`;
      catalogue.push({ arn: arn as string, region: m[1], phoneNumber, countryCode: 'US', type: 'DID' });
    }
  }
  return catalogue;
}

function regionOfArn(value: unknown): string | undefined {
  return typeof value === 'string' ? /^arn:[a-z-]+:connect:([a-z]{2}-[a-z-]+-\d):/.exec(value)?.[1] : undefined;
}

/**
 * The value with what can be known before the deploy resolved: Fn::Join and Fn::Sub over literals
 * and the pseudo parameters of the stack's environment, a Ref to a parameter with a default.
 * Anything else (Fn::GetAtt of a resource...) stays as it is.
 */
function resolveLiterals(value: unknown, stack: AssemblyStack): unknown {
  const pseudo: Record<string, string> = {
    'AWS::Region': stack.region, 'AWS::AccountId': stack.account, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com',
  };
  const params = stack.template.Parameters ?? {};
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      return v.map(walk);
    }
    if (v === null || typeof v !== 'object') {
      return v;
    }
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof o.Ref === 'string') {
      return pseudo[o.Ref] ?? (params[o.Ref]?.Default !== undefined ? String(params[o.Ref].Default) : o);
    }
    if (keys.length === 1 && keys[0] === 'Fn::Join' && Array.isArray(o['Fn::Join'])) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown];
      const resolved = walk(parts);
      return Array.isArray(resolved) && resolved.every(p => typeof p === 'string') ? resolved.join(sep) : o;
    }
    if (keys.length === 1 && keys[0] === 'Fn::Sub' && typeof o['Fn::Sub'] === 'string') {
      const out = (o['Fn::Sub'] as string).replace(/\$\{([^}!]+)\}/g, (all, name: string) => pseudo[name] ?? all);
      return out.includes('${') ? o : out;
    }
    return Object.fromEntries(keys.map(k => [k, walk(o[k])]));
  };
  return walk(value);
}

/** Every string of the value once resolved as far as `resolveLiterals` goes. */
function literalStrings(resources: Template['Resources'], stack: AssemblyStack): string[] {
  const out: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') {
      out.push(v);
    } else if (Array.isArray(v)) {
      v.forEach(collect);
    } else if (v !== null && typeof v === 'object') {
      Object.values(v).forEach(collect);
    }
  };
  Object.values(resources).forEach(r => collect(resolveLiterals(r.Properties ?? {}, stack)));
  return out;
}
