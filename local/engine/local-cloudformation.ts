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
 *
 * This class holds the deployed stacks and delegates: deploy.ts creates and updates a stack (with
 * rollback), resources.ts runs one resource's operation, provider-framework.ts sends custom resource
 * requests, functions.ts runs the Lambda functions (and their IAM), resolution.ts resolves the
 * template, graph.ts orders the work, stack-state.ts holds the types.
 */
import * as path from 'path';
import type { Stack } from 'aws-cdk-lib';
import { ConnectEmulator } from '../emulator';
import { readAssembly, selectStack } from './cloud-assembly';
import { createStack, updateStack } from './deploy';
import { describeStacks } from './describe-stacks';
import { LambdaFunctions } from './functions';
import { LogLine, SandboxStats } from './lambda-runtime';
import { NativeConnect } from './native-connect';
import { ProviderFramework } from './provider-framework';
import { ResourceOperations } from './resources';
import {
  CustomResourceRequest, DeployResult, EngineState, LocalCloudFormationOptions, Progress, ProgressEvent, RecordedResponse, RequestType,
  ResourceState, StackState, synthesize, Synthesized,
} from './stack-state';

export { MAX_RESPONSE_BYTES } from './stack-state';
export type {
  CustomResourceRequest, DeployedResource, DeployResult, EngineState, LocalCloudFormationOptions, ProgressEvent, RecordedResponse, RequestType,
} from './stack-state';

export class LocalCloudFormation {
  /** Every response body CloudFormation received, in order. */
  public readonly responses: RecordedResponse[] = [];
  /** Every request sent to a custom resource provider (a duplicated delivery appears twice). */
  public readonly events: CustomResourceRequest[] = [];
  /** Breaches of the custom resource contract seen (missing or extra responses, conflicting outcomes, bodies too large). */
  public readonly violations: string[] = [];

  private readonly stacks = new Map<string, StackState>();
  private readonly functions: LambdaFunctions;
  private readonly provider: ProviderFramework;
  private readonly ops: ResourceOperations;

  constructor(private readonly options: LocalCloudFormationOptions = {}) {
    // CloudFormation itself (DescribeStacks) answers on the emulator's endpoint too (local/emulator/cloudformation.ts).
    const connectEndpoint = options.env?.AWS_ENDPOINT_URL_CONNECT;
    if (connectEndpoint !== undefined && options.env?.AWS_ENDPOINT_URL_CLOUDFORMATION === undefined) {
      this.options = options = { ...options, env: { ...options.env, AWS_ENDPOINT_URL_CLOUDFORMATION: connectEndpoint } };
    }
    const waiterScale = options.waiterIntervalScale ?? 1;
    const serviceTimeoutScale = options.serviceTimeoutScale ?? waiterScale;
    // AWS::Connect::PhoneNumber (the L1), run against the functions' Connect endpoint (native-connect.ts).
    const native = new NativeConnect(options.env?.AWS_ENDPOINT_URL_CONNECT, waiterScale);
    const progress: Progress = (...args) => this.progress(...args);
    this.functions = new LambdaFunctions(this.stacks, options, sandbox => this.provider.patchOutbound(sandbox));
    this.provider = new ProviderFramework(this.functions, this.responses, this.events, this.violations, waiterScale, serviceTimeoutScale, progress);
    this.ops = new ResourceOperations(native, this.provider, progress);
    // IAM is enforced: the Connect emulator these functions call asks this engine about every call
    // signed with a function's access key, and refuses what the function's role does not allow.
    ConnectEmulator.at(options.env?.AWS_ENDPOINT_URL_CONNECT)?.addAuthorizer(req => this.functions.authorize(req));
    // DescribeStacks, which the handlers call on their own stack (lambda/lib/stack-status.ts), on the same endpoint.
    ConnectEmulator.at(options.env?.AWS_ENDPOINT_URL_CONNECT)?.serveQuery(req => describeStacks(req, this.stacks, r => this.functions.authorize(r)));
  }

  /**
   * cancel-update-stack, as CloudFormation does it: the update stops waiting for the resources in
   * progress (each ends UPDATE_FAILED: "Resource update cancelled") and the rollback starts at once.
   * What their providers run keeps running: a Step Functions waiter is not stopped (aws-cdk #31541),
   * and its late response goes nowhere. Throws unless the stack is UPDATE_IN_PROGRESS.
   */
  public cancelUpdateStack(stackName: string): void {
    const st = this.stacks.get(stackName);
    if (st?.cancel === undefined || st.status !== 'UPDATE_IN_PROGRESS') {
      throw new Error(`Stack ${stackName} is in ${st?.status ?? 'no'} state and can not be cancelled (CancelUpdateStack is only valid when the stack is UPDATE_IN_PROGRESS)`);
    }
    st.cancel();
  }

  /** The stack's status as DescribeStacks reports it. */
  public stackStatus(stackName: string): string | undefined {
    return this.stacks.get(stackName)?.status;
  }

  /**
   * Ends the functions' sandboxes (the engine's deployed stacks stay readable). A world stops its engines;
   * an engine that is never disposed keeps a cost on every promise of the process (see Sandbox.dispose).
   */
  public dispose(): void {
    this.functions.dispose();
  }

  /** Every log line the Lambda functions wrote. */
  public get logs(): LogLine[] {
    return this.functions.logs;
  }

  /**
   * Lambda's concurrency so far, per function (by logical id; one sandbox per concurrent invocation): the sandboxes started, the peak of sandboxes busy at
   * once, the invocations and the longest one.
   */
  public sandboxStats(): Record<string, SandboxStats> {
    return this.functions.sandboxStats();
  }

  /**
   * Delivers the next request of the next deploy or destroy twice (CloudFormation and Lambda may
   * re-deliver); both deliveries must agree. A deploy that sends no request drops it.
   */
  public duplicateNextEvent(): void {
    this.provider.duplicateNext = true;
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
      const result = previous === undefined ? await createStack(this.stacks, this.ops, synth) : await updateStack(this.ops, previous, synth);
      this.throwOnViolations(violationsBefore);
      return result;
    } finally {
      this.provider.duplicateNext = false;
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
    st.status = 'DELETE_IN_PROGRESS';
    const failures = await this.ops.deleteAll(st, ids, st.template).finally(() => (this.provider.duplicateNext = false));
    if (failures.length > 0) {
      st.status = 'DELETE_FAILED';
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

  private progress(
    logicalId: string, resourceType: string, requestType: RequestType, status: ProgressEvent['status'], elapsedMs: number, reason?: string, physicalResourceId?: string,
  ): void {
    this.options.onProgress?.({
      logicalId,
      resourceType,
      requestType,
      status,
      elapsedMs,
      ...(reason !== undefined ? { reason } : {}),
      ...(physicalResourceId !== undefined ? { physicalResourceId } : {}),
    });
  }
}
