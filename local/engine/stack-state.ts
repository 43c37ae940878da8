/**
 * The engine's public types (options, progress events, the requests custom resources receive, the
 * responses recorded, deploy results, its state as JSON), a deployed stack's state, and a synthesized
 * stack as the engine reads it from a cloud assembly.
 */
import type { Stack } from 'aws-cdk-lib';
import { readAssembly, selectStack } from './cloud-assembly';
import { Template } from './template';

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
  /** The resource's physical id, on a custom resource's SUCCESS. */
  readonly physicalResourceId?: string;
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

export interface ResourceState {
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

export interface StackState {
  readonly name: string;
  readonly stackId: string;
  readonly region: string;
  readonly account: string;
  template: Template;
  assemblyDir: string;
  /** Asset hash to its directory in the cloud assembly. */
  assets: Record<string, string>;
  resources: Map<string, ResourceState>;
  /** CloudFormation's stack status (CREATE_IN_PROGRESS, UPDATE_ROLLBACK_IN_PROGRESS, ...), as DescribeStacks reports it. */
  status?: string;
  /** Set while an update runs: cancel-update-stack (LocalCloudFormation.cancelUpdateStack) calls it. */
  cancel?: () => void;
  /** Resolves when the update in progress is cancelled. */
  cancelled?: Promise<void>;
}

/** A resource operation that failed, with CloudFormation's reason. */
export class ResourceFailure extends Error {
  constructor(readonly logicalId: string, readonly resourceType: string, readonly requestType: RequestType, readonly reason: string) {
    super(`${logicalId} (${resourceType}) ${requestType.toUpperCase()}_FAILED: ${reason}`);
  }
}

/** Reports one step of a resource operation (LocalCloudFormationOptions.onProgress). */
export type Progress = (
  logicalId: string, resourceType: string, requestType: RequestType, status: ProgressEvent['status'], elapsedMs: number, reason?: string, physicalResourceId?: string,
) => void;

export interface Synthesized {
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
export function synthesize(stack: Stack): Synthesized {
  const stage = [...stack.node.scopes].reverse().slice(1)
    .find(s => typeof (s as { synth?: unknown }).synth === 'function') as { synth(): { directory: string } } | undefined;
  if (stage === undefined) {
    throw new Error(`Stack ${stack.stackName} is not in an App`);
  }
  const assembly = stage.synth();
  return selectStack(readAssembly(assembly.directory), stack.artifactId, assembly.directory);
}

export function isRetained(policy: string | undefined): boolean {
  return policy === 'Retain' || policy === 'RetainExceptOnCreate';
}

export function resourcesOf(st: StackState): Record<string, DeployedResource> {
  return Object.fromEntries([...st.resources.values()].map(r => [r.logicalId, { physicalId: r.physicalId, data: { ...r.attributes } }]));
}
