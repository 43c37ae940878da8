/**
 * A local Amazon Connect for the Global Resiliency operations, served over HTTP in the restJson1
 * wire format the AWS SDK speaks. Behaviours follow /work/shared/reference/connect-api.md (cited
 * per behaviour as "connect-api.md: <section>"); what that reference leaves open is marked
 * [inferred] with the choice made.
 *
 * Asynchronous work (group creation, claims, replication...) finishes at a scheduled time; the
 * state is brought up to date whenever it is observed, so no timers are left running.
 *
 * This class owns the server and the state (state.ts) and delegates: server.ts answers requests,
 * groups.ts, numbers.ts, flows.ts, instances.ts and tags.ts hold the operations, lookups.ts what
 * they share, faults.ts the rate limiter and injected errors, snapshot.ts the state as JSON.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { Authorizer } from './iam';
import { groupByArn } from './lookups';
import { CallRecord, EmulatorDurations, EmulatorOptions, EmulatorSnapshot } from './model';
import { serve } from './server';
import { restoreSnapshot, snapshotOf } from './snapshot';
import { EmulatorState, QueryServer } from './state';
import { uuidFor } from '../clock/virtual-clock';

export type { CallRecord, EmulatorDurations, EmulatorOptions, EmulatorSnapshot, SearchOrder } from './model';

/** The emulators running in this process, by endpoint (the engine finds its emulator's from AWS_ENDPOINT_URL_CONNECT). */
const RUNNING = new Map<string, ConnectEmulator>();

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
  private readonly state: EmulatorState;

  private constructor(options: EmulatorOptions) {
    this.state = new EmulatorState(options);
    this.server = http.createServer((req, res) => serve(this.state, req, res));
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
   * Serves AWS Query requests (another service's, e.g. CloudFormation's DescribeStacks, which the local
   * engine answers) on this endpoint, so that the functions' SDK clients reach one loopback address
   * through the world's request gate. Returns a function that unregisters it.
   */
  serveQuery(server: QueryServer): () => void {
    return register(this.state.queryServers, server);
  }

  /**
   * Registers an authorizer: from now on, every call signed with an access key it knows is allowed
   * or refused (403 AccessDeniedException) by it. Returns a function that unregisters it.
   */
  addAuthorizer(authorizer: Authorizer): () => void {
    return register(this.state.authorizers, authorizer);
  }

  /**
   * Hands every request to `gate` before serving it (the virtual clock's `hold`: it serves the requests it
   * holds, in the order of their content, once every request in flight has reached the emulator). Without a
   * gate, a request is served as it arrives.
   */
  setRequestGate(gate: ((key: string, serve: () => void) => void) | undefined): void {
    this.state.requestGate = gate;
  }

  /** Every request answered, in order. */
  get calls(): ReadonlyArray<CallRecord> {
    return this.state.log;
  }

  /**
   * The duration of each asynchronous step in the emulator's model of the real service, in
   * milliseconds, before scaling: a step takes `realDurations()[step] * timeScale` here.
   */
  realDurations(): Required<EmulatorDurations> {
    return { ...this.state.durations };
  }

  callCount(operation?: string): number {
    return operation === undefined ? this.state.log.length : this.state.log.filter(c => c.operation === operation).length;
  }

  // ------------------------------------------------------------------ inspection

  /** The groups that exist (not yet gone). */
  groups(): Array<{ id: string; arn: string; name: string; status: string; isDefault: boolean; instanceArn: string; region: string }> {
    this.state.advance();
    return [...this.state.groupsById.values()].map(g => ({
      id: g.id, arn: g.arn, name: g.name, status: g.status, isDefault: g.isDefault, instanceArn: this.state.world.instanceArn, region: g.region,
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
    this.state.advance();
    return [...this.state.numbersById.values()].map(n => ({
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
    const g = groupByArn(this.state, groupArn);
    return { telephony: { ...g.split.telephony }, agent: { ...g.split.agent }, signIn: { ...g.split.signIn } };
  }

  instance(): { arn: string; replicaRegions: string[]; replicationStatus: Record<string, string> } {
    this.state.advance();
    return {
      arn: this.state.world.instanceArn,
      replicaRegions: [...this.state.replicas.keys()],
      replicationStatus: Object.fromEntries([...this.state.replicas.values()].map(r => [r.region, r.status])),
    };
  }

  /** The user ids associated with a group. */
  groupUsers(groupArn: string): string[] {
    return [...groupByArn(this.state, groupArn).users];
  }

  // ------------------------------------------------------------------ state between processes

  /**
   * What the account holds (groups, numbers, replicas, the numbers on offer and cooling down, the
   * ClientTokens used), as JSON-safe data; `restore` on an emulator of the same instance (its
   * world may name more flows, users and numbers on offer) takes it back. Pending transitions
   * keep their wall-clock times, so a restore later finds them done.
   */
  snapshot(): EmulatorSnapshot {
    return snapshotOf(this.state);
  }

  /** Replaces what the account holds with a snapshot taken by `snapshot` (of the same instance). */
  restore(snapshot: EmulatorSnapshot): void {
    restoreSnapshot(this.state, snapshot);
  }

  // ------------------------------------------------------------------ scripted faults

  /** Drops every scripted fault not yet triggered (a test step's faults must not leak into the next). */
  clearFaults(): void {
    this.state.faults = { errors: [] };
  }

  /** The next group created ends CREATION_FAILED. */
  failNextGroupCreation(reason = 'scripted failure'): void {
    this.state.faults.groupCreation = reason;
  }

  /** The next group deleted ends DELETION_FAILED. */
  failNextGroupDeletion(): void {
    this.state.faults.groupDeletion = true;
  }

  /** The next claim ends FAILED with this PhoneNumberStatus.Message. */
  failNextClaim(message: string): void {
    this.state.faults.claim = message;
  }

  /** The next import ends FAILED with this PhoneNumberStatus.Message. */
  failNextImport(message: string): void {
    this.state.faults.importing = message;
  }

  /** The first candidate of the next search is taken by another account right after the search answers. */
  takeOnNextSearch(): void {
    this.state.faults.takeOnSearch = true;
  }

  /** Another account takes this number now. */
  takeNumber(phoneNumber: string): void {
    this.state.inventory.delete(phoneNumber);
  }

  /**
   * The next `count` calls (of `operation`, or any) fail with this status: 429 and 5xx are
   * transient (the handlers retry them until the resource's deadline), 400 and 403 are not (the
   * call fails at once, as a refused request or a denied permission does on AWS).
   */
  injectErrors(spec: { operation?: string; count: number; status: 400 | 403 | 429 | 500 | 503; errorType?: string }): void {
    this.state.faults.errors.push({ ...spec });
  }

  /**
   * Every call to `region` fails (the Region's endpoint is down) until restoreRegion: answered 503
   * ServiceUnavailableException before anything else, throttling included (README: Region outage).
   */
  failRegion(region: string): void {
    this.state.downRegions.add(region);
  }

  restoreRegion(region: string): void {
    this.state.downRegions.delete(region);
  }

  /** The next replication ends INSTANCE_REPLICATION_FAILED with this reason. */
  failNextReplication(reason: string): void {
    this.state.faults.replication = reason;
  }

  /** Someone deleted the group outside the test: it is gone now. */
  deleteGroupOutOfBand(groupArn: string): void {
    this.state.groupsById.delete(groupByArn(this.state, groupArn).id);
  }

  /** Someone released the number outside the test: it is gone now. */
  releaseNumberOutOfBand(phoneNumber: string): void {
    this.state.advance();
    const n = [...this.state.numbersById.values()].find(x => x.phoneNumber === phoneNumber);
    if (n === undefined) {
      throw new Error(`the account holds no number ${phoneNumber}`);
    }
    this.state.removeNumber(n);
  }

  /**
   * A number this account already holds (CLAIMED) on the target, as if claimed earlier (outside any
   * stack: in the console, by a script), optionally with its flows (Region to flow ARN) and description.
   */
  seedClaimedNumber(
    phoneNumber: string, targetArn: string, extra: { flows?: Record<string, string>; description?: string } = {},
  ): { arn: string; id: string } {
    const offered = this.state.inventory.get(phoneNumber);
    this.state.inventory.delete(phoneNumber);
    const id = uuidFor(`emulator phone-number ${phoneNumber}`);
    const arn = `arn:aws:connect:${this.state.world.sourceRegion}:${this.state.world.account}:phone-number/${id}`;
    this.state.numbersById.set(id, {
      id,
      arn,
      region: this.state.world.sourceRegion,
      phoneNumber,
      countryCode: offered?.countryCode ?? (phoneNumber.startsWith('+44') ? 'GB' : 'US'),
      type: offered?.type ?? (phoneNumber.startsWith('+1800') ? 'TOLL_FREE' : 'DID'),
      targetArn,
      tags: {},
      flows: { ...extra.flows },
      description: extra.description,
      status: 'CLAIMED',
    });
    return { arn, id };
  }
}

/** Adds `item` to `list`; returns a function that removes it again (once; a second call does nothing). */
function register<T>(list: T[], item: T): () => void {
  list.push(item);
  return () => {
    const i = list.indexOf(item);
    if (i >= 0) {
      list.splice(i, 1);
    }
  };
}
