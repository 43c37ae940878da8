/**
 * What an emulator holds (the account's groups, numbers, replicas, the numbers on offer, ClientTokens,
 * the rate limiter's buckets, the scripted faults and the call log), and time: asynchronous work
 * finishes at a scheduled time, and `advance` applies every transition whose time has come.
 */
import { Authorizer } from './iam';
import {
  Body, CallRecord, ClaimedNumber, DEFAULT_DURATIONS, EmulatorDurations, EmulatorOptions, FAILED_CLAIM_HOLD_MS, Faults, Group,
  RELEASE_COOL_DOWN_MS, Replica, SearchOrder,
} from './model';
import { InventoryNumber, worldOf } from './seed';
import { TokenBucket } from './wire';
import { uuidFor } from '../clock/virtual-clock';

/** An AWS Query request (see EmulatorState.queryServers) and its answer. */
export interface QueryRequest {
  readonly service: string;
  readonly region: string;
  readonly accessKeyId?: string;
  readonly params: URLSearchParams;
}
export type QueryServer = (req: QueryRequest) => { status: number; xml: string } | undefined;

export class EmulatorState {
  readonly timeScale: number;
  readonly durations: Required<EmulatorDurations>;
  readonly rateLimit: { perSecond: number; burst: number } | false;
  readonly searchOrder: SearchOrder;
  readonly buckets = new Map<string, TokenBucket>();
  readonly log: CallRecord[] = [];
  /** What the emulated account holds besides what the API creates (SEED unless `options.world`). */
  readonly world: ReturnType<typeof worldOf>;
  readonly authorizers: Authorizer[] = [];
  /**
   * Serve AWS Query requests (CloudFormation's protocol: a form-encoded POST to /, signed for
   * `cloudformation`) on the emulator's endpoint: the local engine registers DescribeStacks here
   * (connect-emulator.ts: serveQuery). Each answers, or returns undefined for a request it does not know.
   */
  readonly queryServers: QueryServer[] = [];
  /**
   * Holds each request until the world's clock releases it (local/world.ts): requests that reach the
   * emulator while nothing else moves are then served in an order of their own content, not of their arrival.
   */
  requestGate?: (key: string, serve: () => void) => void;

  readonly groupsById = new Map<string, Group>();
  readonly numbersById = new Map<string, ClaimedNumber>();
  readonly replicas = new Map<string, Replica>();
  /** Numbers offered for claiming, by E.164 address. */
  readonly inventory = new Map<string, InventoryNumber>();
  /** Released numbers and when they may be offered again. */
  readonly coolingDown = new Map<string, number>();
  /** Imported numbers released from Connect, by source ARN, and when they may be imported again (import.ts). */
  readonly releasedSources = new Map<string, number>();
  /** ClientToken -> the parameters and the answer of its first use, per operation. */
  readonly tokens = new Map<string, { params: string; result: Body }>();

  /** Regions whose every call fails (failRegion). */
  readonly downRegions = new Set<string>();
  /** UpdateCrossRegionRouting's IsolatedAll, per instance (one instance here). */
  isolatedAll = false;

  faults: Faults = { errors: [] };

  constructor(options: EmulatorOptions) {
    this.timeScale = options.timeScale ?? 1;
    if (!(this.timeScale > 0)) {
      throw new Error(`timeScale must be positive; got ${this.timeScale}`);
    }
    this.durations = { ...DEFAULT_DURATIONS, ...options.durations };
    this.rateLimit = options.rateLimit === undefined ? { perSecond: 2, burst: 5 } : options.rateLimit;
    this.searchOrder = options.searchOrder ?? 'sorted';
    if (!['sorted', 'shuffled'].includes(this.searchOrder)) {
      throw new Error(`searchOrder must be 'sorted' or 'shuffled'; got ${this.searchOrder}`);
    }
    this.world = worldOf(options.world);
    this.world.inventory.forEach(n => this.inventory.set(n.phoneNumber, n));
    if (options.replicated === true) {
      this.replicas.set(this.world.replicaRegion, { region: this.world.replicaRegion, alias: `${this.world.instanceAlias}-replica`, status: 'INSTANCE_REPLICATION_COMPLETE' });
      this.createDefaultGroup(this.world.replicaRegion);
    }
  }

  // ------------------------------------------------------------------ time

  scaled(name: keyof EmulatorDurations): number {
    return this.durations[name] * this.timeScale;
  }

  /** Applies every transition whose time has come. */
  advance(): void {
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

  createDefaultGroup(replicaRegion: string): void {
    const id = uuidFor(`emulator default group ${replicaRegion}`);
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

  removeNumber(n: ClaimedNumber): void {
    this.numbersById.delete(n.id);
    this.coolingDown.set(n.phoneNumber, Date.now() + RELEASE_COOL_DOWN_MS * this.timeScale);
    if (n.sourcePhoneNumberArn !== undefined) {
      // Where a released imported number goes is not documented (connect-api.md: ImportPhoneNumber) [inferred, harsher: not importable again for the cool-down].
      this.releasedSources.set(n.sourcePhoneNumberArn, Date.now() + RELEASE_COOL_DOWN_MS * this.timeScale);
    }
  }

  removeReplica(region: string): void {
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
}
