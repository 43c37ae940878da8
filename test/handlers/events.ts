/**
 * Fixtures for the handler tests: CloudFormation events shaped as CloudFormation delivers them
 * (every scalar a string), a Connect client mock on which every call not set up by the test
 * fails, and a small driver that runs onEvent then isComplete the way the aws-cdk-lib Provider
 * framework does and returns the response body it would PUT to CloudFormation.
 */
import * as crypto from 'crypto';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ConnectClient, ConnectServiceException, TagResourceCommand } from '@aws-sdk/client-connect';
import { AwsStub, mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { forgetSeenFlows } from '../../lambda/claimed-phone-number/handler';
import { handler as isCompleteHandler } from '../../lambda/is-complete.lambda';
import { CfnEvent, IsCompleteResult, OnEventResult, WaitEvent } from '../../lambda/lib/events';
import { forgetLearnedDurations } from '../../lambda/lib/poll';
import { handler as onEventHandler } from '../../lambda/on-event.lambda';
import { CURRENT_REQUEST_TAG_PREFIX, DEADLINE_FIELD } from '../../src/shared/names';
import { ACCOUNT, INSTANCE_ARN, REGION } from '../fixtures/arns';

export const OTHER_INSTANCE_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:instance/22222222-3333-4444-5555-666666666666`;
export const GROUP2_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:traffic-distribution-group/88888888-7777-6666-5555-444444444444`;
export const DEFAULT_GROUP_ID = 'dddddddd-0000-0000-0000-000000000001';
export const DEFAULT_GROUP_ARN = `arn:aws:connect:${REGION}:${ACCOUNT}:traffic-distribution-group/${DEFAULT_GROUP_ID}`;
export const FLOW2_ID = 'aaaaaaaa-0000-0000-0000-000000000002';
export const FLOW2_ARN = `${INSTANCE_ARN}/contact-flow/${FLOW2_ID}`;
export const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Contact/5b6f0f60-0000-11ee-8000-0a1b2c3d4e5f`;
export const SERVICE_TOKEN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:Contact-ProviderframeworkonEvent-AbCdEf`;

/** A phone number ARN for a UUID-ish suffix (hex digits only). */
export function phoneArn(n = 1, region = REGION): string {
  return `arn:aws:connect:${region}:${ACCOUNT}:phone-number/${String(n).padStart(8, '0')}-1111-2222-3333-444444444444`;
}

/** The shape of every ClientToken: a lowercase RFC 4122 UUID (ClaimPhoneNumber's pattern). */
export const CLIENT_TOKEN_PATTERN = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

/** An error as the SDK raises it for a modelled exception (same class and `name` as on the wire). */
export function sdkError<T extends ConnectServiceException>(
  ctor: new (opts: any) => T, message: string, extra: Record<string, unknown> = {},
): T {
  return new ctor({ message, $metadata: { httpStatusCode: 400 }, ...extra });
}

/**
 * CloudFormation delivers every scalar of ResourceProperties as a string (numbers and booleans
 * included); lists and maps keep their shape.
 */
export function asDelivered(value: unknown): any {
  if (Array.isArray(value)) {
    return value.map(asDelivered);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asDelivered(v)]));
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

interface EventOptions {
  readonly logicalId?: string;
  readonly requestId?: string;
  readonly stackId?: string;
}

function base(resourceType: string, props: Record<string, unknown>, o: EventOptions) {
  return {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/presigned?X-Amz-Signature=secret',
    StackId: o.stackId ?? STACK_ID,
    RequestId: o.requestId ?? crypto.randomUUID(),
    LogicalResourceId: o.logicalId ?? 'Resource',
    ResourceType: resourceType,
    ResourceProperties: { ServiceToken: SERVICE_TOKEN, ...asDelivered(props) },
  };
}

export function createEvent(resourceType: string, props: Record<string, unknown>, o: EventOptions = {}): CfnEvent {
  return { RequestType: 'Create', ...base(resourceType, props, o) } as CfnEvent;
}

export function updateEvent(
  resourceType: string, physicalId: string, props: Record<string, unknown>, oldProps: Record<string, unknown>, o: EventOptions = {},
): CfnEvent {
  return {
    RequestType: 'Update',
    ...base(resourceType, props, o),
    PhysicalResourceId: physicalId,
    OldResourceProperties: { ServiceToken: SERVICE_TOKEN, ...asDelivered(oldProps) },
  } as CfnEvent;
}

export function deleteEvent(resourceType: string, physicalId: string, props: Record<string, unknown>, o: EventOptions = {}): CfnEvent {
  return { RequestType: 'Delete', ...base(resourceType, props, o), PhysicalResourceId: physicalId } as CfnEvent;
}

/** The event the waiter hands to isComplete: the request merged with onEvent's result. */
export function waitEvent(event: CfnEvent, result: Partial<OnEventResult> & { PhysicalResourceId: string }): WaitEvent {
  return { ...event, ...result } as WaitEvent;
}

/**
 * A Connect client mock on which every command fails unless the test sets it up, so an
 * unexpected call breaks the test instead of returning `undefined`. Reset before each test, as is
 * the sandbox's memory of the flows it found to exist and of the durations it learned.
 * Also silences the handlers' JSON log lines.
 */
export function useConnectMock(): AwsStub<any, any, any> {
  const cm = mockClient(ConnectClient);
  beforeAll(() => {
    process.env.CONNECT_GR_POLL_FIRST_MS = '1';
    process.env.CONNECT_GR_POLL_MAX_MS = '1';
    process.env.CONNECT_GR_INLINE_POLL_BUDGET_MS = '150';
  });
  beforeEach(() => {
    cm.reset();
    forgetSeenFlows(); // each test runs in a new sandbox
    forgetLearnedDurations();

    cm.onAnyCommand().callsFake((input: unknown) => {
      throw new Error(`unexpected call: ${JSON.stringify(input)}`);
    });
    // onEvent's record of the current request (lambda/lib/current-request.ts): a TagResource of that one tag
    // alone is answered; any other tag call still fails unless the test sets it up (see markerCalls).
    cm.on(TagResourceCommand).callsFake((input: { tags?: Record<string, string> }) => {
      const keys = Object.keys(input.tags ?? {});
      if (keys.length === 1 && keys[0].startsWith(CURRENT_REQUEST_TAG_PREFIX)) {
        return {};
      }
      throw new Error(`unexpected call: ${JSON.stringify(input)}`);
    });
    // DescribeStacks on the handlers' own stack (lambda/lib/stack-status.ts): a forward update unless the test says otherwise.
    stackStatus = 'UPDATE_IN_PROGRESS';
    cfn.reset();
    cfn.onAnyCommand().rejects(new Error('only DescribeStacks is answered'));
    cfn.on(DescribeStacksCommand).callsFake(() => {
      if (stackStatus instanceof Error) {
        throw stackStatus;
      }
      return { Stacks: [{ StackName: 'Contact', StackId: STACK_ID, StackStatus: stackStatus, CreationTime: new Date(0) }] };
    });
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  afterAll(() => {
    cm.restore();
    cfn.restore();
  });
  return cm;
}

/** CloudFormation's DescribeStacks on the handlers' own stack (lambda/lib/stack-status.ts): one mock for every test. */
const cfn = mockClient(CloudFormationClient);
export const cfnMock = cfn;
let stackStatus: string | Error = 'UPDATE_IN_PROGRESS';

/** The status DescribeStacks reports for the handlers' stack in this test (e.g. UPDATE_ROLLBACK_IN_PROGRESS: a rollback), or its failure. */
export function setStackStatus(status: string | Error): void {
  stackStatus = status;
}

/** The stack status DescribeStacks reports in this test (the same as setStackStatus, for a status). */
export function setStatus(status: string): void {
  setStackStatus(status);
}

/** How many times the handlers read their stack's status in this test. */
export function stackStatusReads(): number {
  return cfn.commandCalls(DescribeStacksCommand).length;
}

/** The TagResource calls that are not onEvent's record of the current request. */
export function tagCallsOtherThanMarker(cm: AwsStub<any, any, any>): any[] {
  return cm.commandCalls(TagResourceCommand).map(c => c.args[0].input)
    .filter((i: { tags?: Record<string, string> }) => !Object.keys(i.tags ?? {}).every(k => k.startsWith(CURRENT_REQUEST_TAG_PREFIX)));
}

/** The Region of the client each call of `command` went to, in call order. */
export async function regionsOf(cm: AwsStub<any, any, any>, command: new (...a: any[]) => any): Promise<string[]> {
  return Promise.all(cm.commandCalls(command).map(c => (c.thisValue as ConnectClient).config.region()));
}

/** The inputs of every call of `command`, in call order. */
export function inputsOf(cm: AwsStub<any, any, any>, command: new (...a: any[]) => any): any[] {
  return cm.commandCalls(command).map(c => c.args[0].input);
}

/** The body the framework PUTs to the ResponseURL (cfn-response.js submitResponse). */
export interface ResponseBody {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly PhysicalResourceId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Record<string, string>;
}

/** The outcome of running one request through onEvent and isComplete. */
export interface Outcome {
  readonly response: ResponseBody;
  /** The serialized response, as sent. */
  readonly body: string;
  /** isComplete invocations the waiter made. */
  readonly rounds: number;
}

const CREATE_FAILED_MARKER = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

/**
 * Runs a request the way the Provider framework does: onEvent, then isComplete until it says it is
 * complete (at most `maxRounds` waiter attempts), and returns the response body. A handler error
 * becomes FAILED with the message the framework puts in Reason (the user function's error message
 * and the log group; the runtime's stack frames, which the framework appends, are left out: they
 * depend on the bundle, not on the handler).
 */
export async function run(event: CfnEvent, maxRounds = 5, options: { deadlinePassed?: boolean } = {}): Promise<Outcome> {
  const respond = (status: 'SUCCESS' | 'FAILED', ev: { PhysicalResourceId?: string; Data?: Record<string, string> }, reason?: string): Outcome => {
    const response: ResponseBody = {
      Status: status,
      Reason: reason ?? status,
      StackId: event.StackId,
      RequestId: event.RequestId,
      PhysicalResourceId: ev.PhysicalResourceId || 'AWSCDK::CustomResourceProviderFramework::MISSING_PHYSICAL_ID',
      LogicalResourceId: event.LogicalResourceId,
      Data: ev.Data,
    };
    return { response, body: JSON.stringify(response), rounds };
  };
  const failure = (e: unknown) => [(e as Error).message, '', 'Logs: /aws/lambda/Contact-ConnectProviderHandler', ''].join('\n');
  let rounds = 0;
  let result: OnEventResult;
  try {
    result = await onEventHandler(JSON.parse(JSON.stringify(event)));
  } catch (e) {
    const id = event.PhysicalResourceId ?? (event.RequestType === 'Create' ? CREATE_FAILED_MARKER : undefined);
    return respond('FAILED', { PhysicalResourceId: id }, failure(e));
  }
  const physicalId = result.PhysicalResourceId || (event.RequestType === 'Create' ? event.RequestId : event.PhysicalResourceId!);
  if (event.RequestType === 'Delete' && physicalId !== event.PhysicalResourceId) {
    throw new Error(`DELETE: cannot change the physical resource ID from ${event.PhysicalResourceId} to ${physicalId}`);
  }
  // Step Functions passes the event through JSON: only what survives serialization reaches isComplete.
  const merged = JSON.parse(JSON.stringify({ ...event, ...result, PhysicalResourceId: physicalId })) as WaitEvent & { Data?: Record<string, string> };
  if (options.deadlinePassed) {
    merged[DEADLINE_FIELD] = Date.now() - 1;
  }
  while (rounds < maxRounds) {
    rounds++;
    let r: IsCompleteResult;
    try {
      r = await isCompleteHandler(merged);
    } catch (e) {
      return respond('FAILED', merged, failure(e));
    }
    if (r.IsComplete) {
      return respond('SUCCESS', { PhysicalResourceId: physicalId, Data: { ...merged.Data, ...r.Data } });
    }
    if (r.Data && Object.keys(r.Data).length > 0) {
      throw new Error('"Data" is not allowed if "IsComplete" is "False"');
    }
  }
  return respond('FAILED', merged, 'Operation timed out');
}

/** Expects a FAILED response whose reason contains every fragment. */
export function expectFailed(outcome: Outcome, ...fragments: (string | RegExp)[]): void {
  expect(outcome.response.Status).toBe('FAILED');
  for (const f of fragments) {
    if (typeof f === 'string') {
      expect(outcome.response.Reason).toContain(f);
    } else {
      expect(outcome.response.Reason).toMatch(f);
    }
  }
  expect(Buffer.byteLength(outcome.body)).toBeLessThan(2048);
}

/**
 * Expects a request whose calls keep failing transiently (throttled, or failed on the service's
 * side) never to fail before the resource's deadline (the waiter hears "not yet" each time), and
 * to fail with a reason containing every fragment once the deadline has passed.
 */
export async function expectNotFatalBeforeDeadline(event: CfnEvent, ...fragments: (string | RegExp)[]): Promise<void> {
  const before = await run(event);
  expect({ reason: before.response.Reason, rounds: before.rounds }).toEqual({ reason: 'Operation timed out', rounds: 5 });
  expectFailed(await run(event, 5, { deadlinePassed: true }), ...fragments);
}

/** Expects a SUCCESS response with exactly these attributes. */
export function expectSucceeded(outcome: Outcome, physicalId: string, data?: Record<string, string>): void {
  expect(outcome.response).toEqual(expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: physicalId }));
  expect(outcome.response.Data ?? {}).toEqual(data ?? {});
  expect(Buffer.byteLength(outcome.body)).toBeLessThan(2048);
}
