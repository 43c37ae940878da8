/**
 * The emulator's options and snapshot format, its data model (groups, claimed numbers, replicas,
 * scripted faults, a request), and the identifier patterns and limits it checks. Behaviours follow
 * /work/shared/reference/connect-api.md (cited as "connect-api.md: <section>").
 */
import { EmulatorWorld } from './seed';

/** Real-world milliseconds each asynchronous step takes, before scaling by timeScale. */
export interface EmulatorDurations {
  readonly groupCreate?: number;
  readonly groupUpdate?: number;
  readonly groupDelete?: number;
  readonly claim?: number;
  readonly release?: number;
  readonly move?: number;
  /** UpdatePhoneNumberMetadata (connect-api.md: "status IN_PROGRESS while applying"). */
  readonly metadata?: number;
  readonly replicate?: number;
  readonly replicaDelete?: number;
}

/**
 * connect-api.md (Timing data): no published timings; these are plausible values inside the
 * evidence (Terraform's 2-minute phone number timeouts, a ~2 s failover split).
 */
export const DEFAULT_DURATIONS: Required<EmulatorDurations> = {
  groupCreate: 20_000,
  groupUpdate: 2_000,
  groupDelete: 10_000,
  claim: 3_000,
  release: 3_000,
  move: 3_000,
  metadata: 1_000,
  replicate: 60_000,
  replicaDelete: 30_000,
};

export const DAY_MS = 86_400_000;
/** connect-api.md: ClaimPhoneNumber — after FAILED "you have 1 day to retry claiming that number". */
export const FAILED_CLAIM_HOLD_MS = DAY_MS;
/** connect-api.md: ReleasePhoneNumber — cool-down "up to 180 days" before the number can be claimed again. */
export const RELEASE_COOL_DOWN_MS = 180 * DAY_MS;

export interface EmulatorOptions {
  /** Multiplies every duration and divides the rate limit's refill interval. @default 1 */
  readonly timeScale?: number;
  readonly durations?: EmulatorDurations;
  /** Token bucket per account and Region, shared by all operations. @default { perSecond: 2, burst: 5 } */
  readonly rateLimit?: { perSecond: number; burst: number } | false;
  /** Start with the instance replicated to the world's replicaRegion (replica COMPLETE, default group ACTIVE). @default false */
  readonly replicated?: boolean;
  /** The account, Regions, instance, flows, users and numbers on offer the emulator holds. @default SEED */
  readonly world?: EmulatorWorld;
  /**
   * The order of SearchAvailablePhoneNumbers' results, which AWS does not document (README: "Two undocumented
   * readings"): 'sorted', every caller gets the matches in E.164 order, so concurrent searches see the same first
   * page (the harsher reading); 'shuffled', each call draws its own order (from the world's seed in a world).
   * @default 'sorted'
   */
  readonly searchOrder?: SearchOrder;
}

/** SearchAvailablePhoneNumbers' order of results (EmulatorOptions.searchOrder). */
export type SearchOrder = 'sorted' | 'shuffled';

/** An emulator's state as `snapshot()` returns it: JSON, for `restore()` in another process. */
export interface EmulatorSnapshot {
  readonly version: 1;
  readonly world: { readonly instanceArn: string };
  readonly groups: ReadonlyArray<{ readonly id: string; readonly users: string[] } & Record<string, unknown>>;
  readonly numbers: ReadonlyArray<{ readonly id: string } & Record<string, unknown>>;
  readonly replicas: ReadonlyArray<{ readonly region: string } & Record<string, unknown>>;
  /** Numbers of the world's inventory no longer on offer (another account took them). */
  readonly taken: string[];
  readonly coolingDown: Array<[string, number]>;
  readonly tokens: Array<[string, unknown]>;
  /** UpdateCrossRegionRouting's IsolatedAll (absent in snapshots taken before it was kept: false). */
  readonly isolatedAll?: boolean;
}

/** One request the emulator answered. */
export interface CallRecord {
  readonly operation: string;
  readonly region: string;
  readonly status: number;
  readonly errorType?: string;
  readonly at: number;
}

export type GroupStatus = 'CREATION_IN_PROGRESS' | 'ACTIVE' | 'CREATION_FAILED' | 'PENDING_DELETION' | 'DELETION_FAILED' | 'UPDATE_IN_PROGRESS';
export type ReplicationStatus = 'INSTANCE_REPLICATION_COMPLETE' | 'INSTANCE_REPLICATION_IN_PROGRESS' | 'INSTANCE_REPLICATION_FAILED'
| 'INSTANCE_REPLICA_DELETING' | 'INSTANCE_REPLICATION_DELETION_FAILED';

export interface Split {
  telephony: Record<string, number>;
  agent: Record<string, number>;
  signIn: Record<string, boolean>;
}

export interface Group {
  readonly id: string;
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  readonly region: string;
  readonly isDefault: boolean;
  status: GroupStatus;
  tags: Record<string, string>;
  split: Split;
  readonly users: Set<string>;
  /** The status (and split) the group reaches at `at`; 'GONE' removes it. */
  pending?: { at: number; to: GroupStatus | 'GONE'; split?: Split };
}

export interface ClaimedNumber {
  readonly id: string;
  readonly arn: string;
  readonly region: string;
  readonly phoneNumber: string;
  readonly countryCode: string;
  readonly type: string;
  description?: string;
  targetArn: string;
  tags: Record<string, string>;
  /** Region -> flow ARN. */
  flows: Record<string, string>;
  status: 'IN_PROGRESS' | 'CLAIMED' | 'FAILED';
  message?: string;
  failedAt?: number;
  /** Set while a release is under way, with the release's ClientToken. */
  releaseToken?: string;
  /** The End User Messaging number it was imported from (import.ts). */
  sourcePhoneNumberArn?: string;
  pending?: { at: number; to: 'CLAIMED' | 'FAILED' | 'GONE'; targetArn?: string; description?: string; message?: string };
}

export interface Replica {
  readonly region: string;
  readonly alias?: string;
  status: ReplicationStatus;
  reason?: string;
  pending?: { at: number; to: ReplicationStatus | 'GONE'; reason?: string };
}

export interface InjectedErrors {
  readonly operation?: string;
  count: number;
  readonly status: 400 | 403 | 429 | 500 | 503;
  readonly errorType?: string;
}

/**
 * connect-api.md: ReplicateInstance — "Region pairs only: us-east-1↔us-west-2, eu-west-2↔eu-central-1, ap-northeast-1→ap-northeast-3".
 * Kept apart from the library's own table (src/shared/names.ts) on purpose: the emulator is the
 * service the library is tested against, so a mistake in the library's table must not be its own.
 */
export const REPLICATION_PAIRS: Record<string, string[]> = {
  'us-east-1': ['us-west-2'],
  'us-west-2': ['us-east-1'],
  'eu-west-2': ['eu-central-1'],
  'eu-central-1': ['eu-west-2'],
  'ap-northeast-1': ['ap-northeast-3'],
};

const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';
export const UUID_RE = new RegExp(`^${UUID}$`);
const ARN_PREFIX = '^arn:(?:aws|aws-us-gov):connect:([a-z]{2}-[a-z-]+-[0-9]):([0-9]{1,20}):';
/** connect-api.md: Identifiers — TDG id params accept UUID or ARN. */
export const GROUP_ARN_RE = new RegExp(`${ARN_PREFIX}traffic-distribution-group/(${UUID})$`);
export const NUMBER_ARN_RE = new RegExp(`${ARN_PREFIX}phone-number/(${UUID})$`);
export const INSTANCE_ARN_RE = new RegExp(`${ARN_PREFIX}instance/(${UUID})$`);
export const FLOW_ARN_RE = new RegExp(`${ARN_PREFIX}instance/(${UUID})/contact-flow/(${UUID})$`);
/** connect-api.md: Key constraints — TDG Name 1-128 and Description 1-250, `(^[\S].*[\S]$)|(^[\S]$)`. */
export const NAME_RE = /(^\S.*\S$)|(^\S$)/s;
export const PHONE_NUMBER_RE = /^\+[1-9]\d{1,14}$/;
export const PHONE_NUMBER_TYPES = ['TOLL_FREE', 'DID', 'UIFN', 'SHARED', 'THIRD_PARTY_TF', 'THIRD_PARTY_DID', 'SHORT_CODE'];
export const REGION_RE = /^[a-z]{2}(-[a-z]+){1,2}(-[0-9])?$/;
export const ALIAS_RE = /^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;
export const TAG_KEY_RE = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export type Body = Record<string, any>;

export interface Request {
  readonly region: string;
  readonly labels: Record<string, string>;
  readonly query: URLSearchParams;
  readonly body: Body;
}

/** The scripted faults not yet triggered. */
export interface Faults {
  groupCreation?: string;
  groupDeletion?: boolean;
  claim?: string;
  importing?: string;
  takeOnSearch?: boolean;
  replication?: string;
  errors: InjectedErrors[];
}
