/**
 * A local stand-in for the AWS Lambda Node.js runtime: loads a function's code from its
 * synthesized asset directory (never from src/ or lambda/), and invokes its handler the way
 * Lambda does (environment, init errors, the error payload of a thrown handler).
 *
 * The code runs in the process's main realm (outside any jest sandbox, like a real Lambda
 * sandbox), with its own module registry per sandbox (sandbox.ts), and one sandbox per concurrent invocation
 * (see LambdaRuntime). Packages the Lambda runtime provides
 * (`@aws-sdk/*`, `@smithy/*`) resolve from the repository's node_modules, standing in for
 * /var/runtime/node_modules; nothing is copied into the asset.
 */
import { AsyncLocalStorage } from 'async_hooks';
import * as path from 'path';
import { format } from 'util';
import * as vm from 'vm';
import { Handler, realProcess, Sandbox } from './sandbox';
import { INVOCATION_RANDOM, seededRandom, uuidFor, VirtualClock } from '../clock/virtual-clock';

export { provideRuntimePackages } from './sandbox';

const ENV_STORAGE_KEY = Symbol.for('cdk-connect-global-resiliency.local-lambda-env');
/** The invocation's own Math.random generator, on its environment record (not enumerable: not an environment variable). */
const RANDOM = Symbol('invocation-random');

/**
 * Each invocation sees its own function's environment through `process.env` (the SDK reads
 * AWS_ENDPOINT_URL_CONNECT and the credentials from there), even while other functions with
 * other environments run concurrently: `process.env` becomes a view of the environment of the
 * invocation in the current async context, and of the real environment outside invocations.
 */
function envStorage(): AsyncLocalStorage<Record<string, string>> {
  const holder = realProcess as unknown as Record<symbol, AsyncLocalStorage<Record<string, string>> | undefined>;
  let storage = holder[ENV_STORAGE_KEY];
  if (storage === undefined) {
    const als = new AsyncLocalStorage<Record<string, string>>();
    const base = realProcess.env;
    const current = (): Record<string, string | undefined> => als.getStore() ?? base;
    realProcess.env = new Proxy(base, {
      get: (_t, p) => Reflect.get(current(), p),
      set: (_t, p, v) => Reflect.set(current(), p, String(v)),
      has: (_t, p) => Reflect.has(current(), p),
      deleteProperty: (_t, p) => Reflect.deleteProperty(current(), p),
      ownKeys: () => Reflect.ownKeys(current()),
      getOwnPropertyDescriptor: (_t, p) => {
        const d = Reflect.getOwnPropertyDescriptor(current(), p);
        return d === undefined ? undefined : { ...d, configurable: true };
      },
      defineProperty: (_t, p, d) => Reflect.defineProperty(current(), p, d),
    });
    holder[ENV_STORAGE_KEY] = als;
    storage = als;
    // A seeded virtual clock's Math.random asks which generator the current invocation draws from.
    (vm.runInThisContext('globalThis') as Record<symbol, unknown>)[INVOCATION_RANDOM] = () =>
      (als.getStore() as Record<symbol, (() => number) | undefined> | undefined)?.[RANDOM];
  }
  return storage;
}

/** A function as the template declares it. */
export interface LambdaFunctionConfig {
  readonly functionName: string;
  readonly functionArn: string;
  /** The unpacked code: the asset directory. */
  readonly codeDir: string;
  /** `file.export`, e.g. `index.handler` or `framework.onEvent`. */
  readonly handler: string;
  /** Environment.Variables of the template, resolved. */
  readonly environment: Record<string, string>;
  readonly runtime?: string;
  readonly memorySize?: number;
  readonly timeoutSeconds?: number;
}

/** What Lambda's Invoke (RequestResponse) returns. */
export interface InvokeResult {
  readonly StatusCode: number;
  readonly FunctionError?: string;
  readonly Payload: Uint8Array;
  readonly ExecutedVersion: string;
}

/** A log line a function wrote (CloudWatch Logs, locally). */
export interface LogLine {
  readonly functionName: string;
  readonly message: string;
}

/** Lambda's error payload for a handler that threw. */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: string[];
}

/** The frame the Lambda runtime's own code adds below the handler's. */
const RUNTIME_FRAME = '    at Runtime.handleOnceNonStreaming (file:///var/runtime/index.mjs:1206:29)';

/**
 * A stack trace as the function's own Lambda would see it: this process's frames below the
 * runtime boundary (this file, and whoever invoked the function) are replaced by the runtime's,
 * so that traces (which the framework puts into its FAILED reasons) have their real size.
 */
function lambdaTrace(stack: string): string[] {
  const lines = stack.split('\n');
  const boundary = lines.findIndex(l => l.includes(__filename));
  return boundary < 0 ? lines : [...lines.slice(0, boundary), RUNTIME_FRAME];
}

/** The payload Lambda returns for an error: what the caller (the framework, Step Functions) sees. */
function errorPayload(e: unknown): LambdaErrorPayload {
  if (e instanceof Error || (typeof e === 'object' && e !== null && 'message' in e)) {
    const err = e as Error;
    return { errorType: err.name ?? 'Error', errorMessage: err.message ?? '', trace: lambdaTrace(err.stack ?? '') };
  }
  return { errorType: 'Error', errorMessage: String(e), trace: [] };
}

const encoder = new TextEncoder();

/** A sandbox's statistics for one function (`LambdaRuntime.sandboxStats`). */
export interface SandboxStats {
  /** Sandboxes started (cold starts). */
  readonly started: number;
  /** The most sandboxes busy at once: the function's peak concurrency. */
  readonly peak: number;
  /** Invocations served. */
  readonly invocations: number;
  /** The longest invocation, in milliseconds. */
  readonly maxDurationMs: number;
}

/** The sandboxes of one function (one code and environment): idle ones wait to be reused. */
interface Pool {
  readonly functionName: string;
  /** Idle sandboxes, the most recently used last (Lambda reuses a warm one first). */
  readonly idle: Handler[];
  busy: number;
}

/**
 * The functions of the deployed stacks, invoked in-process, with Lambda's concurrency model: each
 * function has a pool of sandboxes; an invocation takes an idle one, or starts a new one (a cold
 * start: the bundle is evaluated again, so its module state, e.g. a cached SDK client and its
 * retry limiter, is its own), and gives it back when it ends, for the next invocation to reuse.
 * So no two concurrent invocations share module state, as on AWS Lambda. A new code or environment
 * is a new pool; an init error is retried on the next invocation (as Lambda does).
 */
export class LambdaRuntime {
  /** Every log line the functions wrote. */
  public readonly logs: LogLine[] = [];
  /** Sandbox pools, by function, code and environment. */
  private readonly pools = new Map<string, Pool>();
  private readonly stats = new Map<string, { started: number; peak: number; busy: number; invocations: number; maxDurationMs: number }>();
  /** Every sandbox started, to dispose of. */
  private readonly sandboxes: Sandbox[] = [];

  constructor(private readonly options: {
    /** Added to every function's environment (after the template's variables). */
    readonly env: Record<string, string>;
    readonly region: string;
    /** Print the functions' logs as they are written. */
    readonly printLogs?: boolean;
    /** Multiplies each function's timeout, as the context reports it (getRemainingTimeInMillis). @default 1 */
    readonly timeoutScale?: number;
    /** Called once a sandbox has loaded its handler module, to replace what its modules export (the framework's outbound calls). */
    readonly onSandbox?: (config: LambdaFunctionConfig, sandbox: { loaded(file: string): unknown }) => void;
  }) {}

  /** Invokes `config`'s handler with `payload` (JSON), as Invoke with RequestResponse does. */
  public async invoke(config: LambdaFunctionConfig, payload: string): Promise<InvokeResult> {
    const env = this.environment(config);
    const seed = VirtualClock.current()?.seedFor(`${config.functionName} ${invocationKey(payload)}`);
    if (seed !== undefined) {
      Object.defineProperty(env, RANDOM, { value: seededRandom(seed), enumerable: false });
    }
    const pool = this.poolOf(config, env);
    const stats = this.statsOf(config.functionName);
    const run = async (): Promise<InvokeResult> => {
      let handler: Handler | undefined;
      try {
        handler = pool.idle.pop() ?? this.startSandbox(config);
        const event = JSON.parse(payload);
        const result = await callHandler(handler, event, this.context(config));
        return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: encoder.encode(JSON.stringify(result ?? null)) };
      } catch (e) {
        const body = errorPayload(e);
        this.write(config.functionName, `ERROR\tInvoke Error\t${JSON.stringify(body)}`);
        return { StatusCode: 200, ExecutedVersion: '$LATEST', FunctionError: 'Unhandled', Payload: encoder.encode(JSON.stringify(body)) };
      } finally {
        // A sandbox whose init failed is gone; one whose handler ended (or threw) is warm again.
        if (handler !== undefined) {
          pool.idle.push(handler);
        }
      }
    };
    pool.busy++;
    stats.busy++;
    stats.invocations++;
    stats.peak = Math.max(stats.peak, stats.busy);
    const started = Date.now();
    try {
      return await envStorage().run(env, run);
    } finally {
      pool.busy--;
      stats.busy--;
      stats.maxDurationMs = Math.max(stats.maxDurationMs, Date.now() - started);
    }
  }

  /** Ends every sandbox (as Lambda reclaims them): what their code left running in this process stops. */
  public dispose(): void {
    this.sandboxes.splice(0).forEach(s => s.dispose());
    this.pools.clear();
  }

  /** Per function name: sandboxes started, peak concurrency, invocations and the longest one. */
  public sandboxStats(): Record<string, SandboxStats> {
    return Object.fromEntries([...this.stats].map(([name, s]) => [name, {
      started: s.started, peak: s.peak, invocations: s.invocations, maxDurationMs: s.maxDurationMs,
    }]));
  }

  private poolOf(config: LambdaFunctionConfig, env: Record<string, string>): Pool {
    // The same code (its asset directory's name carries its hash) in a new cloud assembly is the same function version: warm sandboxes stay.
    const key = JSON.stringify([config.functionArn, path.basename(config.codeDir), config.handler, { ...env, LAMBDA_TASK_ROOT: '' }]);
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = { functionName: config.functionName, idle: [], busy: 0 };
      this.pools.set(key, pool);
    }
    return pool;
  }

  private statsOf(functionName: string) {
    let s = this.stats.get(functionName);
    if (s === undefined) {
      s = { started: 0, peak: 0, busy: 0, invocations: 0, maxDurationMs: 0 };
      this.stats.set(functionName, s);
    }
    return s;
  }

  /** A cold start: a new sandbox evaluates the function's code afresh (its own module instances). */
  private startSandbox(config: LambdaFunctionConfig): Handler {
    const sandbox = new Sandbox(config, this.consoleFor(config.functionName));
    this.sandboxes.push(sandbox);
    const handler = sandbox.loadHandler();
    this.options.onSandbox?.(config, sandbox);
    this.statsOf(config.functionName).started++;
    return handler;
  }

  private environment(config: LambdaFunctionConfig): Record<string, string> {
    return {
      PATH: '/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      LAMBDA_TASK_ROOT: config.codeDir,
      AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime ?? 'nodejs'}`,
      AWS_LAMBDA_FUNCTION_NAME: config.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memorySize ?? 128),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.functionName}`,
      AWS_REGION: this.options.region,
      AWS_DEFAULT_REGION: this.options.region,
      // Dummy credentials of the function's role (the emulator does not check signatures).
      AWS_ACCESS_KEY_ID: 'ASIAXXXXXXXXLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local-test-secret-access-key',
      AWS_SESSION_TOKEN: 'local-test-session-token',
      // The functions declare a current Node.js runtime; this process may be older than that.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...config.environment,
      ...this.options.env,
    };
  }

  private context(config: LambdaFunctionConfig) {
    const deadline = Date.now() + (config.timeoutSeconds ?? 3) * 1000 * (this.options.timeoutScale ?? 1);
    return {
      functionName: config.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: config.functionArn,
      memoryLimitInMB: String(config.memorySize ?? 128),
      awsRequestId: uuidFor(`aws request ${config.functionName}`),
      logGroupName: `/aws/lambda/${config.functionName}`,
      logStreamName: `local/[$LATEST]${uuidFor(`log stream ${config.functionName}`).replace(/-/g, '')}`,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
  }

  private consoleFor(functionName: string): Console {
    const write = (...args: unknown[]) => this.write(functionName, format(...args));
    return { log: write, info: write, warn: write, error: write, debug: write, trace: write } as unknown as Console;
  }

  private write(functionName: string, message: string): void {
    this.logs.push({ functionName, message });
    if (this.options.printLogs) {
      process.stdout.write(`[${functionName}] ${message}\n`);
    }
  }
}

/**
 * What an invocation is about, for its seed: the resource and request type of a custom resource event (the
 * engine's and the framework's payloads carry them), so that the same resource's n-th invocation of a kind
 * draws the same numbers in every run with the world's seed.
 */
function invocationKey(payload: string): string {
  try {
    const e = JSON.parse(payload) as { StackId?: unknown; LogicalResourceId?: unknown; RequestType?: unknown };
    return `${String(e.StackId)} ${String(e.LogicalResourceId)} ${String(e.RequestType)}`;
  } catch {
    return payload;
  }
}

/** Calls an async handler, or a callback-style one (three parameters). */
function callHandler(handler: Handler, event: unknown, context: unknown): Promise<unknown> {
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      handler(event, context, (err, result) => (err ? reject(err) : resolve(result)));
    });
  }
  return Promise.resolve(handler(event, context));
}
