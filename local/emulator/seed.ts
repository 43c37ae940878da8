/**
 * What the emulated account holds before a test starts: one Connect instance in the source Region,
 * its flows and agents, and the numbers the service offers for claiming.
 */

/** A number this account holds in AWS End User Messaging SMS, which Connect can import (ImportPhoneNumber). */
export interface SourceNumber {
  readonly arn: string;
  readonly region: string;
  readonly phoneNumber: string;
  readonly countryCode: string;
  /** The type the number gets in Connect [inferred: a toll-free number stays TOLL_FREE, a 10DLC or long code is a DID]. */
  readonly type: 'DID' | 'TOLL_FREE';
}

/** A number the service offers (SearchAvailablePhoneNumbers) until someone claims it. */
export interface InventoryNumber {
  readonly phoneNumber: string;
  readonly countryCode: string;
  readonly type: 'DID' | 'TOLL_FREE';
}

const ACCOUNT = '111122223333';
const SOURCE_REGION = 'us-east-1';
const INSTANCE_ID = '11111111-2222-3333-4444-555555555555';
const FLOW_IDS = ['aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002'];

function range(prefix: string, first: number, count: number, width: number, countryCode: string, type: InventoryNumber['type']): InventoryNumber[] {
  return Array.from({ length: count }, (_, i) => ({
    phoneNumber: `${prefix}${String(first + i).padStart(width, '0')}`, countryCode, type,
  }));
}

export const SEED = {
  account: ACCOUNT as '111122223333',
  sourceRegion: SOURCE_REGION as 'us-east-1',
  /** The Region the instance is (or can be) replicated to: a supported pair (connect-api.md: ReplicateInstance). */
  replicaRegion: 'us-west-2' as const,
  instanceId: INSTANCE_ID as '11111111-2222-3333-4444-555555555555',
  instanceArn: `arn:aws:connect:${SOURCE_REGION}:${ACCOUNT}:instance/${INSTANCE_ID}`,
  instanceAlias: 'connect-gr-seed',
  /** Flow ids; replicated resources keep their ids, so the same ids exist in the replica Region once replicated. */
  flowIds: FLOW_IDS,
  /** The ARN of a seeded flow in a Region (the first flow unless `flowId` says otherwise). */
  flowArn(region: string, flowId: string = FLOW_IDS[0]): string {
    return `arn:aws:connect:${region}:${ACCOUNT}:instance/${INSTANCE_ID}/contact-flow/${flowId}`;
  },
  /** Agents of the instance. */
  userIds: [
    'bbbbbbbb-0000-4000-8000-000000000001',
    'bbbbbbbb-0000-4000-8000-000000000002',
    'bbbbbbbb-0000-4000-8000-000000000003',
  ],
  /**
   * Numbers on offer, in search order: +12065550100 to +12065550599, 500 US DIDs with prefix +1206
   * (the benchmark's scale section claims 400 of them: two stacks of 100 at once, and 200 in one
   * stack), 10 US DIDs with prefix +1312, 20 US toll-free numbers (+1800...), and 5 GB DIDs.
   */
  inventory: [
    ...range('+1206555', 100, 500, 4, 'US', 'DID'),
    ...range('+131255501', 0, 10, 2, 'US', 'DID'),
    ...range('+180055501', 0, 20, 2, 'US', 'TOLL_FREE'),
    ...range('+4420794600', 0, 5, 2, 'GB', 'DID'),
  ] as ReadonlyArray<InventoryNumber>,
};

/**
 * What an emulated account holds besides what the API creates: one Connect instance in the source
 * Region (its replica, once replicated, in `replicaRegion`), its flows (replication copies them,
 * with the same ids, to the replica) and agents, and the numbers the service offers.
 */
export interface EmulatorWorld {
  readonly account: string;
  readonly sourceRegion: string;
  /** The Region `replicated: true` starts the instance replicated to. */
  readonly replicaRegion: string;
  readonly instanceId: string;
  readonly instanceAlias: string;
  readonly flowIds: ReadonlyArray<string>;
  readonly userIds: ReadonlyArray<string>;
  /** @default SEED.inventory */
  readonly inventory?: ReadonlyArray<InventoryNumber>;
  /**
   * The account's numbers in AWS End User Messaging SMS (what ImportPhoneNumber can import).
   * @default sourceNumbersOf(world): four numbers of the world's account, three in its source Region, one in its replica Region
   */
  readonly sourceNumbers?: ReadonlyArray<SourceNumber>;
}

/**
 * The End User Messaging catalogue of an account: three numbers in the source Region (none of
 * them in the claim inventory), one in the replica Region (importable only to an instance there,
 * which the emulated account does not have). The ARNs name the world's account.
 */
export function sourceNumbersOf(world: Pick<EmulatorWorld, 'account' | 'sourceRegion' | 'replicaRegion'>): SourceNumber[] {
  const arn = (region: string, id: string) => `arn:aws:sms-voice:${region}:${world.account}:phone-number/phone-0123456789abcdef0123456789abcde${id}`;
  return [
    { arn: arn(world.sourceRegion, '1'), region: world.sourceRegion, phoneNumber: '+18885550101', countryCode: 'US', type: 'TOLL_FREE' },
    { arn: arn(world.sourceRegion, '2'), region: world.sourceRegion, phoneNumber: '+14255550102', countryCode: 'US', type: 'DID' },
    { arn: arn(world.sourceRegion, '3'), region: world.sourceRegion, phoneNumber: '+14255550103', countryCode: 'US', type: 'DID' },
    { arn: arn(world.replicaRegion, '4'), region: world.replicaRegion, phoneNumber: '+15035550104', countryCode: 'US', type: 'DID' },
  ];
}

/** A world with its derived names (the instance ARN, a flow's ARN in a Region). SEED when none is given. */
export function worldOf(world: EmulatorWorld = SEED) {
  const { account, instanceId } = world;
  return {
    account,
    sourceRegion: world.sourceRegion,
    replicaRegion: world.replicaRegion,
    instanceId,
    instanceAlias: world.instanceAlias,
    flowIds: [...world.flowIds],
    userIds: [...world.userIds],
    inventory: [...(world.inventory ?? SEED.inventory)],
    sourceNumbers: [...(world.sourceNumbers ?? sourceNumbersOf(world))],
    instanceArn: `arn:aws:connect:${world.sourceRegion}:${account}:instance/${instanceId}`,
    flowArn: (region: string, flowId: string = world.flowIds[0]) => `arn:aws:connect:${region}:${account}:instance/${instanceId}/contact-flow/${flowId}`,
  };
}
