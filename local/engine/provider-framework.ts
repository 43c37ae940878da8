/**
 * Custom resource requests as CloudFormation sends them, to the REAL provider framework loaded from the
 * assembly: one delivery (or two, when duplicated) per request, invoked asynchronously with Lambda's
 * retries, the outcome the first response or ServiceTimeout, and the contract checked (exactly one
 * response per delivery, under 4096 bytes). The framework's three outbound calls (Lambda Invoke,
 * StartExecution, the response PUT) are replaced here, as aws-cdk's own framework tests do.
 */
import { LambdaFunctions } from './functions';
import { InvokeResult, LambdaFunctionConfig } from './lambda-runtime';
import { CustomResourceRequest, MAX_RESPONSE_BYTES, Progress, RecordedResponse, RequestType, ResourceFailure, StackState } from './stack-state';
import { runExecution } from './state-machine';
import { uuidFor } from '../clock/virtual-clock';

const CLOUDFORMATION_DEFAULT_SERVICE_TIMEOUT_SECONDS = 3600;
/** Lambda retries an asynchronous invocation that errors twice, after about 1 and 2 minutes. */
const ASYNC_RETRY_DELAYS_SECONDS = [60, 120];

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

export class ProviderFramework {
  /** Deliver the next request twice (LocalCloudFormation.duplicateNextEvent). */
  public duplicateNext = false;
  private readonly deliveries = new Map<string, Delivery>();

  constructor(
    private readonly functions: LambdaFunctions,
    private readonly responses: RecordedResponse[],
    private readonly events: CustomResourceRequest[],
    private readonly violations: string[],
    private readonly waiterScale: number,
    private readonly serviceTimeoutScale: number,
    private readonly progress: Progress,
  ) {}

  // Custom resource requests

  /**
   * Sends one request to the custom resource's provider (its ServiceToken, a Lambda function) and
   * waits for CloudFormation's outcome: the first response, or ServiceTimeout. Throws a
   * ResourceFailure on FAILED; `onFailedId` learns the physical id a FAILED response named.
   */
  public async send(
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

    const request = customResourceRequest(st, requestType, type, logicalId, props, prior);
    const requestId = request.RequestId;
    const fn = this.functions.lambdaFunction(request.ServiceToken);
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
    // cancel-update-stack: CloudFormation stops waiting; what the provider runs keeps running, and its
    // late response is still received (and recorded) here, as CloudFormation receives and ignores it.
    const cancelled = st.cancelled === undefined ? new Promise<never>(() => undefined) : st.cancelled.then(() => 'cancelled' as const);
    const first = await Promise.race([
      delivery.firstResponse.then(() => 'response' as const),
      delivery.settled().then(() => (delivery.responses.length > 0 ? 'response' as const : 'silent' as const)),
      timedOut,
      cancelled,
    ]);
    if (first === 'cancelled') {
      clearTimeout(timer);
      void delivery.settled().then(() => this.deliveries.delete(key));
      return fail('Resource update cancelled');
    }
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

    const outcome = readResponse(request, delivery.responses[0], prior.physicalId);
    if ('failure' in outcome) {
      if (outcome.failedId !== undefined) {
        onFailedId?.(outcome.failedId);
      }
      return fail(outcome.failure);
    }
    this.progress(logicalId, type, requestType, 'SUCCESS', Date.now() - started, undefined, outcome.physicalId);
    return outcome;
  }

  /** Exactly one response per delivery, each naming the request; duplicated deliveries must agree. */
  public checkContract(delivery: Delivery): void {
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
  public async invokeAsync(fn: LambdaFunctionConfig, payload: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.functions.runtime(fn).invoke(fn, payload);
      if (result.FunctionError === undefined || attempt >= ASYNC_RETRY_DELAYS_SECONDS.length) {
        return;
      }
      await sleep(ASYNC_RETRY_DELAYS_SECONDS[attempt] * 1000 * this.waiterScale);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The provider framework's outbound calls

  /** Replaces the provider framework's outbound calls in a sandbox that loaded them. */
  public patchOutbound(sandbox: { loaded(file: string): unknown }): void {
    const outbound = sandbox.loaded('outbound.js') as Record<string, unknown> | undefined;
    if (outbound === undefined || typeof outbound.invokeFunction !== 'function') {
      return;
    }
    outbound.invokeFunction = async (req: { FunctionName: string; Payload: string }) => this.invokeFunction(req.FunctionName, req.Payload);
    outbound.startExecution = async (req: { stateMachineArn: string; input: string; name?: string }) => this.startExecution(req);
    outbound.httpRequest = async (options: HttpRequestOptions, body: string) => this.receiveResponse(options, body);
  }

  public async invokeFunction(functionName: string, payload: string): Promise<InvokeResult> {
    const fn = this.functions.lambdaFunction(functionName);
    if (fn === undefined) {
      const e = new Error(`Function not found: ${functionName}`);
      e.name = 'ResourceNotFoundException';
      throw e;
    }
    return this.functions.runtime(fn).invoke(fn, payload);
  }

  public async startExecution(req: { stateMachineArn: string; input: string; name?: string }) {
    const machine = this.functions.stateMachine(req.stateMachineArn);
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
    const name = req.name ?? uuidFor(`execution ${req.stateMachineArn}`);
    return { executionArn: `${req.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, startDate: new Date() };
  }

  public async receiveResponse(options: HttpRequestOptions, body: string): Promise<void> {
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
}

/** The request CloudFormation sends a custom resource's provider (ResponseURL and RequestId its own). */
function customResourceRequest(
  st: StackState, requestType: RequestType, type: string, logicalId: string, props: Record<string, unknown>,
  prior: { physicalId?: string; oldProps?: Record<string, unknown> },
): CustomResourceRequest {
  const requestId = uuidFor(`request ${st.stackId} ${logicalId} ${requestType}`);
  return {
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
}

/**
 * What CloudFormation makes of the first response to a request: the physical id and the data, or
 * the reason it fails the resource (with the physical id a FAILED response of a Create or Update named).
 */
function readResponse(
  request: CustomResourceRequest, response: { body: Record<string, unknown>; bytes: number }, priorPhysicalId: string | undefined,
): { physicalId: string; data: Record<string, string> } | { failure: string; failedId?: string } {
  const { body, bytes } = response;
  const physicalId = typeof body.PhysicalResourceId === 'string' ? body.PhysicalResourceId : '';
  if (bytes >= MAX_RESPONSE_BYTES) {
    return { failure: 'Response object is too long.' };
  }
  if (body.Status === 'FAILED') {
    return {
      failure: `Received response status [FAILED] from custom resource. Message returned: ${String(body.Reason)} (RequestId: ${request.RequestId})`,
      failedId: request.RequestType !== 'Delete' && physicalId !== '' ? physicalId : undefined,
    };
  }
  if (body.Status !== 'SUCCESS') {
    return { failure: `Invalid response status ${String(body.Status)}` };
  }
  if (physicalId === '' || Buffer.byteLength(physicalId) > 1024) {
    return { failure: 'Invalid PhysicalResourceId: must be 1-1024 bytes' };
  }
  if (request.RequestType === 'Delete' && physicalId !== priorPhysicalId) {
    return { failure: `Delete response changed the PhysicalResourceId from ${priorPhysicalId} to ${physicalId}` };
  }
  const data = Object.fromEntries(Object.entries((body.Data ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  return { physicalId, data };
}

/** A pre-signed S3 URL like the one CloudFormation puts in ResponseURL. */
function responseUrl(st: StackState, logicalId: string, requestId: string): string {
  const key = encodeURIComponent(`${st.stackId}|${logicalId}|${requestId}`);
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `https://cloudformation-custom-resource-response-${st.region.replace(/-/g, '')}.s3.amazonaws.com/${key}`
    + `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=7200&X-Amz-SignedHeaders=host&X-Amz-Signature=${uuidFor(`signature ${key}`).replace(/-/g, '')}`;
}

/** How the framework addresses the response: hostname and path (with the query); it drops the scheme and port. */
function urlKey(url: string): string {
  const u = new URL(url);
  return `${u.hostname}${u.pathname}${u.search}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}
