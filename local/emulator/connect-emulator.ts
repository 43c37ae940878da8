/**
 * A local Amazon Connect for the Global Resiliency operations, served over HTTP in the restJson1
 * wire format the AWS SDK speaks. Behaviours follow /work/shared/reference/connect-api.md (cited
 * per behaviour as "connect-api.md: <section>"); what that reference leaves open is marked
 * [inferred] with the choice made.
 *
 * Asynchronous work (group creation, claims, replication...) finishes at a scheduled time; the
 * state is brought up to date whenever it is observed, so no timers are left running.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import { accessKeyOf, Authorizer, resourcesOf } from './iam';
import { ImportHost, importPhoneNumber } from './import';
import { EmulatorWorld, InventoryNumber, worldOf } from './seed';
import { ConnectError, fail, matchRoute, offsetOf, pageToken, regionOfRequest, TokenBucket } from './wire';

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
const DEFAULT_DURATIONS: Required<EmulatorDurations> = {
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

const DAY_MS = 86_400_000;
/** connect-api.md: ClaimPhoneNumber — after FAILED "you have 1 day to retry claiming that number". */
const FAILED_CLAIM_HOLD_MS = DAY_MS;
/** connect-api.md: ReleasePhoneNumber — cool-down "up to 180 days" before the number can be claimed again. */
const RELEASE_COOL_DOWN_MS = 180 * DAY_MS;

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
}

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
}

/** One request the emulator answered. */
export interface CallRecord {
  readonly operation: string;
  readonly region: string;
  readonly status: number;
  readonly errorType?: string;
  readonly at: number;
}

type GroupStatus = 'CREATION_IN_PROGRESS' | 'ACTIVE' | 'CREATION_FAILED' | 'PENDING_DELETION' | 'DELETION_FAILED' | 'UPDATE_IN_PROGRESS';
type ReplicationStatus = 'INSTANCE_REPLICATION_COMPLETE' | 'INSTANCE_REPLICATION_IN_PROGRESS' | 'INSTANCE_REPLICATION_FAILED'
| 'INSTANCE_REPLICA_DELETING' | 'INSTANCE_REPLICATION_DELETION_FAILED';

interface Split {
  telephony: Record<string, number>;
  agent: Record<string, number>;
  signIn: Record<string, boolean>;
}

interface Group {
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

interface ClaimedNumber {
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

interface Replica {
  readonly region: string;
  readonly alias?: string;
  status: ReplicationStatus;
  reason?: string;
  pending?: { at: number; to: ReplicationStatus | 'GONE'; reason?: string };
}

interface InjectedErrors {
  readonly operation?: string;
  count: number;
  readonly status: 400 | 403 | 429 | 500 | 503;
  readonly errorType?: string;
}

/** connect-api.md: ReplicateInstance — "Region pairs only: us-east-1↔us-west-2, eu-west-2↔eu-central-1, ap-northeast-1→ap-northeast-3". */
const REPLICATION_PAIRS: Record<string, string[]> = {
  'us-east-1': ['us-west-2'],
  'us-west-2': ['us-east-1'],
  'eu-west-2': ['eu-central-1'],
  'eu-central-1': ['eu-west-2'],
  'ap-northeast-1': ['ap-northeast-3'],
};

const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';
const UUID_RE = new RegExp(`^${UUID}$`);
const ARN_PREFIX = '^arn:(?:aws|aws-us-gov):connect:([a-z]{2}-[a-z-]+-[0-9]):([0-9]{1,20}):';
/** connect-api.md: Identifiers — TDG id params accept UUID or ARN. */
const GROUP_ARN_RE = new RegExp(`${ARN_PREFIX}traffic-distribution-group/(${UUID})$`);
const NUMBER_ARN_RE = new RegExp(`${ARN_PREFIX}phone-number/(${UUID})$`);
const INSTANCE_ARN_RE = new RegExp(`${ARN_PREFIX}instance/(${UUID})$`);
const FLOW_ARN_RE = new RegExp(`${ARN_PREFIX}instance/(${UUID})/contact-flow/(${UUID})$`);
/** connect-api.md: Key constraints — TDG Name 1-128 and Description 1-250, `(^[\S].*[\S]$)|(^[\S]$)`. */
const NAME_RE = /(^\S.*\S$)|(^\S$)/s;
const PHONE_NUMBER_RE = /^\+[1-9]\d{1,14}$/;
const PHONE_NUMBER_TYPES = ['TOLL_FREE', 'DID', 'UIFN', 'SHARED', 'THIRD_PARTY_TF', 'THIRD_PARTY_DID', 'SHORT_CODE'];
const REGION_RE = /^[a-z]{2}(-[a-z]+){1,2}(-[0-9])?$/;
const ALIAS_RE = /^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;
const TAG_KEY_RE = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

type Body = Record<string, any>;

/** The emulators running in this process, by endpoint (the engine finds its emulator's from AWS_ENDPOINT_URL_CONNECT). */
const RUNNING = new Map<string, ConnectEmulator>();

interface Request {
  readonly region: string;
  readonly labels: Record<string, string>;
  readonly query: URLSearchParams;
  readonly body: Body;
}

export class ConnectEmulator {
  /** Starts an emulator listening on 127.0.0.1 on a free port. */
  static async start(options: EmulatorOptions = {}): Promise<ConnectEmulator> {
    const emulator = new ConnectEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject);
      emulator.server.listen(0, '127.0.0.1', () => resolve());
    });
    RUNNING.set(emulator.endpoint, emulator);
    return emulator;
  }

  /** The running emulator serving `endpoint` (AWS_ENDPOINT_URL_CONNECT), if any in this process. */
  static at(endpoint: string | undefined): ConnectEmulator | undefined {
    return endpoint === undefined ? undefined : RUNNING.get(endpoint.replace(/\/+$/, ''));
  }

  private readonly server: http.Server;
  private readonly timeScale: number;
  private readonly durations: Required<EmulatorDurations>;
  private readonly rateLimit: { perSecond: number; burst: number } | false;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly log: CallRecord[] = [];
  /** What the emulated account holds besides what the API creates (SEED unless `options.world`). */
  private readonly world: ReturnType<typeof worldOf>;
  private readonly authorizers: Authorizer[] = [];

  private readonly groupsById = new Map<string, Group>();
  private readonly numbersById = new Map<string, ClaimedNumber>();
  private readonly replicas = new Map<string, Replica>();
  /** Numbers offered for claiming, by E.164 address. */
  private readonly inventory = new Map<string, InventoryNumber>();
  /** Released numbers and when they may be offered again. */
  private readonly coolingDown = new Map<string, number>();
  /** Imported numbers released from Connect, by source ARN, and when they may be imported again (import.ts). */
  private readonly releasedSources = new Map<string, number>();
  /** ClientToken -> the parameters and the answer of its first use, per operation. */
  private readonly tokens = new Map<string, { params: string; result: Body }>();

  /** Regions whose every call fails (failRegion). */
  private readonly downRegions = new Set<string>();
  /** UpdateCrossRegionRouting's IsolatedAll, per instance (one instance here). */
  private isolatedAll = false;

  private faults: {
    groupCreation?: string;
    groupDeletion?: boolean;
    claim?: string;
    importing?: string;
    takeOnSearch?: boolean;
    replication?: string;
    errors: InjectedErrors[];
  } = { errors: [] };

  private constructor(options: EmulatorOptions) {
    this.timeScale = options.timeScale ?? 1;
    if (!(this.timeScale > 0)) {
      throw new Error(`timeScale must be positive; got ${this.timeScale}`);
    }
    this.durations = { ...DEFAULT_DURATIONS, ...options.durations };
    this.rateLimit = options.rateLimit === undefined ? { perSecond: 2, burst: 5 } : options.rateLimit;
    this.world = worldOf(options.world);
    this.world.inventory.forEach(n => this.inventory.set(n.phoneNumber, n));
    if (options.replicated === true) {
      this.replicas.set(this.world.replicaRegion, { region: this.world.replicaRegion, alias: `${this.world.instanceAlias}-replica`, status: 'INSTANCE_REPLICATION_COMPLETE' });
      this.createDefaultGroup(this.world.replicaRegion);
    }
    this.server = http.createServer((req, res) => this.serve(req, res));
  }

  /** The base URL to give the SDK (`endpoint`, or AWS_ENDPOINT_URL_CONNECT). */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Closes the server and every connection (the SDK keeps connections alive). */
  async stop(): Promise<void> {
    RUNNING.delete(this.endpoint);
    await new Promise<void>(resolve => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /**
   * Registers an authorizer: from now on, every call signed with an access key it knows is allowed
   * or refused (403 AccessDeniedException) by it. Returns a function that unregisters it.
   */
  addAuthorizer(authorizer: Authorizer): () => void {
    this.authorizers.push(authorizer);
    return () => {
      const i = this.authorizers.indexOf(authorizer);
      if (i >= 0) {
        this.authorizers.splice(i, 1);
      }
    };
  }

  /** Every request answered, in order. */
  get calls(): ReadonlyArray<CallRecord> {
    return this.log;
  }

  /**
   * The duration of each asynchronous step in the emulator's model of the real service, in
   * milliseconds, before scaling: a step takes `realDurations()[step] * timeScale` here.
   */
  realDurations(): Required<EmulatorDurations> {
    return { ...this.durations };
  }

  callCount(operation?: string): number {
    return operation === undefined ? this.log.length : this.log.filter(c => c.operation === operation).length;
  }

  // ------------------------------------------------------------------ inspection

  /** The groups that exist (not yet gone). */
  groups(): Array<{ id: string; arn: string; name: string; status: string; isDefault: boolean; instanceArn: string; region: string }> {
    this.advance();
    return [...this.groupsById.values()].map(g => ({
      id: g.id, arn: g.arn, name: g.name, status: g.status, isDefault: g.isDefault, instanceArn: this.world.instanceArn, region: g.region,
    }));
  }

  /** The numbers this account holds, in any status. */
  claimedNumbers(): Array<{
    phoneNumber: string;
    id: string;
    arn: string;
    status: string;
    targetArn: string;
    description?: string;
    tags: Record<string, string>;
    flows: Record<string, string>;
    message?: string;
    sourcePhoneNumberArn?: string;
  }> {
    this.advance();
    return [...this.numbersById.values()].map(n => ({
      phoneNumber: n.phoneNumber,
      id: n.id,
      arn: n.arn,
      status: n.status,
      targetArn: n.targetArn,
      description: n.description,
      tags: { ...n.tags },
      flows: { ...n.flows },
      message: n.message,
      sourcePhoneNumberArn: n.sourcePhoneNumberArn,
    }));
  }

  /** A group's current split. */
  distribution(groupArn: string): { telephony: Record<string, number>; agent: Record<string, number>; signIn: Record<string, boolean> } {
    const g = this.groupByArn(groupArn);
    return { telephony: { ...g.split.telephony }, agent: { ...g.split.agent }, signIn: { ...g.split.signIn } };
  }

  instance(): { arn: string; replicaRegions: string[]; replicationStatus: Record<string, string> } {
    this.advance();
    return {
      arn: this.world.instanceArn,
      replicaRegions: [...this.replicas.keys()],
      replicationStatus: Object.fromEntries([...this.replicas.values()].map(r => [r.region, r.status])),
    };
  }

  /** The user ids associated with a group. */
  groupUsers(groupArn: string): string[] {
    return [...this.groupByArn(groupArn).users];
  }

  // ------------------------------------------------------------------ state between processes

  /**
   * What the account holds (groups, numbers, replicas, the numbers on offer and cooling down, the
   * ClientTokens used), as JSON-safe data; `restore` on an emulator of the same instance (its
   * world may name more flows, users and numbers on offer) takes it back. Pending transitions
   * keep their wall-clock times, so a restore later finds them done.
   */
  snapshot(): EmulatorSnapshot {
    return JSON.parse(JSON.stringify({
      version: 1,
      world: { instanceArn: this.world.instanceArn },
      groups: [...this.groupsById.values()].map(g => ({ ...g, users: [...g.users] })),
      numbers: [...this.numbersById.values()],
      replicas: [...this.replicas.values()],
      taken: this.world.inventory.filter(n => !this.inventory.has(n.phoneNumber)).map(n => n.phoneNumber),
      coolingDown: [...this.coolingDown.entries()],
      tokens: [...this.tokens.entries()],
    }));
  }

  /** Replaces what the account holds with a snapshot taken by `snapshot` (of the same instance). */
  restore(snapshot: EmulatorSnapshot): void {
    if (snapshot.version !== 1 || snapshot.world.instanceArn !== this.world.instanceArn) {
      throw new Error(`The saved emulator state is of ${snapshot.world?.instanceArn ?? 'another format'}, not of ${this.world.instanceArn}.`);
    }
    const fill = <V>(map: Map<string, V>, entries: Array<[string, V]>) => {
      map.clear();
      entries.forEach(([k, v]) => map.set(k, v));
    };
    fill(this.groupsById, snapshot.groups.map(g => [g.id, { ...(g as unknown as Group), users: new Set(g.users) }]));
    fill(this.numbersById, snapshot.numbers.map(n => [n.id, n as unknown as ClaimedNumber]));
    fill(this.replicas, snapshot.replicas.map(r => [r.region, r as unknown as Replica]));
    // The world's numbers on offer (its inventory may have grown since the snapshot), less those taken before.
    fill(this.inventory, this.world.inventory.filter(n => !snapshot.taken.includes(n.phoneNumber)).map(n => [n.phoneNumber, n]));
    fill(this.coolingDown, snapshot.coolingDown);
    fill(this.tokens, snapshot.tokens as Array<[string, { params: string; result: Body }]>);
  }

  // ------------------------------------------------------------------ scripted faults

  /** Drops every scripted fault not yet triggered (a test step's faults must not leak into the next). */
  clearFaults(): void {
    this.faults = { errors: [] };
  }

  /** The next group created ends CREATION_FAILED. */
  failNextGroupCreation(reason = 'scripted failure'): void {
    this.faults.groupCreation = reason;
  }

  /** The next group deleted ends DELETION_FAILED. */
  failNextGroupDeletion(): void {
    this.faults.groupDeletion = true;
  }

  /** The next claim ends FAILED with this PhoneNumberStatus.Message. */
  failNextClaim(message: string): void {
    this.faults.claim = message;
  }

  /** The next import ends FAILED with this PhoneNumberStatus.Message. */
  failNextImport(message: string): void {
    this.faults.importing = message;
  }

  /** The first candidate of the next search is taken by another account right after the search answers. */
  takeOnNextSearch(): void {
    this.faults.takeOnSearch = true;
  }

  /** Another account takes this number now. */
  takeNumber(phoneNumber: string): void {
    this.inventory.delete(phoneNumber);
  }

  /**
   * The next `count` calls (of `operation`, or any) fail with this status: 429 and 5xx are
   * transient (the handlers retry them until the resource's deadline), 400 and 403 are not (the
   * call fails at once, as a refused request or a denied permission does on AWS).
   */
  injectErrors(spec: { operation?: string; count: number; status: 400 | 403 | 429 | 500 | 503; errorType?: string }): void {
    this.faults.errors.push({ ...spec });
  }

  /**
   * Every call to `region` fails (the Region's endpoint is down) until restoreRegion: answered 503
   * ServiceUnavailableException before anything else, throttling included (README: Region outage).
   */
  failRegion(region: string): void {
    this.downRegions.add(region);
  }

  restoreRegion(region: string): void {
    this.downRegions.delete(region);
  }

  /** The next replication ends INSTANCE_REPLICATION_FAILED with this reason. */
  failNextReplication(reason: string): void {
    this.faults.replication = reason;
  }

  /** Someone deleted the group outside the test: it is gone now. */
  deleteGroupOutOfBand(groupArn: string): void {
    this.groupsById.delete(this.groupByArn(groupArn).id);
  }

  /** Someone released the number outside the test: it is gone now. */
  releaseNumberOutOfBand(phoneNumber: string): void {
    this.advance();
    const n = [...this.numbersById.values()].find(x => x.phoneNumber === phoneNumber);
    if (n === undefined) {
      throw new Error(`the account holds no number ${phoneNumber}`);
    }
    this.removeNumber(n);
  }

  /** A number this account already holds (CLAIMED) on the target, as if claimed earlier. */
  seedClaimedNumber(phoneNumber: string, targetArn: string): { arn: string; id: string } {
    const offered = this.inventory.get(phoneNumber);
    this.inventory.delete(phoneNumber);
    const id = crypto.randomUUID();
    const arn = `arn:aws:connect:${this.world.sourceRegion}:${this.world.account}:phone-number/${id}`;
    this.numbersById.set(id, {
      id,
      arn,
      region: this.world.sourceRegion,
      phoneNumber,
      countryCode: offered?.countryCode ?? (phoneNumber.startsWith('+44') ? 'GB' : 'US'),
      type: offered?.type ?? (phoneNumber.startsWith('+1800') ? 'TOLL_FREE' : 'DID'),
      targetArn,
      tags: {},
      flows: {},
      status: 'CLAIMED',
    });
    return { arn, id };
  }

  // ------------------------------------------------------------------ HTTP

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const matched = matchRoute(req.method ?? 'GET', url.pathname);
      const operation = matched?.operation ?? 'UnknownOperation';
      let region = '';
      let status = 200;
      let out: Body = {};
      let errorType: string | undefined;
      try {
        region = regionOfRequest(req.headers.authorization);
        if (matched === undefined) {
          throw new ConnectError(404, 'UnknownOperationException', `The emulator serves no operation at ${req.method} ${url.pathname}.`);
        }
        if (this.downRegions.has(region)) {
          throw new ConnectError(503, 'ServiceUnavailableException', `Region ${region} is unavailable (scripted outage).`);
        }
        const text = Buffer.concat(chunks).toString('utf8');
        let body: Body = {};
        if (text !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            throw new ConnectError(400, 'SerializationException', 'The request body is not valid JSON.');
          }
        }
        const request = { region, labels: matched.labels, query: url.searchParams, body };
        this.authorize(accessKeyOf(req.headers.authorization), operation, request);
        this.throttle(region);
        this.injected(operation);
        this.advance();
        out = this.dispatch(operation, request);
      } catch (e) {
        // A fault of the emulator itself is answered, under its own name, rather than crashing the test process.
        const err = e instanceof ConnectError ? e : new ConnectError(500, 'EmulatorBugException', String((e as Error)?.stack ?? e));
        status = err.status;
        errorType = err.type;
        out = { Message: err.message, message: err.message, ...err.extra };
      }
      this.log.push({ operation, region, status, errorType, at: Date.now() });
      const payload = JSON.stringify(out);
      const headers: http.OutgoingHttpHeaders = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        'x-amzn-requestid': crypto.randomUUID(),
      };
      if (errorType !== undefined) {
        headers['x-amzn-errortype'] = errorType;
      }
      res.writeHead(status, headers);
      res.end(payload);
    });
  }

  /**
   * Enforces the caller's IAM policy: an authorizer registered by the local CloudFormation engine
   * decides for the access keys it gave its functions; a refusal is AWS's 403
   * AccessDeniedException (connect-api.md: error shapes). A key no authorizer knows is the
   * test's own client, let through as the account's administrator.
   */
  private authorize(accessKeyId: string | undefined, operation: string, r: Request): void {
    if (accessKeyId === undefined || this.authorizers.length === 0) {
      return;
    }
    const request = { accessKeyId, action: `connect:${operation}`, resources: resourcesOf(operation, r, this.world.account) };
    for (const authorizer of this.authorizers) {
      const decision = authorizer(request);
      if (decision !== undefined) {
        if (!decision.allowed) {
          throw new ConnectError(403, 'AccessDeniedException', decision.message);
        }
        return;
      }
    }
  }

  /** connect-api.md (Rate limits): per account per Region, 2/s, burst 5; throttled → 429 ThrottlingException. */
  private throttle(region: string): void {
    if (this.rateLimit === false) {
      return;
    }
    let bucket = this.buckets.get(region);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.rateLimit.perSecond / 1000 / this.timeScale, this.rateLimit.burst, Date.now());
      this.buckets.set(region, bucket);
    }
    if (!bucket.take(Date.now())) {
      fail('ThrottlingException', 'Rate exceeded');
    }
  }

  private injected(operation: string): void {
    const i = this.faults.errors.findIndex(f => f.count > 0 && (f.operation === undefined || f.operation === operation));
    if (i < 0) {
      return;
    }
    const f = this.faults.errors[i];
    f.count -= 1;
    if (f.count === 0) {
      this.faults.errors.splice(i, 1);
    }
    const type = f.errorType ?? {
      400: 'InvalidRequestException', 403: 'AccessDeniedException', 429: 'ThrottlingException', 500: 'InternalServiceException', 503: 'ServiceUnavailableException',
    }[f.status];
    throw new ConnectError(f.status, type, `Injected ${type} (scripted fault).`);
  }

  private dispatch(operation: string, r: Request): Body {
    switch (operation) {
      case 'CreateTrafficDistributionGroup': return this.createGroup(r);
      case 'DescribeTrafficDistributionGroup': return this.describeGroup(r);
      case 'DeleteTrafficDistributionGroup': return this.deleteGroup(r);
      case 'ListTrafficDistributionGroups': return this.listGroups(r);
      case 'AssociateTrafficDistributionGroupUser': return this.associateUser(r);
      case 'DisassociateTrafficDistributionGroupUser': return this.disassociateUser(r);
      case 'ListTrafficDistributionGroupUsers': return this.listUsers(r);
      case 'GetTrafficDistribution': return this.getDistribution(r);
      case 'UpdateTrafficDistribution': return this.updateDistribution(r);
      case 'ClaimPhoneNumber': return this.claim(r);
      case 'ImportPhoneNumber': return importPhoneNumber(this.importHost(), r.region, r.body);
      case 'SearchAvailablePhoneNumbers': return this.search(r);
      case 'ListPhoneNumbersV2': return this.listNumbers(r);
      case 'DescribePhoneNumber': return this.describeNumber(r);
      case 'UpdatePhoneNumber': return this.move(r);
      case 'UpdatePhoneNumberMetadata': return this.updateMetadata(r);
      case 'ReleasePhoneNumber': return this.release(r);
      case 'AssociatePhoneNumberContactFlow': return this.associateFlow(r);
      case 'DisassociatePhoneNumberContactFlow': return this.disassociateFlow(r);
      case 'DescribeContactFlow': return this.describeFlow(r);
      case 'DescribeInstance': return this.describeInstance(r);
      case 'ReplicateInstance': return this.replicate(r);
      case 'DeleteInstance': return this.deleteInstance(r);
      case 'GetCrossRegionRouting': return this.getCrossRegionRouting(r);
      case 'UpdateCrossRegionRouting': return this.updateCrossRegionRouting(r);
      case 'TagResource': return this.tag(r);
      case 'UntagResource': return this.untag(r);
      default: throw new Error(`no handler for ${operation}`);
    }
  }

  // ------------------------------------------------------------------ time

  private scaled(name: keyof EmulatorDurations): number {
    return this.durations[name] * this.timeScale;
  }

  /** Applies every transition whose time has come. */
  private advance(): void {
    const now = Date.now();
    for (const r of [...this.replicas.values()]) {
      if (r.pending !== undefined && r.pending.at <= now) {
        const { to, reason } = r.pending;
        r.pending = undefined;
        if (to === 'GONE') {
          this.removeReplica(r.region);
        } else {
          r.status = to;
          r.reason = reason;
          if (to === 'INSTANCE_REPLICATION_COMPLETE') {
            this.createDefaultGroup(r.region);
          }
        }
      }
    }
    for (const g of [...this.groupsById.values()]) {
      if (g.pending !== undefined && g.pending.at <= now) {
        const { to, split } = g.pending;
        g.pending = undefined;
        if (to === 'GONE') {
          this.groupsById.delete(g.id);
        } else {
          g.status = to;
          g.split = split ?? g.split;
        }
      }
    }
    for (const n of [...this.numbersById.values()]) {
      if (n.pending !== undefined && n.pending.at <= now) {
        const p = n.pending;
        n.pending = undefined;
        if (p.to === 'GONE') {
          this.removeNumber(n);
          continue;
        }
        n.status = p.to;
        n.message = p.message;
        if (p.to === 'FAILED') {
          n.failedAt = p.at;
        }
        if (p.targetArn !== undefined && p.to === 'CLAIMED') {
          // connect-api.md: UpdatePhoneNumber — "Does not migrate the flow association".
          n.targetArn = p.targetArn;
          n.flows = {};
        }
        if (p.description !== undefined) {
          n.description = p.description;
        }
      }
      // connect-api.md: ClaimPhoneNumber — after FAILED, 1 day to retry before the number returns to inventory.
      if (n.status === 'FAILED' && n.failedAt !== undefined && now - n.failedAt >= FAILED_CLAIM_HOLD_MS * this.timeScale) {
        this.numbersById.delete(n.id);
      }
    }
    for (const [phoneNumber, until] of this.coolingDown) {
      if (until <= now) {
        this.coolingDown.delete(phoneNumber);
      }
    }
  }

  // ------------------------------------------------------------------ lookups

  /** A replica that is a working instance (its flows and groups reachable from its Region). */
  private liveReplica(region: string): Replica | undefined {
    const r = this.replicas.get(region);
    return r !== undefined && (r.status === 'INSTANCE_REPLICATION_COMPLETE' || r.status === 'INSTANCE_REPLICATION_DELETION_FAILED') ? r : undefined;
  }

  /** The two Regions a group distributes between: the source and its complete replica. */
  private groupRegions(): string[] {
    const replica = [...this.replicas.values()].find(r => this.liveReplica(r.region) !== undefined);
    return replica === undefined ? [this.world.sourceRegion] : [this.world.sourceRegion, replica.region];
  }

  private instanceArnIn(region: string): string {
    return `arn:aws:connect:${region}:${this.world.account}:instance/${this.world.instanceId}`;
  }

  /**
   * The instance an InstanceId (id or ARN) names in the calling Region: the source in its Region,
   * the replica (same id: connect-api.md Identifiers) in the replica Region.
   */
  private instanceIn(region: string, idOrArn: unknown): { region: string; arn: string; isReplica: boolean } {
    if (typeof idOrArn !== 'string' || idOrArn === '') {
      return fail('InvalidParameterException', 'InstanceId is required.');
    }
    const m = INSTANCE_ARN_RE.exec(idOrArn);
    const id = m === null ? idOrArn : m[3];
    const arnRegion = m === null ? region : m[1];
    // The replica is an instance from the end of its replication until it is gone.
    const replica = this.replicas.get(region)?.status;
    const exists = region === this.world.sourceRegion
      || replica !== undefined && replica !== 'INSTANCE_REPLICATION_IN_PROGRESS' && replica !== 'INSTANCE_REPLICATION_FAILED';
    if (id !== this.world.instanceId || arnRegion !== region || !exists) {
      return fail('ResourceNotFoundException', `Instance not found in ${region}: ${idOrArn}`);
    }
    return { region, arn: this.instanceArnIn(region), isReplica: region !== this.world.sourceRegion };
  }

  private groupByArn(arn: string): Group {
    this.advance();
    const g = [...this.groupsById.values()].find(x => x.arn === arn);
    if (g === undefined) {
      throw new Error(`no group ${arn}`);
    }
    return g;
  }

  /**
   * A group named by UUID or ARN from the calling Region.
   * connect-api.md: Identifiers — from the replica Region the ARN is required (UUID → ResourceNotFoundException).
   * `sourceOnly`: the operation is callable only in the group's Region (connect-api.md: DeleteTrafficDistributionGroup;
   * SDK doc of AssociateTrafficDistributionGroupUser); the error type is not documented [inferred: InvalidRequestException].
   */
  private groupIn(region: string, idOrArn: string, sourceOnly = false): Group {
    const m = GROUP_ARN_RE.exec(idOrArn);
    if (m === null && !UUID_RE.test(idOrArn)) {
      return fail('InvalidRequestException', `Not a traffic distribution group id or ARN: ${idOrArn}`);
    }
    const g = this.groupsById.get(m === null ? idOrArn : m[3]);
    const notFound = () => fail('ResourceNotFoundException', `Traffic distribution group not found: ${idOrArn}`);
    if (g === undefined || m !== null && m[0] !== g.arn) {
      return notFound();
    }
    if (region === g.region) {
      return g;
    }
    if (m === null || this.liveReplica(region) === undefined) {
      return notFound();
    }
    if (sourceOnly) {
      return fail('InvalidRequestException', `This operation can be called only in ${g.region}, where the traffic distribution group was created.`);
    }
    return g;
  }

  /**
   * A claimed number by UUID or ARN from the calling Region: its own Region by either; the replica
   * Region by ARN only, and only when it is on a group (connect-api.md: Identifiers, "Same rule for
   * DescribePhoneNumber and AssociatePhoneNumberContactFlow on TDG-claimed numbers"). `homeOnly`:
   * the operation must run where the number was claimed (connect-api.md: ReleasePhoneNumber,
   * UpdatePhoneNumber — "InvalidParameter if called outside the TDG's region").
   */
  private numberIn(region: string, idOrArn: string, homeOnly = false): ClaimedNumber {
    const m = NUMBER_ARN_RE.exec(idOrArn);
    if (m === null && !UUID_RE.test(idOrArn)) {
      return fail('InvalidParameterException', `Not a phone number id or ARN: ${idOrArn}`);
    }
    const n = this.numbersById.get(m === null ? idOrArn : m[3]);
    const notFound = () => fail('ResourceNotFoundException', `Phone number not found: ${idOrArn}`);
    if (n === undefined || m !== null && m[0] !== n.arn) {
      return notFound();
    }
    if (region === n.region) {
      return n;
    }
    if (m === null || !GROUP_ARN_RE.test(n.targetArn) || this.liveReplica(region) === undefined) {
      return notFound();
    }
    if (homeOnly) {
      return fail('InvalidParameterException', `This operation can be called only in ${n.region}, where the phone number was claimed.`);
    }
    return n;
  }

  /**
   * The target of a claim, search, move or list: TargetArn (instance or group) or InstanceId.
   * connect-api.md: ClaimPhoneNumber — "You must enter InstanceId or TargetArn"; must be called in the
   * Region where the instance/TDG was created (InvalidParameter from the wrong Region); a TDG that does
   * not exist / is not ACTIVE → ResourceNotFound. SearchAvailablePhoneNumbers — a TDG target can be
   * searched from both Regions (`anyGroupRegion`).
   */
  private targetIn(region: string, body: Body, opts: { requireActive: boolean; anyGroupRegion: boolean }): { arn: string } {
    const { TargetArn: targetArn, InstanceId: instanceId } = body;
    if ((targetArn === undefined) === (instanceId === undefined)) {
      return fail('InvalidParameterException', 'You must enter InstanceId or TargetArn (one of them).');
    }
    if (instanceId !== undefined) {
      return { arn: this.instanceIn(region, instanceId).arn };
    }
    if (typeof targetArn !== 'string') {
      return fail('InvalidParameterException', 'TargetArn must be a string.');
    }
    const im = INSTANCE_ARN_RE.exec(targetArn);
    if (im !== null) {
      if (im[1] !== region) {
        return fail('InvalidParameterException', `The target instance is in ${im[1]}: call from that Region.`);
      }
      return { arn: this.instanceIn(region, targetArn).arn };
    }
    const gm = GROUP_ARN_RE.exec(targetArn);
    if (gm === null) {
      return fail('InvalidParameterException', `TargetArn is neither an instance nor a traffic distribution group ARN: ${targetArn}`);
    }
    const g = this.groupsById.get(gm[3]);
    if (g === undefined || g.arn !== targetArn) {
      return fail('ResourceNotFoundException', `Traffic distribution group not found: ${targetArn}`);
    }
    if (region !== g.region && !(opts.anyGroupRegion && this.liveReplica(region) !== undefined)) {
      return fail('InvalidParameterException', `The traffic distribution group was created in ${g.region}: call from that Region.`);
    }
    if (opts.requireActive && g.status !== 'ACTIVE') {
      return fail('ResourceNotFoundException', `Traffic distribution group ${targetArn} is not ACTIVE (${g.status}).`);
    }
    return { arn: g.arn };
  }

  /**
   * ClientToken idempotency: the same token with the same parameters answers as the first call did;
   * with other parameters → IdempotencyException (connect-api.md: ClaimPhoneNumber "same ClientToken,
   * different params"; Connect's name for it, used for every operation here [inferred]).
   */
  private idempotent(operation: string, token: unknown, params: unknown, run: () => Body): Body {
    if (typeof token !== 'string' || token === '') {
      return run();
    }
    const key = `${operation}|${token}`;
    const seen = this.tokens.get(key);
    const p = JSON.stringify(params);
    if (seen !== undefined) {
      if (seen.params !== p) {
        return fail('IdempotencyException', 'An entity with the same name already exists (this ClientToken was used with other parameters).');
      }
      return seen.result;
    }
    const result = run();
    this.tokens.set(key, { params: p, result });
    return result;
  }

  private validateTags(tags: unknown, type: 'InvalidRequestException' | 'InvalidParameterException'): Record<string, string> {
    if (tags === undefined) {
      return {};
    }
    if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
      return fail(type, 'Tags must be a map.');
    }
    const entries = Object.entries(tags as Record<string, unknown>);
    // connect-api.md: Key constraints — Tags map 1-50 entries, key `^(?!aws:)...` 1-128, value ≤256.
    if (entries.length > 50) {
      return fail(type, 'At most 50 tags.');
    }
    for (const [k, v] of entries) {
      if (k.length < 1 || k.length > 128 || !TAG_KEY_RE.test(k) || typeof v !== 'string' || v.length > 256) {
        return fail(type, `Invalid tag ${k}.`);
      }
    }
    return { ...(tags as Record<string, string>) };
  }

  // ------------------------------------------------------------------ groups

  private createDefaultGroup(replicaRegion: string): void {
    const id = crypto.randomUUID();
    // connect-api.md: ReplicateInstance "Creates the default TDG"; its name is not documented [inferred].
    this.groupsById.set(id, {
      id,
      arn: `arn:aws:connect:${this.world.sourceRegion}:${this.world.account}:traffic-distribution-group/${id}`,
      name: `${this.world.instanceAlias}-default`,
      region: this.world.sourceRegion,
      isDefault: true,
      status: 'ACTIVE',
      tags: {},
      users: new Set(),
      split: {
        // connect-api.md: GetTrafficDistribution — 100 % source / 0 % replica by default. Sign-in enabled in
        // both Regions on the default group [inferred].
        telephony: { [this.world.sourceRegion]: 100, [replicaRegion]: 0 },
        agent: { [this.world.sourceRegion]: 100, [replicaRegion]: 0 },
        signIn: { [this.world.sourceRegion]: true, [replicaRegion]: true },
      },
    });
  }

  /** connect-api.md: CreateTrafficDistributionGroup. */
  private createGroup(r: Request): Body {
    const { Name: name, Description: description, InstanceId: instanceId, ClientToken: token } = r.body;
    if (typeof name !== 'string' || name.length < 1 || name.length > 128 || !NAME_RE.test(name)) {
      return fail('InvalidRequestException', 'Name must be 1-128 characters, not starting or ending with whitespace.');
    }
    if (description !== undefined && (typeof description !== 'string' || description.length < 1 || description.length > 250 || !NAME_RE.test(description))) {
      return fail('InvalidRequestException', 'Description must be 1-250 characters, not starting or ending with whitespace.');
    }
    const tags = this.validateTags(r.body.Tags, 'InvalidRequestException');
    const instance = this.instanceIn(r.region, instanceId);
    return this.idempotent('CreateTrafficDistributionGroup', token, { name, description, instance: instance.arn, tags }, () => {
      // connect-api.md: "Must be called in the source region ... on an instance that has been replicated; otherwise InvalidRequestException".
      if (instance.isReplica) {
        return fail('InvalidRequestException', 'Traffic distribution groups can be created only in the source Region of the instance.');
      }
      if (this.replicas.size === 0 || [...this.replicas.values()].every(x => x.status === 'INSTANCE_REPLICATION_FAILED')) {
        return fail('InvalidRequestException', 'The instance has not been replicated: call ReplicateInstance first.');
      }
      if (this.groupRegions().length < 2) {
        // connect-api.md: "ResourceNotReady 409 (instance/replica not ready)".
        return fail('ResourceNotReadyException', 'The replica of the instance is not ready yet.');
      }
      // connect-api.md: "ResourceConflict 409 ('A resource already has that name' → duplicate name)"; a group
      // still being deleted keeps its name until it is gone [inferred].
      if ([...this.groupsById.values()].some(g => g.name === name)) {
        return fail('ResourceConflictException', `A resource already has that name: ${name}`);
      }
      const id = crypto.randomUUID();
      const arn = `arn:aws:connect:${this.world.sourceRegion}:${this.world.account}:traffic-distribution-group/${id}`;
      const [source, replica] = this.groupRegions();
      const failed = this.faults.groupCreation !== undefined;
      this.faults.groupCreation = undefined;
      this.groupsById.set(id, {
        id,
        arn,
        name,
        description,
        region: this.world.sourceRegion,
        isDefault: false,
        status: 'CREATION_IN_PROGRESS',
        tags,
        users: new Set(),
        // connect-api.md: GetTrafficDistribution — "Default distribution after creating a TDG: 100 % source / 0 % replica".
        split: { telephony: { [source]: 100, [replica]: 0 }, agent: { [source]: 100, [replica]: 0 }, signIn: {} },
        // connect-api.md: "Status starts CREATION_IN_PROGRESS, poll ... until ACTIVE or CREATION_FAILED".
        pending: { at: Date.now() + this.scaled('groupCreate'), to: failed ? 'CREATION_FAILED' : 'ACTIVE' },
      });
      return { Id: id, Arn: arn };
    });
  }

  /** connect-api.md: DescribeTrafficDistributionGroup. */
  private describeGroup(r: Request): Body {
    const g = this.groupIn(r.region, r.labels.TrafficDistributionGroupId);
    return {
      TrafficDistributionGroup: {
        Id: g.id,
        Arn: g.arn,
        Name: g.name,
        Description: g.description,
        InstanceArn: this.world.instanceArn,
        Status: g.status,
        Tags: g.tags,
        IsDefault: g.isDefault,
      },
    };
  }

  /** connect-api.md: DeleteTrafficDistributionGroup. */
  private deleteGroup(r: Request): Body {
    const g = this.groupIn(r.region, r.labels.TrafficDistributionGroupId, true);
    if (g.isDefault) {
      // connect-api.md: "The default TDG cannot be deleted by this API ... expect InvalidRequestException".
      return fail('InvalidRequestException', 'The default traffic distribution group cannot be deleted: it is deleted with the replica.');
    }
    if (g.status === 'PENDING_DELETION') {
      return {}; // already being deleted [inferred: idempotent]
    }
    if (g.status === 'CREATION_IN_PROGRESS' || g.status === 'UPDATE_IN_PROGRESS') {
      return fail('InvalidRequestException', `The traffic distribution group is ${g.status}; delete it once that has finished.`); // [inferred]
    }
    // connect-api.md: "ResourceInUseException (409, body {Message, ResourceType, ResourceId}) if phone numbers are still claimed to it";
    // a number moving onto the group counts too [inferred].
    const onIt = [...this.numbersById.values()].filter(n => n.status !== 'FAILED' && (n.targetArn === g.arn || n.pending?.targetArn === g.arn));
    if (onIt.length > 0) {
      return fail('ResourceInUseException',
        `You must first release phone numbers claimed to the traffic distribution group by using ReleasePhoneNumber (${onIt.map(n => n.phoneNumber).join(', ')}).`,
        { ResourceType: 'PHONE_NUMBER', ResourceId: onIt[0].id });
    }
    const failed = this.faults.groupDeletion === true;
    this.faults.groupDeletion = undefined;
    // connect-api.md: "Async: 200 with empty body, then PENDING_DELETION until Describe → 404; DELETION_FAILED possible".
    g.status = 'PENDING_DELETION';
    g.pending = { at: Date.now() + this.scaled('groupDelete'), to: failed ? 'DELETION_FAILED' : 'GONE' };
    return {};
  }

  /** connect-api.md: ListTrafficDistributionGroups (maxResults 1-10, nextToken, instanceId). */
  private listGroups(r: Request): Body {
    const max = r.query.get('maxResults') === null ? 10 : Number(r.query.get('maxResults'));
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      return fail('InvalidRequestException', 'maxResults must be 1-10.');
    }
    const instanceId = r.query.get('instanceId');
    let all: Group[];
    if (instanceId !== null) {
      this.instanceIn(r.region, instanceId);
      all = [...this.groupsById.values()];
    } else {
      all = [...this.groupsById.values()].filter(g => g.region === r.region);
    }
    const start = offsetOf(r.query.get('nextToken') ?? undefined, 'InvalidRequestException');
    const page = all.slice(start, start + max);
    return {
      TrafficDistributionGroupSummaryList: page.map(g => ({
        Id: g.id, Arn: g.arn, Name: g.name, InstanceArn: this.world.instanceArn, Status: g.status, IsDefault: g.isDefault,
      })),
      NextToken: start + max < all.length ? pageToken(start + max) : undefined,
    };
  }

  // ------------------------------------------------------------------ distribution

  /** connect-api.md: GetTrafficDistribution — "Get/UpdateTrafficDistribution only when Status is ACTIVE". */
  private getDistribution(r: Request): Body {
    const g = this.groupIn(r.region, r.labels.Id);
    if (g.status !== 'ACTIVE') {
      return fail('InvalidRequestException', `The traffic distribution group is ${g.status}, not ACTIVE.`); // error type [inferred]
    }
    const pct = (m: Record<string, number>) => ({ Distributions: Object.entries(m).map(([Region, Percentage]) => ({ Region, Percentage })) });
    return {
      Id: g.id,
      Arn: g.arn,
      TelephonyConfig: pct(g.split.telephony),
      AgentConfig: pct(g.split.agent),
      SignInConfig: g.isDefault ? { Distributions: Object.entries(g.split.signIn).map(([Region, Enabled]) => ({ Region, Enabled })) } : undefined,
    };
  }

  /** connect-api.md: UpdateTrafficDistribution — the rules under "fails with InvalidRequestException unless". */
  private updateDistribution(r: Request): Body {
    const g = this.groupIn(r.region, r.labels.Id);
    if (g.status === 'UPDATE_IN_PROGRESS') {
      // connect-api.md: "ResourceConflict 409 (e.g. concurrent update / UPDATE_IN_PROGRESS — [inferred])".
      return fail('ResourceConflictException', 'The previous UpdateTrafficDistribution operation is still in progress.');
    }
    if (g.status !== 'ACTIVE') {
      return fail('InvalidRequestException', `The traffic distribution group is ${g.status}, not ACTIVE.`);
    }
    const regions = this.groupRegions();
    const { TelephonyConfig: telephony, AgentConfig: agent, SignInConfig: signIn } = r.body;
    if (telephony === undefined) {
      return fail('InvalidRequestException', 'TelephonyConfig is required.');
    }
    const percentages = (what: string, config: any): Record<string, number> => {
      const list = this.distributionList(what, config, regions);
      const out: Record<string, number> = {};
      for (const d of list) {
        if (!Number.isInteger(d.Percentage) || d.Percentage < 0 || d.Percentage > 100 || d.Percentage % 10 !== 0) {
          return fail('InvalidRequestException', `${what}: percentages must be integers 0-100 in 10 % increments.`);
        }
        out[d.Region] = d.Percentage;
      }
      if (Object.values(out).reduce((a, b) => a + b, 0) !== 100) {
        return fail('InvalidRequestException', `${what}: percentages must sum to 100.`);
      }
      return out;
    };
    const next: Split = { telephony: percentages('TelephonyConfig', telephony), agent: { ...g.split.agent }, signIn: { ...g.split.signIn } };
    if (agent !== undefined) {
      next.agent = percentages('AgentConfig', agent);
    }
    if (signIn !== undefined) {
      if (!g.isDefault) {
        return fail('InvalidRequestException', 'SignInConfig can be changed only on the default traffic distribution group.');
      }
      const list = this.distributionList('SignInConfig', signIn, regions);
      if (list.some(d => typeof d.Enabled !== 'boolean')) {
        return fail('InvalidRequestException', 'SignInConfig: Enabled must be a boolean.');
      }
      next.signIn = Object.fromEntries(list.map(d => [d.Region, d.Enabled]));
    }
    // connect-api.md: UPDATE_IN_PROGRESS "the previous UpdateTrafficDistribution operation is still in progress";
    // the new split shows once the group is ACTIVE again [inferred].
    g.status = 'UPDATE_IN_PROGRESS';
    g.pending = { at: Date.now() + this.scaled('groupUpdate'), to: 'ACTIVE', split: next };
    return {};
  }

  /** connect-api.md: "distributions specified for both linked instances' regions" (exactly those, once each). */
  private distributionList(what: string, config: any, regions: string[]): any[] {
    const list = config?.Distributions;
    if (!Array.isArray(list)) {
      return fail('InvalidRequestException', `${what}.Distributions is required.`);
    }
    const named = list.map((d: any) => d?.Region);
    if (named.length !== regions.length || new Set(named).size !== named.length || !regions.every(x => named.includes(x))) {
      return fail('InvalidRequestException', `${what}: give exactly the Regions of the instance and its replica (${regions.join(', ')}).`);
    }
    return list;
  }

  // ------------------------------------------------------------------ group users

  /**
   * SDK doc of AssociateTrafficDistributionGroupUser: "can be called only in the Region where the
   * traffic distribution group is created". The user must exist in the group's instance
   * (ResourceNotFound); a group being created or deleted answers ResourceConflict (in the SDK's error
   * list for this operation) [inferred]; associating twice is accepted [inferred].
   */
  private associateUser(r: Request): Body {
    const { g, userId } = this.userTarget(r, r.body.UserId, r.body.InstanceId);
    if (g.status !== 'ACTIVE' && g.status !== 'UPDATE_IN_PROGRESS') {
      return fail('ResourceConflictException', `The traffic distribution group is ${g.status}.`);
    }
    g.users.add(userId);
    return {};
  }

  /** Disassociating a user who is not associated → ResourceNotFound [inferred]. */
  private disassociateUser(r: Request): Body {
    const { g, userId } = this.userTarget(r, r.query.get('UserId'), r.query.get('InstanceId'));
    if (!g.users.delete(userId)) {
      return fail('ResourceNotFoundException', `User ${userId} is not associated with the traffic distribution group.`);
    }
    return {};
  }

  private userTarget(r: Request, userId: unknown, instanceId: unknown): { g: Group; userId: string } {
    const g = this.groupIn(r.region, r.labels.TrafficDistributionGroupId, true);
    if (typeof userId !== 'string' || userId === '') {
      return fail('InvalidRequestException', 'UserId is required.');
    }
    // The group's Region is the source Region, so this is the group's instance (or not found).
    this.instanceIn(r.region, instanceId);
    if (!this.world.userIds.includes(userId)) {
      return fail('ResourceNotFoundException', `User not found: ${userId}`);
    }
    return { g, userId };
  }

  private listUsers(r: Request): Body {
    const g = this.groupIn(r.region, r.labels.TrafficDistributionGroupId);
    return { TrafficDistributionGroupUserSummaryList: [...g.users].map(UserId => ({ UserId })) };
  }

  // ------------------------------------------------------------------ numbers

  /** A number this account may claim now: offered, not held, not cooling down after a release. */
  private offered(phoneNumber: string): InventoryNumber | undefined {
    const n = this.inventory.get(phoneNumber);
    if (n === undefined || this.coolingDown.has(phoneNumber) || [...this.numbersById.values()].some(x => x.phoneNumber === phoneNumber)) {
      return undefined;
    }
    return n;
  }

  /** connect-api.md: SearchAvailablePhoneNumbers. */
  private search(r: Request): Body {
    const { PhoneNumberCountryCode: country, PhoneNumberType: type, PhoneNumberPrefix: prefix, MaxResults: maxRaw, NextToken: next } = r.body;
    // A target that does not exist → ResourceNotFound (not in this operation's documented errors) [inferred].
    this.targetIn(r.region, r.body, { requireActive: false, anyGroupRegion: true });
    if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
      return fail('InvalidParameterException', 'PhoneNumberCountryCode is required (ISO 3166 alpha-2).');
    }
    if (!PHONE_NUMBER_TYPES.includes(type)) {
      return fail('InvalidParameterException', `PhoneNumberType must be one of ${PHONE_NUMBER_TYPES.join(', ')}.`);
    }
    // connect-api.md: PhoneNumberPrefix `\+?[0-9]{1,11}`; MaxResults 1-10.
    if (prefix !== undefined && (typeof prefix !== 'string' || !/^\+?[0-9]{1,11}$/.test(prefix))) {
      return fail('InvalidParameterException', 'PhoneNumberPrefix must match \\+?[0-9]{1,11}.');
    }
    const max = maxRaw ?? 10;
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      return fail('InvalidParameterException', 'MaxResults must be 1-10.');
    }
    const wanted = prefix === undefined ? '+' : prefix.startsWith('+') ? prefix : `+${prefix}`;
    const matches = this.world.inventory
      .filter(n => n.countryCode === country && n.type === type && n.phoneNumber.startsWith(wanted) && this.offered(n.phoneNumber) !== undefined);
    const start = offsetOf(next, 'InvalidParameterException');
    const page = matches.slice(start, start + max);
    if (this.faults.takeOnSearch === true && page.length > 0) {
      this.faults.takeOnSearch = undefined;
      this.inventory.delete(page[0].phoneNumber);
    }
    return {
      AvailableNumbersList: page.map(n => ({ PhoneNumber: n.phoneNumber, PhoneNumberCountryCode: n.countryCode, PhoneNumberType: n.type })),
      NextToken: start + max < matches.length ? pageToken(start + max) : undefined,
    };
  }

  /** connect-api.md: ClaimPhoneNumber. */
  private claim(r: Request): Body {
    const { PhoneNumber: phoneNumber, PhoneNumberDescription: description, ClientToken: token } = r.body;
    if (typeof phoneNumber !== 'string' || !PHONE_NUMBER_RE.test(phoneNumber)) {
      return fail('InvalidParameterException', 'PhoneNumber must be E.164 (\\+[1-9]\\d{1,14}).');
    }
    // connect-api.md: ClientToken "pattern ^[a-f0-9]{8}-…-[a-f0-9]{12}$ i.e. UUID, ≤500".
    if (token !== undefined && (typeof token !== 'string' || !UUID_RE.test(token))) {
      return fail('InvalidParameterException', 'ClientToken must be a lowercase UUID.');
    }
    if (description !== undefined && (typeof description !== 'string' || description.length > 500)) {
      return fail('InvalidParameterException', 'PhoneNumberDescription must be at most 500 characters.');
    }
    const tags = this.validateTags(r.body.Tags, 'InvalidParameterException');
    const target = this.targetIn(r.region, r.body, { requireActive: true, anyGroupRegion: false });
    return this.idempotent('ClaimPhoneNumber', token, { phoneNumber, target: target.arn, description, tags }, () => {
      // A FAILED claim of this account holds the number for a day and may be retried (connect-api.md: ClaimPhoneNumber).
      const retry = [...this.numbersById.values()].find(n => n.phoneNumber === phoneNumber && n.status === 'FAILED');
      if (retry !== undefined) {
        this.numbersById.delete(retry.id);
      }
      const offer = this.offered(phoneNumber);
      if (offer === undefined) {
        // connect-api.md: "InvalidParameter 400 (incl. 'Phone number not available: …' when taken ...)".
        return fail('InvalidParameterException', `Phone number not available: ${phoneNumber}`);
      }
      const id = crypto.randomUUID();
      const arn = `arn:aws:connect:${r.region}:${this.world.account}:phone-number/${id}`;
      const message = this.faults.claim;
      this.faults.claim = undefined;
      this.numbersById.set(id, {
        id,
        arn,
        region: r.region,
        phoneNumber,
        countryCode: offer.countryCode,
        type: offer.type,
        description,
        targetArn: target.arn,
        tags,
        flows: {},
        status: 'IN_PROGRESS',
        // connect-api.md: "Async: IN_PROGRESS → CLAIMED | FAILED (+Message, max 255 chars)".
        pending: { at: Date.now() + this.scaled('claim'), to: message === undefined ? 'CLAIMED' : 'FAILED', message: message?.slice(0, 255) },
      });
      return { PhoneNumberId: id, PhoneNumberArn: arn };
    });
  }

  /** What import.ts needs of this emulator. */
  private importHost(): ImportHost {
    const live = () => [...this.numbersById.values()].filter(n => n.status !== 'FAILED');
    return {
      world: this.world,
      instanceIn: (region, idOrArn) => this.instanceIn(region, idOrArn),
      validateTags: tags => this.validateTags(tags, 'InvalidParameterException'),
      idempotent: (token, params, run) => this.idempotent('ImportPhoneNumber', token, params, run),
      importedSources: () => live().map(n => n.sourcePhoneNumberArn).filter((x): x is string => x !== undefined),
      releasedSources: () => this.releasedSources,
      heldNumbers: () => live().map(n => n.phoneNumber),
      addImported: n => {
        const message = this.faults.importing;
        this.faults.importing = undefined;
        this.numbersById.set(n.id, {
          ...n,
          flows: {},
          status: 'IN_PROGRESS',
          // connect-api.md: ImportPhoneNumber — IN_PROGRESS → CLAIMED | FAILED (+Message); it takes as long as a claim [inferred].
          pending: { at: Date.now() + this.scaled('claim'), to: message === undefined ? 'CLAIMED' : 'FAILED', message: message?.slice(0, 255) },
        });
      },
    };
  }

  private summary(n: ClaimedNumber): Body {
    const instance = INSTANCE_ARN_RE.exec(n.targetArn);
    return {
      PhoneNumberId: n.id,
      PhoneNumberArn: n.arn,
      PhoneNumber: n.phoneNumber,
      PhoneNumberCountryCode: n.countryCode,
      PhoneNumberType: n.type,
      PhoneNumberDescription: n.description,
      TargetArn: n.targetArn,
      // InstanceId only for numbers claimed to an instance [inferred].
      InstanceId: instance === null ? undefined : instance[3],
      // connect-api.md: Wire format — DescribePhoneNumber and ListPhoneNumbersV2 carry SourcePhoneNumberArn.
      SourcePhoneNumberArn: n.sourcePhoneNumberArn,
    };
  }

  /** connect-api.md: DescribePhoneNumber. */
  private describeNumber(r: Request): Body {
    const n = this.numberIn(r.region, r.labels.PhoneNumberId);
    return {
      ClaimedPhoneNumberSummary: {
        ...this.summary(n),
        Tags: n.tags,
        PhoneNumberStatus: { Status: n.status, Message: n.message },
      },
    };
  }

  /**
   * connect-api.md: ListPhoneNumbersV2 — TargetArn / InstanceId, country codes, types, prefix,
   * MaxResults 1-1000 (default 100 [inferred]). Lists the numbers visible from the Region, FAILED
   * claims excluded [inferred].
   */
  private listNumbers(r: Request): Body {
    const { PhoneNumberCountryCodes: countries, PhoneNumberTypes: types, PhoneNumberPrefix: prefix } = r.body;
    const max = r.body.MaxResults ?? 100;
    if (!Number.isInteger(max) || max < 1 || max > 1000) {
      return fail('InvalidParameterException', 'MaxResults must be 1-1000.');
    }
    if (prefix !== undefined && (typeof prefix !== 'string' || !/^\+?[0-9]{1,15}$/.test(prefix))) {
      return fail('InvalidParameterException', 'PhoneNumberPrefix must be digits, optionally after +.');
    }
    const target = r.body.TargetArn !== undefined || r.body.InstanceId !== undefined
      ? this.targetIn(r.region, r.body, { requireActive: false, anyGroupRegion: true }).arn : undefined;
    const wanted = prefix === undefined ? '+' : prefix.startsWith('+') ? prefix : `+${prefix}`;
    const all = [...this.numbersById.values()]
      .filter(n => n.status !== 'FAILED')
      .filter(n => n.region === r.region || GROUP_ARN_RE.test(n.targetArn) && this.liveReplica(r.region) !== undefined)
      .filter(n => target === undefined || n.targetArn === target)
      .filter(n => !Array.isArray(countries) || countries.includes(n.countryCode))
      .filter(n => !Array.isArray(types) || types.includes(n.type))
      .filter(n => n.phoneNumber.startsWith(wanted))
      .sort((a, b) => a.phoneNumber.localeCompare(b.phoneNumber) || a.id.localeCompare(b.id));
    const start = offsetOf(r.body.NextToken, 'InvalidParameterException');
    return {
      ListPhoneNumbersSummaryList: all.slice(start, start + max).map(n => this.summary(n)),
      NextToken: start + max < all.length ? pageToken(start + max) : undefined,
    };
  }

  /** Follow-up operations only after CLAIMED (connect-api.md: ClaimPhoneNumber); busy → ResourceInUse [inferred]. */
  private requireClaimed(n: ClaimedNumber): void {
    if (n.status !== 'CLAIMED' || n.pending !== undefined) {
      fail('ResourceInUseException', `Phone number ${n.phoneNumber} is ${n.releaseToken !== undefined ? 'being released' : n.status}; try again once it is CLAIMED.`,
        { ResourceType: 'PHONE_NUMBER', ResourceId: n.id });
    }
  }

  /** connect-api.md: UpdatePhoneNumber — moves in the same Region, async, ResourceNotFound for a TDG not ACTIVE. */
  private move(r: Request): Body {
    const n = this.numberIn(r.region, r.labels.PhoneNumberId, true);
    const target = this.targetIn(r.region, r.body, { requireActive: true, anyGroupRegion: false });
    return this.idempotent('UpdatePhoneNumber', r.body.ClientToken, { id: n.id, target: target.arn }, () => {
      this.requireClaimed(n);
      // A move to where the number already is changes nothing [inferred].
      if (target.arn !== n.targetArn) {
        n.status = 'IN_PROGRESS';
        n.pending = { at: Date.now() + this.scaled('move'), to: 'CLAIMED', targetArn: target.arn };
      }
      return { PhoneNumberId: n.id, PhoneNumberArn: n.arn };
    });
  }

  /** connect-api.md: UpdatePhoneNumberMetadata — description 0-500, IN_PROGRESS while applying. */
  private updateMetadata(r: Request): Body {
    const n = this.numberIn(r.region, r.labels.PhoneNumberId, true);
    const description = r.body.PhoneNumberDescription;
    if (description !== undefined && (typeof description !== 'string' || description.length > 500)) {
      return fail('InvalidParameterException', 'PhoneNumberDescription must be at most 500 characters.');
    }
    return this.idempotent('UpdatePhoneNumberMetadata', r.body.ClientToken, { id: n.id, description }, () => {
      this.requireClaimed(n);
      n.status = 'IN_PROGRESS';
      n.pending = { at: Date.now() + this.scaled('metadata'), to: 'CLAIMED', description: description ?? '' };
      return {};
    });
  }

  /**
   * connect-api.md: ReleasePhoneNumber — only in the Region where it was claimed; the number is
   * IN_PROGRESS until gone [inferred async, as Terraform waits]; then it cools down for 180 days.
   * Releasing again with the same clientToken is accepted; a FAILED claim is simply dropped.
   */
  private release(r: Request): Body {
    const n = this.numberIn(r.region, r.labels.PhoneNumberId, true);
    const token = r.query.get('clientToken') ?? '';
    if (n.releaseToken !== undefined) {
      if (n.releaseToken === token && token !== '') {
        return {};
      }
      return fail('ResourceInUseException', `Phone number ${n.phoneNumber} is already being released.`, { ResourceType: 'PHONE_NUMBER', ResourceId: n.id });
    }
    if (n.status === 'FAILED') {
      this.numbersById.delete(n.id);
      return {};
    }
    this.requireClaimed(n);
    n.status = 'IN_PROGRESS';
    n.releaseToken = token;
    n.pending = { at: Date.now() + this.scaled('release'), to: 'GONE' };
    return {};
  }

  private removeNumber(n: ClaimedNumber): void {
    this.numbersById.delete(n.id);
    this.coolingDown.set(n.phoneNumber, Date.now() + RELEASE_COOL_DOWN_MS * this.timeScale);
    if (n.sourcePhoneNumberArn !== undefined) {
      // Where a released imported number goes is not documented (connect-api.md: ImportPhoneNumber) [inferred, harsher: not importable again for the cool-down].
      this.releasedSources.set(n.sourcePhoneNumberArn, Date.now() + RELEASE_COOL_DOWN_MS * this.timeScale);
    }
  }

  /**
   * connect-api.md: AssociatePhoneNumberContactFlow — "TDG numbers: association must be done in both
   * regions (source instance and replica) with each region's flow; from the replica region
   * PhoneNumberId must be the ARN". The flow must exist in the calling Region (ResourceNotFound); the
   * number must be CLAIMED and the instance one the number serves (InvalidParameter) [inferred].
   */
  private associateFlow(r: Request): Body {
    const n = this.numberIn(r.region, r.labels.PhoneNumberId);
    const instance = this.servingInstance(r, n, r.body.InstanceId);
    const flowId = r.body.ContactFlowId;
    if (typeof flowId !== 'string' || flowId === '') {
      return fail('InvalidParameterException', 'ContactFlowId is required.');
    }
    const fm = FLOW_ARN_RE.exec(flowId);
    const id = fm === null ? flowId : fm[4];
    if (!this.world.flowIds.includes(id) || fm !== null && (fm[1] !== r.region || fm[3] !== this.world.instanceId)) {
      return fail('ResourceNotFoundException', `Contact flow not found in ${instance.arn}: ${flowId}`);
    }
    if (n.status !== 'CLAIMED' || n.pending !== undefined) {
      return fail('InvalidParameterException', `Phone number ${n.phoneNumber} is ${n.status}: associate a flow once it is CLAIMED.`);
    }
    n.flows[r.region] = this.world.flowArn(r.region, id);
    return {};
  }

  /**
   * DescribeContactFlow (GET /contact-flows/{InstanceId}/{ContactFlowId}; Amazon Connect API
   * Reference, DescribeContactFlow; the path as @aws-sdk/client-connect serializes it): the flow of
   * the instance in the calling Region, or ResourceNotFound. Every seeded flow exists in both
   * Regions (the replica keeps the instance's flows) and is published, so ContactFlowNotPublished
   * is not modelled. Only the fields the handlers may read are returned.
   */
  private describeFlow(r: Request): Body {
    const instance = this.instanceIn(r.region, r.labels.InstanceId);
    const id = r.labels.ContactFlowId;
    if (!this.world.flowIds.includes(id)) {
      return fail('ResourceNotFoundException', `Contact flow not found in ${instance.arn}: ${id}`);
    }
    return { ContactFlow: { Arn: this.world.flowArn(r.region, id), Id: id, Name: `flow-${id.slice(0, 8)}`, Type: 'CONTACT_FLOW', State: 'ACTIVE', Status: 'PUBLISHED' } };
  }

  /** Disassociating where no flow is associated → ResourceNotFound [inferred]. */
  private disassociateFlow(r: Request): Body {
    const n = this.numberIn(r.region, r.labels.PhoneNumberId);
    this.servingInstance(r, n, r.query.get('instanceId'));
    if (n.flows[r.region] === undefined) {
      return fail('ResourceNotFoundException', `No contact flow is associated with ${n.phoneNumber} in ${r.region}.`);
    }
    delete n.flows[r.region];
    return {};
  }

  private servingInstance(r: Request, n: ClaimedNumber, instanceId: unknown): { arn: string } {
    const instance = this.instanceIn(r.region, instanceId);
    const serves = GROUP_ARN_RE.test(n.targetArn) || n.targetArn === instance.arn;
    if (!serves) {
      return fail('InvalidParameterException', `Phone number ${n.phoneNumber} is not claimed to ${instance.arn}.`);
    }
    return instance;
  }

  // ------------------------------------------------------------------ instance and replica

  /** connect-api.md: DescribeInstance — Instance and ReplicationConfiguration (timestamps as epoch seconds). */
  private describeInstance(r: Request): Body {
    const instance = this.instanceIn(r.region, r.labels.InstanceId);
    return {
      Instance: {
        Id: this.world.instanceId,
        Arn: instance.arn,
        IdentityManagementType: 'SAML',
        InstanceAlias: instance.isReplica ? this.replicas.get(r.region)?.alias ?? this.world.instanceAlias : this.world.instanceAlias,
        CreatedTime: 1_767_225_600,
        ServiceRole: `arn:aws:iam::${this.world.account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect`,
        InstanceStatus: 'ACTIVE',
        InboundCallsEnabled: true,
        OutboundCallsEnabled: true,
        InstanceAccessUrl: `https://${this.world.instanceAlias}.my.connect.aws`,
        Tags: {},
      },
      ReplicationConfiguration: this.replicas.size === 0 ? undefined : {
        SourceRegion: this.world.sourceRegion,
        GlobalSignInEndpoint: `https://${this.world.instanceAlias}.global.my.connect.aws`, // form [inferred]
        ReplicationStatusSummaryList: [...this.replicas.values()].map(x => ({
          Region: x.region, ReplicationStatus: x.status, ReplicationStatusReason: x.reason,
        })),
      },
    };
  }

  /**
   * connect-api.md: Cross-Region routing — GetCrossRegionRouting / UpdateCrossRegionRouting(InstanceId,
   * IsolatedAll). Callable in either Region of a replicated instance, naming the instance of the
   * Region called [inferred]; on an instance that is not replicated: InvalidRequestException
   * [inferred]. Get answers IsolatedRegions: every Region of the instance while IsolatedAll is true,
   * none otherwise [inferred: the reference gives only IsolatedAll's meaning].
   */
  private getCrossRegionRouting(r: Request): Body {
    this.routedInstance(r);
    return { IsolatedRegions: this.isolatedAll ? this.groupRegions() : [] };
  }

  private updateCrossRegionRouting(r: Request): Body {
    this.routedInstance(r);
    if (typeof r.body.IsolatedAll !== 'boolean') {
      return fail('InvalidParameterException', 'IsolatedAll is required (true or false).');
    }
    this.isolatedAll = r.body.IsolatedAll;
    return {};
  }

  private routedInstance(r: Request): void {
    this.instanceIn(r.region, r.labels.InstanceId);
    if (this.groupRegions().length < 2) {
      fail('InvalidRequestException', 'Cross-Region routing needs an instance replicated with Global Resiliency.');
    }
  }

  /** connect-api.md: ReplicateInstance — preconditions, async replication, creates the default TDG. */
  private replicate(r: Request): Body {
    const instance = this.instanceIn(r.region, r.labels.InstanceId);
    const { ReplicaRegion: replicaRegion, ReplicaAlias: alias, ClientToken: token } = r.body;
    if (typeof replicaRegion !== 'string' || !REGION_RE.test(replicaRegion)) {
      return fail('InvalidRequestException', 'ReplicaRegion is required.');
    }
    // connect-api.md (ReplicateInstance's ReplicaAlias): optional in the SDK model, "currently still a required
    // field" in the admin guide: the harsher reading, required [the error type is inferred].
    if (alias === undefined) {
      return fail('InvalidRequestException', 'ReplicaAlias is required.');
    }
    if (typeof alias !== 'string' || alias.length > 45 || !ALIAS_RE.test(alias)) {
      return fail('InvalidRequestException', 'ReplicaAlias must be 1-45 letters, digits and hyphens.');
    }
    return this.idempotent('ReplicateInstance', token, { instance: instance.arn, replicaRegion, alias }, () => {
      if (instance.isReplica) {
        return fail('InvalidRequestException', 'A replica cannot be replicated.');
      }
      if (replicaRegion === instance.region) {
        return fail('InvalidRequestException', 'The replica Region must differ from the source Region.');
      }
      if (!(REPLICATION_PAIRS[instance.region] ?? []).includes(replicaRegion)) {
        return fail('InvalidRequestException', `Replication from ${instance.region} to ${replicaRegion} is not supported.`);
      }
      if (this.replicas.size > 0) {
        return fail('InvalidRequestException', 'The instance is already replicated.');
      }
      if (alias === this.world.instanceAlias) {
        return fail('InvalidRequestException', 'ReplicaAlias must be unique.'); // connect-api.md: "must be unique"
      }
      const reason = this.faults.replication;
      this.faults.replication = undefined;
      this.replicas.set(replicaRegion, {
        region: replicaRegion,
        alias,
        status: 'INSTANCE_REPLICATION_IN_PROGRESS',
        pending: {
          at: Date.now() + this.scaled('replicate'),
          to: reason === undefined ? 'INSTANCE_REPLICATION_COMPLETE' : 'INSTANCE_REPLICATION_FAILED',
          reason,
        },
      });
      // connect-api.md: "→ {Id, Arn} (Id == source instance id)"; the Arn is the replica's [inferred].
      return { Id: this.world.instanceId, Arn: this.instanceArnIn(replicaRegion) };
    });
  }

  /**
   * DeleteInstance of the replica, from the replica Region: INSTANCE_REPLICA_DELETING, then gone
   * with its default group (connect-api.md: the default TDG "is deleted when the replica is
   * deleted"). Deleting the source instance is not modelled (refused).
   */
  private deleteInstance(r: Request): Body {
    const m = INSTANCE_ARN_RE.exec(r.labels.InstanceId);
    const region = m === null ? r.region : m[1];
    const replica = this.replicas.get(region);
    const id = m === null ? r.labels.InstanceId : m[3];
    if (region !== r.region || region === this.world.sourceRegion || replica === undefined || id !== this.world.instanceId) {
      if (region === this.world.sourceRegion && r.region === this.world.sourceRegion) {
        return fail('InvalidRequestException', 'The emulator does not model deleting the source instance.');
      }
      return fail('ResourceNotFoundException', `Instance not found in ${r.region}: ${r.labels.InstanceId}`);
    }
    if (replica.status === 'INSTANCE_REPLICA_DELETING') {
      return {};
    }
    replica.status = 'INSTANCE_REPLICA_DELETING';
    replica.reason = undefined;
    replica.pending = { at: Date.now() + this.scaled('replicaDelete'), to: 'GONE' };
    return {};
  }

  private removeReplica(region: string): void {
    this.replicas.delete(region);
    for (const g of [...this.groupsById.values()]) {
      if (g.isDefault) {
        this.groupsById.delete(g.id);
      }
    }
    for (const n of this.numbersById.values()) {
      delete n.flows[region];
    }
  }

  // ------------------------------------------------------------------ tags

  private taggable(r: Request): { tags: Record<string, string> } {
    const arn = r.labels.resourceArn;
    if (GROUP_ARN_RE.test(arn)) {
      return this.groupIn(r.region, arn);
    }
    if (NUMBER_ARN_RE.test(arn)) {
      return this.numberIn(r.region, arn);
    }
    return fail('ResourceNotFoundException', `No taggable resource ${arn} (the emulator tags groups and phone numbers).`);
  }

  /** connect-api.md: TagResource — POST /tags/{resourceArn}, body `tags`; at most 50 tags per resource. */
  private tag(r: Request): Body {
    const resource = this.taggable(r);
    const tags = this.validateTags(r.body.tags, 'InvalidParameterException');
    if (Object.keys(tags).length === 0) {
      return fail('InvalidParameterException', 'tags is required.');
    }
    const merged = { ...resource.tags, ...tags };
    if (Object.keys(merged).length > 50) {
      return fail('InvalidParameterException', 'A resource has at most 50 tags.');
    }
    resource.tags = merged;
    return {};
  }

  /** connect-api.md: UntagResource — DELETE /tags/{resourceArn}?tagKeys=a&tagKeys=b. */
  private untag(r: Request): Body {
    const resource = this.taggable(r);
    const keys = r.query.getAll('tagKeys');
    if (keys.length === 0) {
      return fail('InvalidParameterException', 'tagKeys is required.');
    }
    const rest = { ...resource.tags };
    keys.forEach(k => delete rest[k]);
    resource.tags = rest;
    return {};
  }
}
