/**
 * A local CloudFormation for CDK stacks whose resources are custom resources: it synthesizes the
 * stack, and creates, updates and deletes its resources in dependency order (concurrently where
 * independent), sending custom resources the requests CloudFormation sends, to the REAL provider
 * framework and the REAL handler bundles loaded from the synthesized assets, with the Step
 * Functions waiter run from the synthesized state machine definition. Only the framework's three
 * outbound calls are replaced (Lambda Invoke, StartExecution, the response PUT), as aws-cdk's own
 * framework tests do.
 *
 * CloudFormation semantics kept: scalars arrive as strings; an Update that returns a new physical
 * id is a replacement, whose old resource is deleted in the cleanup after the whole deployment
 * succeeded; a failed create rolls back by deleting what was created; a failed update rolls back
 * (Update back to the old properties, then deletion of what the update created); DeletionPolicy
 * and UpdateReplacePolicy Retain; ServiceTimeout; a response over 4096 bytes fails the resource.
 * The engine also asserts the contract: exactly one response per request delivery.
 */
import { createHash, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Stack } from 'aws-cdk-lib';
import { AuthorizationDecision, AuthorizationRequest, ConnectEmulator } from '../emulator';
import { readAssembly, selectStack } from './cloud-assembly';
import { accessDeniedMessage, evaluate, PolicyStatement } from './iam';
import { InvokeResult, LambdaFunctionConfig, LambdaRuntime, LogLine, SandboxStats } from './lambda-runtime';
import { NativeConnect } from './native-connect';
import { runExecution, StateMachineDefinition } from './state-machine';
import {
  dependenciesOf, isCustomResource, resolve, ResolveContext, stringifyScalars, Template,
} from './template';

export type RequestType = 'Create' | 'Update' | 'Delete';

/** One step of a resource operation, as the console's events tab shows it. */
export interface ProgressEvent {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly requestType: RequestType;
  readonly status: 'IN_PROGRESS' | 'SUCCESS' | 'FAILED';
  /** Since the operation on this resource started. */
  readonly elapsedMs: number;
  readonly reason?: string;
}

export interface LocalCloudFormationOptions {
  /** Added to every Lambda function's environment (e.g. AWS_ENDPOINT_URL_CONNECT). */
  readonly env?: Record<string, string>;
  /** Multiplies the waiter's retry intervals (1 = the definition's real seconds). @default 1 */
  readonly waiterIntervalScale?: number;
  /** Multiplies each custom resource's ServiceTimeout. @default waiterIntervalScale */
  readonly serviceTimeoutScale?: number;
  /** Multiplies each Lambda function's timeout as its context reports it (the handlers stop retrying before it). @default 1 */
  readonly lambdaTimeoutScale?: number;
  readonly onProgress?: (p: ProgressEvent) => void;
  /** Print the functions' logs as they are written (they are always kept in `logs`). @default false */
  readonly printLogs?: boolean;
}

/** A request CloudFormation sends to a custom resource. */
export interface CustomResourceRequest {
  readonly RequestType: RequestType;
  readonly ServiceToken: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
  readonly PhysicalResourceId?: string;
}

/** A response body CloudFormation received. */
export interface RecordedResponse {
  readonly logicalId: string;
  readonly requestType: RequestType;
  readonly requestId: string;
  readonly status: string;
  readonly reason?: string;
  readonly bodyBytes: number;
  readonly physicalId: string;
  readonly data?: Record<string, unknown>;
}

export interface DeployedResource {
  readonly physicalId: string;
  readonly data: Record<string, string>;
}

export interface DeployResult {
  readonly outputs: Record<string, string>;
  readonly resources: Record<string, DeployedResource>;
  /** Deletions of the cleanup phase (replaced or removed resources) that failed: CloudFormation leaves those resources and still completes the update. */
  readonly cleanupFailures: Array<{ logicalId: string; physicalId: string; reason: string }>;
}

/** The deployed stacks, as `exportState` returns them: JSON. */
export interface EngineState {
  readonly version: 1;
  readonly stacks: ReadonlyArray<{ readonly name: string; readonly resources: ReadonlyArray<Record<string, unknown>> } & Record<string, unknown>>;
}

/** CloudFormation rejects a response body of this size or more. */
export const MAX_RESPONSE_BYTES = 4096;

const CLOUDFORMATION_DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;
/** Lambda retries an asynchronous invocation that errors twice, after about 1 and 2 minutes. */
const ASYNC_RETRY_DELAYS_SECONDS = [60, 120];

interface ResourceState {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  /** Resolved properties (for custom resources, as sent: scalars as strings). */
  readonly props: Record<string, unknown>;
  /** Custom resources: the Data of the response (Fn::GetAtt). Others: simulated attributes. */
  readonly attributes: Record<string, string>;
  readonly deletionPolicy?: string;
  readonly updateReplacePolicy?: string;
}

interface StackState {
  readonly name: string;
  readonly stackId: string;
  readonly region: string;
  readonly account: string;
  template: Template;
  assemblyDir: string;
  /** Asset hash to its directory in the cloud assembly. */
  assets: Record<string, string>;
  resources: Map<string, ResourceState>;
}

/** A resource operation that failed, with CloudFormation's reason. */
class ResourceFailure extends Error {
  constructor(readonly logicalId: string, readonly resourceType: string, readonly requestType: RequestType, readonly reason: string) {
    super(`${logicalId} (${resourceType}) ${requestType.toUpperCase()}_FAILED: ${reason}`);
  }
}

/** What the framework passes to its https.request for the response PUT. */
interface HttpRequestOptions {
  readonly hostname: string;
  readonly path: string;
  readonly method: string;
  readonly headers: Record<string, unknown>;
}

/** One delivery of a request to a custom resource provider, and what came back. */
class Delivery {
  public readonly responses: Array<{ body: Record<string, unknown>; bytes: number }> = [];
  public readonly firstResponse: Promise<void>;
  private readonly pending = new Set<Promise<unknown>>();
  private resolveFirst!: () => void;

  constructor(readonly request: CustomResourceRequest, readonly copies: number) {
    this.firstResponse = new Promise(r => (this.resolveFirst = r));
  }

  public track(work: Promise<unknown>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
  }

  public receive(body: Record<string, unknown>, bytes: number): void {
    this.responses.push({ body, bytes });
    this.resolveFirst();
  }

  /** Resolves once every invocation and execution of this delivery has ended. */
  public async settled(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.allSettled([...this.pending]);
    }
  }
}

export class LocalCloudFormation {
  /** Every response body CloudFormation received, in order. */
  public readonly responses: RecordedResponse[] = [];
  /** Every request sent to a custom resource provider (a duplicated delivery appears twice). */
  public readonly events: CustomResourceRequest[] = [];
  /** Breaches of the custom resource contract seen (missing or extra responses, conflicting outcomes, bodies too large). */
  public readonly violations: string[] = [];

  private readonly stacks = new Map<string, StackState>();
  private readonly runtimes = new Map<string, LambdaRuntime>();
  /** Function name to logical id, of every function invoked. */
  private readonly functionLogicalIds = new Map<string, string>();
  private readonly deliveries = new Map<string, Delivery>();
  private readonly inlineCodeDirs = new Map<string, string>();
  private duplicateNext = false;
  private readonly waiterScale: number;
  private readonly serviceTimeoutScale: number;
  /** AWS::Connect::PhoneNumber (the L1), run against the functions' Connect endpoint (native-connect.ts). */
  private readonly native: NativeConnect;

  /** The access key each function runs with (its role's credentials), to the function. */
  private readonly accessKeys = new Map<string, { stack: string; logicalId: string }>();
  private readonly engineId = randomUUID();

  constructor(private readonly options: LocalCloudFormationOptions = {}) {
    this.waiterScale = options.waiterIntervalScale ?? 1;
    this.serviceTimeoutScale = options.serviceTimeoutScale ?? this.waiterScale;
    this.native = new NativeConnect(options.env?.AWS_ENDPOINT_URL_CONNECT, this.waiterScale);
    // IAM is enforced: the Connect emulator these functions call asks this engine about every call
    // signed with a function's access key, and refuses what the function's role does not allow.
    ConnectEmulator.at(options.env?.AWS_ENDPOINT_URL_CONNECT)?.addAuthorizer(req => this.authorize(req));
  }

  /** Every log line the Lambda functions wrote. */
  public get logs(): LogLine[] {
    return [...this.runtimes.values()].flatMap(r => r.logs);
  }

  /**
   * Lambda's concurrency so far, per function (by logical id; one sandbox per concurrent invocation): the sandboxes started, the peak of sandboxes busy at
   * once, the invocations and the longest one.
   */
  public sandboxStats(): Record<string, SandboxStats> {
    const byName: Record<string, SandboxStats> = Object.assign({}, ...[...this.runtimes.values()].map(r => r.sandboxStats()));
    return Object.fromEntries(Object.entries(byName).map(([name, stats]) => [this.functionLogicalIds.get(name) ?? name, stats]));
  }

  /**
   * Delivers the next request of the next deploy or destroy twice (CloudFormation and Lambda may
   * re-deliver); both deliveries must agree. A deploy that sends no request drops it.
   */
  public duplicateNextEvent(): void {
    this.duplicateNext = true;
  }

  /**
   * Creates the stack, or updates it when a stack of that name was deployed before. On failure,
   * rolls back like CloudFormation and throws an Error with the failed resource's reason.
   */
  public async deploy(stack: Stack): Promise<DeployResult> {
    return this.deploySynthesized(synthesize(stack));
  }

  /**
   * Like `deploy`, for a stack of a cloud assembly directory that `cdk synth` wrote (an app in any
   * CDK language): the named stack, or the assembly's only one.
   */
  public async deployAssembly(assemblyDir: string, stackName?: string): Promise<DeployResult> {
    const dir = path.resolve(assemblyDir);
    return this.deploySynthesized(selectStack(readAssembly(dir), stackName, dir));
  }

  /** The names of the stacks deployed (created and not destroyed). */
  public stackNames(): string[] {
    return [...this.stacks.keys()];
  }

  /**
   * The deployed stacks (templates, resources with their physical ids, properties and attributes,
   * the assembly their functions' code is in) as JSON-safe data, for `importState` in another process.
   */
  public exportState(): EngineState {
    return JSON.parse(JSON.stringify({
      version: 1,
      stacks: [...this.stacks.values()].map(st => ({ ...st, resources: [...st.resources.values()] })),
    }));
  }

  /** Takes back the deployed stacks of `exportState`, replacing any of the same name. */
  public importState(state: EngineState): void {
    if (state.version !== 1) {
      throw new Error(`Unknown engine state version ${String(state.version)}`);
    }
    for (const st of state.stacks) {
      const resources = st.resources as unknown as ResourceState[];
      this.stacks.set(st.name, { ...(st as unknown as StackState), resources: new Map(resources.map(r => [r.logicalId, r])) });
    }
  }

  private async deploySynthesized(synth: Synthesized): Promise<DeployResult> {
    const violationsBefore = this.violations.length;
    const previous = this.stacks.get(synth.name);
    try {
      const result = previous === undefined ? await this.create(synth) : await this.update(previous, synth);
      this.throwOnViolations(violationsBefore);
      return result;
    } finally {
      this.duplicateNext = false;
    }
  }

  /** Deletes the stack's resources in reverse dependency order, honouring DeletionPolicy Retain. */
  public async destroy(stackName: string): Promise<void> {
    const violationsBefore = this.violations.length;
    const st = this.stacks.get(stackName);
    if (st === undefined) {
      throw new Error(`Stack ${stackName} does not exist`);
    }
    const ids = [...st.resources.keys()];
    const failures = await this.deleteAll(st, ids, st.template).finally(() => (this.duplicateNext = false));
    if (failures.length > 0) {
      throw new Error(`Stack ${stackName} DELETE_FAILED: ${failures.map(f => f.message).join('; ')}`);
    }
    this.stacks.delete(stackName);
    this.throwOnViolations(violationsBefore);
  }

  private throwOnViolations(since: number): void {
    const found = this.violations.slice(since);
    if (found.length > 0) {
      throw new Error(`Custom resource contract violated: ${found.join('; ')}`);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Create, update, delete

  private async create(synth: Synthesized): Promise<DeployResult> {
    const st: StackState = {
      name: synth.name,
      stackId: `arn:aws:cloudformation:${synth.region}:${synth.account}:stack/${synth.name}/${randomUUID()}`,
      region: synth.region,
      account: synth.account,
      template: synth.template,
      assemblyDir: synth.assemblyDir,
      assets: synth.assets,
      resources: new Map(),
    };
    this.stacks.set(st.name, st);
    const ids = this.activeResources(st);
    const { failures } = await runGraph(ids, id => dependenciesOf(st.template, id), id => this.createResource(st, id));
    if (failures.length > 0) {
      const rollback = await this.deleteAll(st, [...st.resources.keys()], st.template);
      this.stacks.delete(st.name);
      throw new Error(`Stack ${st.name} ROLLBACK_COMPLETE after ${failures.map(f => f.message).join('; ')}`
        + (rollback.length > 0 ? `; rollback failed: ${rollback.map(f => f.message).join('; ')}` : ''));
    }
    return { outputs: this.outputs(st), resources: resourcesOf(st), cleanupFailures: [] };
  }

  private async update(previous: StackState, synth: Synthesized): Promise<DeployResult> {
    const before = new Map(previous.resources);
    const oldTemplate = previous.template;
    const oldAssets = { dir: previous.assemblyDir, assets: previous.assets };
    const st = previous;
    st.template = synth.template;
    st.assemblyDir = synth.assemblyDir;
    st.assets = synth.assets;

    /** What this update did to each resource, in the order it was done. */
    const touched: Array<{ id: string; kind: 'created' | 'updated' | 'replaced'; after: ResourceState }> = [];
    const ids = this.activeResources(st);
    const { failures } = await runGraph(ids, id => dependenciesOf(st.template, id), async id => {
      const old = before.get(id);
      const type = st.template.Resources[id].Type;
      if (old === undefined || old.type !== type) {
        try {
          await this.createResource(st, id);
        } finally {
          const created = st.resources.get(id);
          if (created !== undefined && created !== old) {
            touched.push({ id, kind: old === undefined ? 'created' : 'replaced', after: created });
          }
        }
        return;
      }
      const props = this.resolveProperties(st, id, 'Update');
      if (JSON.stringify(props) === JSON.stringify(old.props)) {
        // CloudFormation applies a changed DeletionPolicy / UpdateReplacePolicy even when no property changed.
        const def = st.template.Resources[id];
        st.resources.set(id, { ...old, deletionPolicy: def.DeletionPolicy, updateReplacePolicy: def.UpdateReplacePolicy });
        return;
      }
      let after: ResourceState | undefined;
      let failedId: string | undefined;
      try {
        after = await this.updateResource(st, id, old, props, physicalId => (failedId = physicalId));
      } finally {
        // A failed Update is rolled back with an Update to the old properties too, sent to the
        // physical id its FAILED response named (the provider framework names the request's
        // current id: after a replacement that failed in isComplete, the new resource's).
        touched.push({
          id,
          kind: after !== undefined && after.physicalId !== old.physicalId ? 'replaced' : 'updated',
          after: after ?? { ...old, props, physicalId: failedId ?? old.physicalId },
        });
      }
    });

    if (failures.length === 0) {
      // UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: delete replaced and removed resources.
      const cleanup = new Map<string, ResourceState>();
      for (const t of touched.filter(x => x.kind === 'replaced')) {
        const old = before.get(t.id)!;
        if (old.updateReplacePolicy !== 'Retain') {
          cleanup.set(t.id, old);
        }
      }
      for (const [id, old] of before) {
        if (!ids.includes(id)) {
          cleanup.set(id, old);
        }
      }
      const cleanupFailures: DeployResult['cleanupFailures'] = [];
      await runGraph([...cleanup.keys()], dependentsIn(oldTemplate, [...cleanup.keys()]), async id => {
        const old = cleanup.get(id)!;
        const removed = !ids.includes(id);
        try {
          if (!(removed && isRetained(old.deletionPolicy))) {
            await this.deleteResource(st, old);
          }
          if (removed) {
            st.resources.delete(id);
          }
        } catch (e) {
          cleanupFailures.push({ logicalId: id, physicalId: old.physicalId, reason: (e as Error).message });
        }
      });
      return { outputs: this.outputs(st), resources: resourcesOf(st), cleanupFailures };
    }

    // UPDATE_ROLLBACK_IN_PROGRESS: update back what was updated, newest first; then delete what the update created.
    const rollbackFailures: string[] = [];
    const toDelete: ResourceState[] = [];
    /** Resources whose rollback Update answered with another physical id than the one it was sent to. */
    const rolledBackTo = new Map<string, ResourceState>();
    for (const t of [...touched].reverse()) {
      const old = before.get(t.id);
      if (t.kind === 'updated' && old !== undefined) {
        try {
          if (isCustomResource(old.type)) {
            const back = await this.send(st, 'Update', old.type, t.id, old.props, { physicalId: t.after.physicalId, oldProps: t.after.props });
            if (back.physicalId !== t.after.physicalId) {
              // Another id answers: CloudFormation takes it as a replacement made by the rollback,
              // and deletes the one it replaced in UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS.
              toDelete.push(t.after);
            }
            if (back.physicalId !== old.physicalId || t.after.physicalId !== old.physicalId) {
              rolledBackTo.set(t.id, { ...old, physicalId: back.physicalId, attributes: back.data });
            }
          }
        } catch (e) {
          rollbackFailures.push((e as Error).message);
        }
      } else {
        toDelete.push(t.after);
      }
    }
    // UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: delete what the update created, newest first.
    for (const r of toDelete) {
      if (isRetained(r.deletionPolicy)) {
        continue;
      }
      try {
        await this.deleteResource(st, r);
      } catch (e) {
        rollbackFailures.push((e as Error).message);
      }
    }
    st.template = oldTemplate;
    st.assemblyDir = oldAssets.dir;
    st.assets = oldAssets.assets;
    st.resources = new Map(before);
    rolledBackTo.forEach((r, id) => st.resources.set(id, r));
    throw new Error(`Stack ${st.name} ${rollbackFailures.length > 0 ? 'UPDATE_ROLLBACK_FAILED' : 'UPDATE_ROLLBACK_COMPLETE'} after `
      + `${failures.map(f => f.message).join('; ')}${rollbackFailures.length > 0 ? `; rollback failed: ${rollbackFailures.join('; ')}` : ''}`);
  }

  /** Deletes `ids` (dependents first, concurrently where independent); returns the failures. */
  private async deleteAll(st: StackState, ids: string[], template: Template): Promise<Error[]> {
    const { failures } = await runGraph(ids, dependentsIn(template, ids), async id => {
      const r = st.resources.get(id)!;
      if (!isRetained(r.deletionPolicy)) {
        await this.deleteResource(st, r);
      }
      st.resources.delete(id);
    });
    return failures;
  }

  private async createResource(st: StackState, id: string): Promise<void> {
    const def = st.template.Resources[id];
    const props = this.resolveProperties(st, id, 'Create');
    const base = { logicalId: id, type: def.Type, props, deletionPolicy: def.DeletionPolicy, updateReplacePolicy: def.UpdateReplacePolicy };
    if (this.native.handles(def.Type)) {
      st.resources.set(id, { ...base, ...await this.runNative(id, def.Type, 'Create', () => this.native.create(props)) });
      return;
    }
    if (!isCustomResource(def.Type)) {
      this.progress(id, def.Type, 'Create', 'IN_PROGRESS', 0);
      st.resources.set(id, { ...base, ...simulated(st, id, def.Type, props) });
      this.progress(id, def.Type, 'Create', 'SUCCESS', 0);
      return;
    }
    const outcome = await this.send(st, 'Create', def.Type, id, props, {}, failedId => {
      // CloudFormation deletes a failed resource whose response named a physical id.
      st.resources.set(id, { ...base, physicalId: failedId, attributes: {} });
    });
    st.resources.set(id, { ...base, physicalId: outcome.physicalId, attributes: outcome.data });
  }

  private async updateResource(
    st: StackState, id: string, old: ResourceState, props: Record<string, unknown>, onFailedId?: (physicalId: string) => void,
  ): Promise<ResourceState> {
    if (this.native.handles(old.type)) {
      const def = st.template.Resources[id];
      const outcome = await this.runNative(id, old.type, 'Update', () => this.native.update(old.physicalId, old.props, props));
      const updated: ResourceState = { ...old, props, ...outcome, deletionPolicy: def.DeletionPolicy, updateReplacePolicy: def.UpdateReplacePolicy };
      st.resources.set(id, updated);
      return updated;
    }
    if (!isCustomResource(old.type)) {
      this.progress(id, old.type, 'Update', 'SUCCESS', 0);
      const updated = { ...old, props };
      st.resources.set(id, updated);
      return updated;
    }
    const outcome = await this.send(st, 'Update', old.type, id, props, { physicalId: old.physicalId, oldProps: old.props }, onFailedId);
    const def = st.template.Resources[id];
    const updated: ResourceState = {
      ...old,
      props,
      physicalId: outcome.physicalId,
      attributes: outcome.data,
      deletionPolicy: def.DeletionPolicy,
      updateReplacePolicy: def.UpdateReplacePolicy,
    };
    st.resources.set(id, updated);
    return updated;
  }

  private async deleteResource(st: StackState, r: ResourceState): Promise<void> {
    if (this.native.handles(r.type)) {
      await this.runNative(r.logicalId, r.type, 'Delete', () => this.native.delete(r.physicalId));
      return;
    }
    if (!isCustomResource(r.type)) {
      this.progress(r.logicalId, r.type, 'Delete', 'SUCCESS', 0);
      return;
    }
    await this.send(st, 'Delete', r.type, r.logicalId, r.props, { physicalId: r.physicalId });
  }

  /** Runs a native resource's operation with its progress events; a failure is the resource's. */
  private async runNative<T>(logicalId: string, type: string, requestType: RequestType, op: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.progress(logicalId, type, requestType, 'IN_PROGRESS', 0);
    try {
      const out = await op();
      this.progress(logicalId, type, requestType, 'SUCCESS', Date.now() - started);
      return out;
    } catch (e) {
      const reason = `${(e as Error).name}: ${(e as Error).message}`;
      this.progress(logicalId, type, requestType, 'FAILED', Date.now() - started, reason);
      throw new ResourceFailure(logicalId, type, requestType, reason);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Custom resource requests

  /**
   * Sends one request to the custom resource's provider (its ServiceToken, a Lambda function) and
   * waits for CloudFormation's outcome: the first response, or ServiceTimeout. Throws a
   * ResourceFailure on FAILED; `onFailedId` learns the physical id a FAILED response named.
   */
  private async send(
    st: StackState, requestType: RequestType, type: string, logicalId: string, props: Record<string, unknown>,
    prior: { physicalId?: string; oldProps?: Record<string, unknown> },
    onFailedId?: (physicalId: string) => void,
  ): Promise<{ physicalId: string; data: Record<string, string> }> {
    const started = Date.now();
    this.progress(logicalId, type, requestType, 'IN_PROGRESS', 0);
    const fail = (reason: string): never => {
      this.progress(logicalId, type, requestType, 'FAILED', Date.now() - started, reason);
      throw new ResourceFailure(logicalId, type, requestType, reason);
    };

    const requestId = randomUUID();
    const request: CustomResourceRequest = {
      RequestType: requestType,
      ServiceToken: String(props.ServiceToken),
      ResponseURL: responseUrl(st, logicalId, requestId),
      StackId: st.stackId,
      RequestId: requestId,
      LogicalResourceId: logicalId,
      ResourceType: type,
      ResourceProperties: props,
      ...(prior.oldProps !== undefined ? { OldResourceProperties: prior.oldProps } : {}),
      ...(prior.physicalId !== undefined ? { PhysicalResourceId: prior.physicalId } : {}),
    };
    const fn = this.lambdaFunction(request.ServiceToken);
    if (fn === undefined) {
      return fail(`ServiceToken ${request.ServiceToken} is not a Lambda function of a deployed stack`);
    }
    const copies = this.duplicateNext ? 2 : 1;
    this.duplicateNext = false;
    const delivery = new Delivery(request, copies);
    const key = urlKey(request.ResponseURL);
    this.deliveries.set(key, delivery);
    for (let i = 0; i < copies; i++) {
      this.events.push(request);
      delivery.track(this.invokeAsync(fn, JSON.stringify(request)));
    }

    const timeoutSeconds = Number(props.ServiceTimeout ?? CLOUDFORMATION_DEFAULT_SERVICE_TIMEOUT_SECONDS);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(r => (timer = setTimeout(() => r('timeout'), timeoutSeconds * 1000 * this.serviceTimeoutScale)));
    const first = await Promise.race([
      delivery.firstResponse.then(() => 'response' as const),
      delivery.settled().then(() => (delivery.responses.length > 0 ? 'response' as const : 'silent' as const)),
      timedOut,
    ]);
    if (first === 'timeout') {
      clearTimeout(timer);
      this.violations.push(`${logicalId} ${requestType}: no response within the ServiceTimeout`);
      return fail(`CloudFormation did not receive a response from your Custom Resource within the ServiceTimeout of ${timeoutSeconds} seconds. Please check your logs for requestId [${requestId}].`);
    }
    // Every delivery must end with exactly one response; wait for the stragglers.
    await Promise.race([delivery.settled(), timedOut]);
    clearTimeout(timer);
    this.deliveries.delete(key);
    this.checkContract(delivery);
    if (delivery.responses.length === 0) {
      return fail(`No response was sent for request ${requestId} (CloudFormation would wait for the ServiceTimeout of ${timeoutSeconds} seconds).`);
    }

    const { body, bytes } = delivery.responses[0];
    const physicalId = typeof body.PhysicalResourceId === 'string' ? body.PhysicalResourceId : '';
    if (bytes >= MAX_RESPONSE_BYTES) {
      return fail('Response object is too long.');
    }
    if (body.Status === 'FAILED') {
      if (requestType !== 'Delete' && physicalId !== '') {
        onFailedId?.(physicalId);
      }
      return fail(`Received response status [FAILED] from custom resource. Message returned: ${String(body.Reason)} (RequestId: ${requestId})`);
    }
    if (body.Status !== 'SUCCESS') {
      return fail(`Invalid response status ${String(body.Status)}`);
    }
    if (physicalId === '' || Buffer.byteLength(physicalId) > 1024) {
      return fail('Invalid PhysicalResourceId: must be 1-1024 bytes');
    }
    if (requestType === 'Delete' && physicalId !== prior.physicalId) {
      return fail(`Delete response changed the PhysicalResourceId from ${prior.physicalId} to ${physicalId}`);
    }
    const data = Object.fromEntries(Object.entries((body.Data ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    this.progress(logicalId, type, requestType, 'SUCCESS', Date.now() - started);
    return { physicalId, data };
  }

  /** Exactly one response per delivery, each naming the request; duplicated deliveries must agree. */
  private checkContract(delivery: Delivery): void {
    const { request, copies, responses } = delivery;
    const what = `${request.LogicalResourceId} ${request.RequestType} (RequestId ${request.RequestId})`;
    if (responses.length !== copies) {
      this.violations.push(`${what}: ${responses.length} responses to ${copies} deliver${copies === 1 ? 'y' : 'ies'}`);
    }
    for (const { body, bytes } of responses) {
      if (body.RequestId !== request.RequestId || body.StackId !== request.StackId || body.LogicalResourceId !== request.LogicalResourceId) {
        this.violations.push(`${what}: the response does not echo RequestId, StackId and LogicalResourceId`);
      }
      if (bytes >= MAX_RESPONSE_BYTES) {
        this.violations.push(`${what}: response body of ${bytes} bytes (CloudFormation accepts less than ${MAX_RESPONSE_BYTES})`);
      }
    }
    const outcomes = new Set(responses.map(r => `${String(r.body.Status)} ${String(r.body.PhysicalResourceId)}`));
    if (outcomes.size > 1) {
      this.violations.push(`${what}: the deliveries ended differently: ${[...outcomes].join(' vs ')}`);
    }
  }

  /** CloudFormation invokes the provider asynchronously: Lambda retries a function error twice. */
  private async invokeAsync(fn: LambdaFunctionConfig, payload: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.runtime(fn).invoke(fn, payload);
      if (result.FunctionError === undefined || attempt >= ASYNC_RETRY_DELAYS_SECONDS.length) {
        return;
      }
      await sleep(ASYNC_RETRY_DELAYS_SECONDS[attempt] * 1000 * this.waiterScale);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The provider framework's outbound calls

  /** Replaces the provider framework's outbound calls in a sandbox that loaded them. */
  private patchOutbound(sandbox: { loaded(file: string): unknown }): void {
    const outbound = sandbox.loaded('outbound.js') as Record<string, unknown> | undefined;
    if (outbound === undefined || typeof outbound.invokeFunction !== 'function') {
      return;
    }
    outbound.invokeFunction = async (req: { FunctionName: string; Payload: string }) => this.invokeFunction(req.FunctionName, req.Payload);
    outbound.startExecution = async (req: { stateMachineArn: string; input: string; name?: string }) => this.startExecution(req);
    outbound.httpRequest = async (options: HttpRequestOptions, body: string) => this.receiveResponse(options, body);
  }

  private async invokeFunction(functionName: string, payload: string): Promise<InvokeResult> {
    const fn = this.lambdaFunction(functionName);
    if (fn === undefined) {
      const e = new Error(`Function not found: ${functionName}`);
      e.name = 'ResourceNotFoundException';
      throw e;
    }
    return this.runtime(fn).invoke(fn, payload);
  }

  private async startExecution(req: { stateMachineArn: string; input: string; name?: string }) {
    const machine = this.stateMachine(req.stateMachineArn);
    if (machine === undefined) {
      const e = new Error(`State Machine Does Not Exist: '${req.stateMachineArn}'`);
      e.name = 'StateMachineDoesNotExist';
      throw e;
    }
    const input = JSON.parse(req.input) as { ResponseURL?: string };
    const delivery = input.ResponseURL === undefined ? undefined : this.deliveries.get(urlKey(input.ResponseURL));
    const execution = runExecution(machine, input, {
      intervalScale: this.waiterScale,
      invoke: (arn, payload) => this.invokeFunction(arn, payload),
    });
    delivery?.track(execution);
    const name = req.name ?? randomUUID();
    return { executionArn: `${req.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, startDate: new Date() };
  }

  private async receiveResponse(options: HttpRequestOptions, body: string): Promise<void> {
    const delivery = this.deliveries.get(`${options.hostname}${options.path}`);
    if (delivery === undefined || options.method !== 'PUT') {
      throw new Error('Unsuccessful HTTP response: 403');
    }
    const bytes = Buffer.byteLength(body, 'utf8');
    if (Number(options.headers['content-length']) !== bytes) {
      this.violations.push(`${delivery.request.LogicalResourceId}: content-length ${String(options.headers['content-length'])} for a body of ${bytes} bytes`);
    }
    const parsed = JSON.parse(body) as Record<string, unknown>;
    this.responses.push({
      logicalId: delivery.request.LogicalResourceId,
      requestType: delivery.request.RequestType,
      requestId: String(parsed.RequestId),
      status: String(parsed.Status),
      reason: parsed.Reason === undefined ? undefined : String(parsed.Reason),
      bodyBytes: bytes,
      physicalId: String(parsed.PhysicalResourceId),
      data: parsed.Data as Record<string, unknown> | undefined,
    });
    delivery.receive(parsed, bytes);
  }

  // ---------------------------------------------------------------------------------------------
  // Lookups and helpers

  private runtime(fn: LambdaFunctionConfig): LambdaRuntime {
    const region = fn.functionArn.split(':')[3];
    let runtime = this.runtimes.get(region);
    if (runtime === undefined) {
      runtime = new LambdaRuntime({
        env: this.options.env ?? {},
        region,
        printLogs: this.options.printLogs,
        timeoutScale: this.options.lambdaTimeoutScale,
        onSandbox: (_config, sandbox) => this.patchOutbound(sandbox),
      });
      this.runtimes.set(region, runtime);
    }
    return runtime;
  }

  // ---------------------------------------------------------------------------------------------
  // IAM: each function runs with credentials of its own, and its role's deployed policies decide

  /** The access key of a function (stable per engine, stack and function), as Lambda gives it its role's session. */
  private accessKeyFor(st: StackState, logicalId: string): string {
    const key = `ASIA${createHash('sha256').update(`${this.engineId}/${st.name}/${logicalId}`).digest('hex').slice(0, 16).toUpperCase()}`;
    this.accessKeys.set(key, { stack: st.name, logicalId });
    return key;
  }

  /**
   * Decides a call signed with one of this engine's access keys: the function's role's
   * identity-based policies as deployed now (the role's inline policies, and every AWS::IAM::Policy
   * or AWS::IAM::ManagedPolicy attached to it). AWS managed policies (the Lambda execution
   * policies) grant no Connect action and are not read.
   */
  private authorize(req: AuthorizationRequest): AuthorizationDecision | undefined {
    const caller = this.accessKeys.get(req.accessKeyId);
    if (caller === undefined) {
      return undefined;
    }
    const st = this.stacks.get(caller.stack);
    const fn = st?.resources.get(caller.logicalId);
    const roleArn = String(fn?.props.Role ?? '');
    const role = [...this.stacks.values()].flatMap(s => [...s.resources.values()])
      .find(r => r.type === 'AWS::IAM::Role' && r.attributes.Arn === roleArn);
    const statements: PolicyStatement[] = [];
    const docStatements = (doc: unknown): PolicyStatement[] =>
      [(doc as { Statement?: PolicyStatement | PolicyStatement[] } | undefined)?.Statement ?? []].flat();
    if (role !== undefined) {
      for (const p of (role.props.Policies ?? []) as Array<{ PolicyDocument?: unknown }>) {
        statements.push(...docStatements(p.PolicyDocument));
      }
      for (const s of this.stacks.values()) {
        for (const r of s.resources.values()) {
          const attached = ((r.props.Roles ?? []) as unknown[]).includes(role.physicalId);
          if (attached && (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy')) {
            statements.push(...docStatements(r.props.PolicyDocument));
          }
        }
      }
    }
    const evaluation = evaluate(statements, req.action, req.resources);
    if (evaluation.allowed) {
      return evaluation;
    }
    const account = st?.account ?? 'unknown';
    const principal = `arn:aws:sts::${account}:assumed-role/${role?.physicalId ?? 'deleted-role'}/${fn?.physicalId ?? caller.logicalId}`;
    return { allowed: false, message: accessDeniedMessage(principal, req.action, evaluation) };
  }

  /** The deployed Lambda function with this name or ARN. */
  private lambdaFunction(nameOrArn: string): LambdaFunctionConfig | undefined {
    for (const st of this.stacks.values()) {
      for (const r of st.resources.values()) {
        if (r.type === 'AWS::Lambda::Function' && (r.attributes.Arn === nameOrArn || r.physicalId === nameOrArn)) {
          return this.functionConfig(st, r);
        }
      }
    }
    return undefined;
  }

  private functionConfig(st: StackState, r: ResourceState): LambdaFunctionConfig {
    const p = r.props as {
      Code: { S3Key?: string; ZipFile?: string };
      Handler: string;
      Runtime?: string;
      MemorySize?: number;
      Timeout?: number;
      Environment?: { Variables?: Record<string, string> };
    };
    this.functionLogicalIds.set(r.physicalId, r.logicalId);
    return {
      functionName: r.physicalId,
      functionArn: r.attributes.Arn,
      codeDir: this.codeDir(st, r.logicalId, p.Code),
      handler: p.Handler,
      environment: {
        ...Object.fromEntries(Object.entries(p.Environment?.Variables ?? {}).map(([k, v]) => [k, String(v)])),
        // The credentials of the function's role: the emulator tells the functions apart by them.
        AWS_ACCESS_KEY_ID: this.accessKeyFor(st, r.logicalId),
      },
      runtime: p.Runtime,
      memorySize: p.MemorySize,
      timeoutSeconds: p.Timeout,
    };
  }

  /** The directory of a function's code: its asset in the cloud assembly (S3Key is `<asset hash>.zip`), or its inline code. */
  private codeDir(st: StackState, logicalId: string, code: { S3Key?: string; ZipFile?: string }): string {
    if (code.ZipFile !== undefined) {
      let dir = this.inlineCodeDirs.get(code.ZipFile);
      if (dir === undefined) {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-cfn-inline-'));
        fs.writeFileSync(path.join(dir, 'index.js'), code.ZipFile);
        this.inlineCodeDirs.set(code.ZipFile, dir);
      }
      return dir;
    }
    const hash = (code.S3Key ?? '').replace(/\.zip$/, '');
    const dir = st.assets[hash];
    if (dir === undefined) {
      throw new Error(`${logicalId}: no asset ${code.S3Key} in the cloud assembly`);
    }
    return dir;
  }

  private stateMachine(arn: string): StateMachineDefinition | undefined {
    for (const st of this.stacks.values()) {
      for (const r of st.resources.values()) {
        if (r.type === 'AWS::StepFunctions::StateMachine' && r.physicalId === arn) {
          const def = r.props.DefinitionString ?? r.props.Definition;
          return (typeof def === 'string' ? JSON.parse(def) : def) as StateMachineDefinition;
        }
      }
    }
    return undefined;
  }

  /** The resource's properties, resolved; a reference that cannot be resolved fails the resource. */
  private resolveProperties(st: StackState, id: string, requestType: RequestType): Record<string, unknown> {
    const def = st.template.Resources[id];
    let resolved: Record<string, unknown>;
    try {
      resolved = resolve(def.Properties ?? {}, this.context(st)) as Record<string, unknown>;
    } catch (e) {
      this.progress(id, def.Type, requestType, 'FAILED', 0, (e as Error).message);
      throw new ResourceFailure(id, def.Type, requestType, (e as Error).message);
    }
    return isCustomResource(def.Type) ? stringifyScalars(resolved) as Record<string, unknown> : resolved;
  }

  private context(st: StackState): ResolveContext {
    const template = st.template;
    const conditions = new Map<string, boolean>();
    const ctx: ResolveContext = {
      pseudo: {
        'AWS::Region': st.region,
        'AWS::AccountId': st.account,
        'AWS::Partition': 'aws',
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::StackName': st.name,
        'AWS::StackId': st.stackId,
      },
      parameters: Object.fromEntries(Object.entries(template.Parameters ?? {}).map(([k, p]) => [k, String(p.Default ?? '')])),
      ref: id => {
        const r = st.resources.get(id);
        if (r === undefined) {
          throw new Error(`Ref to ${id}, which does not exist`);
        }
        return r.physicalId;
      },
      getAtt: (id, attr) => {
        const r = st.resources.get(id);
        if (r === undefined) {
          throw new Error(`Fn::GetAtt of ${id}, which does not exist`);
        }
        if (!(attr in r.attributes)) {
          throw new Error(isCustomResource(r.type)
            ? `Vendor response doesn't contain ${attr} key in object ${st.stackId}|${id}|${r.physicalId}`
            : `Fn::GetAtt ${id}.${attr} is not simulated by the local engine`);
        }
        return r.attributes[attr];
      },
      condition: name => {
        if (!conditions.has(name)) {
          conditions.set(name, resolve(template.Conditions?.[name], ctx) === true);
        }
        return conditions.get(name)!;
      },
    };
    return ctx;
  }

  /** The resources of the template whose Condition (if any) holds. */
  private activeResources(st: StackState): string[] {
    const ctx = this.context(st);
    return Object.entries(st.template.Resources)
      .filter(([, r]) => r.Condition === undefined || ctx.condition(r.Condition))
      .map(([id]) => id);
  }

  private outputs(st: StackState): Record<string, string> {
    const ctx = this.context(st);
    const out: Record<string, string> = {};
    for (const [name, o] of Object.entries(st.template.Outputs ?? {})) {
      if (o.Condition === undefined || ctx.condition(o.Condition)) {
        out[name] = String(resolve(o.Value, ctx));
      }
    }
    return out;
  }

  private progress(logicalId: string, resourceType: string, requestType: RequestType, status: ProgressEvent['status'], elapsedMs: number, reason?: string): void {
    this.options.onProgress?.({ logicalId, resourceType, requestType, status, elapsedMs, ...(reason !== undefined ? { reason } : {}) });
  }
}

// -----------------------------------------------------------------------------------------------

interface Synthesized {
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly template: Template;
  readonly assemblyDir: string;
  readonly assets: Record<string, string>;
}

/**
 * Synthesizes the stack's app (into the app's outdir) and reads the stack from the cloud assembly,
 * as a deploy of an assembly directory does. aws-cdk-lib is only a type here: the stage is found
 * as Stage.of finds it (the nearest enclosing scope that synthesizes), so that the engine runs
 * where aws-cdk-lib is not installed (the bundled `local` commands).
 */
function synthesize(stack: Stack): Synthesized {
  const stage = [...stack.node.scopes].reverse().slice(1)
    .find(s => typeof (s as { synth?: unknown }).synth === 'function') as { synth(): { directory: string } } | undefined;
  if (stage === undefined) {
    throw new Error(`Stack ${stack.stackName} is not in an App`);
  }
  const assembly = stage.synth();
  return selectStack(readAssembly(assembly.directory), stack.artifactId, assembly.directory);
}

/** For deletions: a resource waits for every resource (among `ids`) that depends on it. */
function dependentsIn(template: Template, ids: string[]): (id: string) => string[] {
  const dependents = new Map<string, string[]>(ids.map(id => [id, []]));
  for (const id of ids) {
    if (id in template.Resources) {
      for (const dep of dependenciesOf(template, id)) {
        dependents.get(dep)?.push(id);
      }
    }
  }
  return id => dependents.get(id) ?? [];
}

function isRetained(policy: string | undefined): boolean {
  return policy === 'Retain' || policy === 'RetainExceptOnCreate';
}

function resourcesOf(st: StackState): Record<string, DeployedResource> {
  return Object.fromEntries([...st.resources.values()].map(r => [r.logicalId, { physicalId: r.physicalId, data: { ...r.attributes } }]));
}

/** A plausible physical id and attributes for a resource that is not a custom resource. */
function simulated(st: StackState, id: string, type: string, props: Record<string, unknown>): Pick<ResourceState, 'physicalId' | 'attributes'> {
  const suffix = randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase();
  const generated = `${st.name}-${id}`.slice(0, 50) + `-${suffix}`;
  const { region, account } = st;
  switch (type) {
    case 'AWS::Lambda::Function': {
      const name = String(props.FunctionName ?? generated);
      return { physicalId: name, attributes: { Arn: `arn:aws:lambda:${region}:${account}:function:${name}` } };
    }
    case 'AWS::IAM::Role': {
      const name = String(props.RoleName ?? generated);
      return { physicalId: name, attributes: { Arn: `arn:aws:iam::${account}:role/${name}`, RoleId: `AROA${suffix}` } };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const name = String(props.StateMachineName ?? `${id}-${suffix}`);
      const arn = `arn:aws:states:${region}:${account}:stateMachine:${name}`;
      return { physicalId: arn, attributes: { Arn: arn, Name: name } };
    }
    case 'AWS::Logs::LogGroup': {
      const name = String(props.LogGroupName ?? generated);
      return { physicalId: name, attributes: { Arn: `arn:aws:logs:${region}:${account}:log-group:${name}:*` } };
    }
    default: {
      const service = type.split('::')[1]?.toLowerCase() ?? 'unknown';
      return { physicalId: generated, attributes: { Arn: `arn:aws:${service}:${region}:${account}:${type.split('::')[2]?.toLowerCase()}/${generated}` } };
    }
  }
}

/** A pre-signed S3 URL like the one CloudFormation puts in ResponseURL. */
function responseUrl(st: StackState, logicalId: string, requestId: string): string {
  const key = encodeURIComponent(`${st.stackId}|${logicalId}|${requestId}`);
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `https://cloudformation-custom-resource-response-${st.region.replace(/-/g, '')}.s3.amazonaws.com/${key}`
    + `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=7200&X-Amz-SignedHeaders=host&X-Amz-Signature=${randomUUID().replace(/-/g, '')}`;
}

/** How the framework addresses the response: hostname and path (with the query); it drops the scheme and port. */
function urlKey(url: string): string {
  const u = new URL(url);
  return `${u.hostname}${u.pathname}${u.search}`;
}

/**
 * Runs `action` on every id once its dependencies among `ids` are done, concurrently where
 * independent. After the first failure nothing new starts; what runs is awaited.
 */
async function runGraph(
  ids: string[], depsOf: (id: string) => string[], action: (id: string) => Promise<void>,
): Promise<{ failures: Error[] }> {
  const idSet = new Set(ids);
  const remaining = new Set(ids);
  const done = new Set<string>();
  const failures: Error[] = [];
  let running = 0;
  return new Promise(resolveAll => {
    const pump = () => {
      if (failures.length === 0) {
        for (const id of [...remaining]) {
          if (depsOf(id).every(d => done.has(d) || !idSet.has(d))) {
            remaining.delete(id);
            running++;
            Promise.resolve().then(() => action(id)).then(
              () => {
                done.add(id);
              },
              e => failures.push(e instanceof Error ? e : new Error(String(e))),
            ).finally(() => {
              running--;
              pump();
            });
          }
        }
      }
      if (running === 0) {
        if (failures.length === 0 && remaining.size > 0) {
          failures.push(new Error(`Circular dependency between resources: ${[...remaining].join(', ')}`));
        }
        resolveAll({ failures });
      }
    };
    pump();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}
