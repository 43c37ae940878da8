/**
 * Runs a Step Functions state machine definition (Amazon States Language) locally: the subset the
 * provider framework's waiter uses, Task states invoking Lambda functions with Retry and Catch,
 * with the semantics of the service (retriers counted per retrier, the interval multiplied by
 * BackoffRate, the error output `{ Error, Cause }` that a Catch passes on, where Cause is the
 * JSON of Lambda's error payload).
 */
import type { InvokeResult } from './lambda-runtime';

interface Retrier {
  readonly ErrorEquals: string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

interface Catcher {
  readonly ErrorEquals: string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}

interface TaskState {
  readonly Type: string;
  readonly Resource: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Retry?: Retrier[];
  readonly Catch?: Catcher[];
}

export interface StateMachineDefinition {
  readonly StartAt: string;
  readonly States: Record<string, TaskState>;
}

export interface ExecutionResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: { Error: string; Cause: string };
  /** Task invocations, including retries. */
  readonly invocations: number;
}

export interface ExecutionOptions {
  /** Invokes the Lambda function a Task's Resource names. */
  readonly invoke: (functionArn: string, payload: string) => Promise<InvokeResult>;
  /** Multiplies every retry interval (1 = the definition's real seconds). */
  readonly intervalScale: number;
}

const decoder = new TextDecoder();

function matches(errorEquals: string[], error: string): boolean {
  return errorEquals.some(e => e === error || (e === 'States.ALL' && error !== 'States.Runtime') || (e === 'States.TaskFailed' && !error.startsWith('States.')));
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Runs one execution of `definition` with `input` to its end. */
export async function runExecution(definition: StateMachineDefinition, input: unknown, options: ExecutionOptions): Promise<ExecutionResult> {
  let stateName = definition.StartAt;
  let data = input;
  let invocations = 0;
  for (;;) {
    const state = definition.States[stateName];
    if (state === undefined || state.Type !== 'Task') {
      throw new Error(`The local state machine runner supports Task states only (state ${stateName}: ${state?.Type})`);
    }
    const attempts = new Map<Retrier, number>();
    let next: { output: unknown } | { error: { Error: string; Cause: string } };
    for (;;) {
      invocations++;
      const result = await options.invoke(state.Resource, JSON.stringify(data));
      const text = decoder.decode(result.Payload);
      if (result.FunctionError === undefined) {
        next = { output: text ? JSON.parse(text) : null };
        break;
      }
      const payload = JSON.parse(text) as { errorType?: string; errorMessage?: string; trace?: string[] };
      const error = {
        Error: payload.errorType ?? 'Lambda.Unknown',
        Cause: JSON.stringify({ errorMessage: payload.errorMessage, errorType: payload.errorType, trace: payload.trace }),
      };
      const retrier = (state.Retry ?? []).find(r => matches(r.ErrorEquals, error.Error));
      const done = retrier === undefined ? 0 : attempts.get(retrier) ?? 0;
      if (retrier !== undefined && done < (retrier.MaxAttempts ?? 3)) {
        attempts.set(retrier, done + 1);
        const seconds = Math.min((retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** done, retrier.MaxDelaySeconds ?? Infinity);
        await sleep(seconds * 1000 * options.intervalScale);
        continue;
      }
      next = { error };
      break;
    }
    if ('error' in next) {
      const catcher = (state.Catch ?? []).find(c => matches(c.ErrorEquals, next.error.Error));
      if (catcher === undefined) {
        return { status: 'FAILED', error: next.error, invocations };
      }
      // ResultPath "$" (the default): the error output replaces the input.
      data = next.error;
      stateName = catcher.Next;
      continue;
    }
    if (state.End) {
      return { status: 'SUCCEEDED', output: next.output, invocations };
    }
    data = next.output;
    stateName = state.Next!;
  }
}
