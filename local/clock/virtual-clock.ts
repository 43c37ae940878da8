/**
 * The offline world's one clock: simulated time that jumps to the next timer only when nothing is in flight.
 *
 * While it runs, `Date`, `setTimeout`, `setInterval` (and their clears) are @sinonjs/fake-timers' fakes in the
 * process's main realm, where the Lambda sandboxes run the handlers and the SDK, and in the realm that
 * started it (a jest test's, where the emulator and the engine run). Nothing advances them but the clock's
 * loop, which runs on the real event loop (real `setImmediate`, never faked) and moves time to the next
 * timer only when the world is idle:
 *
 * - no HTTP request between a client and a server of this process is open (every `http.Agent` request is
 *   counted from the moment it is queued to its `close`, so a request on the wire or a response still
 *   being read holds the clock);
 * - no pending I/O the handlers or the SDK wait on (file reads, DNS lookups, connects: Node's active
 *   requests, `process.getActiveResourcesInfo()`, other than long-lived handles such as listening sockets);
 * - and that for `IDLE_ROUNDS` turns of the event loop in a row, so that a chain of promises and
 *   `nextTick`s started by the last timer has run to its next wait.
 *
 * So CPU time costs no simulated time: a busy machine makes a run slower, never different. What still
 * varies between two runs with the same seed is the order in which concurrent requests reach the emulator
 * (their I/O completes in an order the kernel chooses), and with it which of two racing callers a shared
 * rate limiter or a contended number favours.
 *
 * With `timeScale` (real milliseconds per simulated millisecond), the loop paces itself instead of jumping:
 * a jump of 10 s at 0.05 waits 500 ms of real time first (to watch a demo). Off by default.
 *
 * One clock per process: a second `start` while one runs shares it (the clocks of two worlds are one world's).
 */
import { createHash, randomUUID } from 'crypto';
import * as http from 'http';
import * as vm from 'vm';
import * as FakeTimers from '@sinonjs/fake-timers';
import * as prand from 'pure-rand';

/** What fake-timers' install returns. */
type InstalledClock = ReturnType<ReturnType<typeof FakeTimers.withGlobal>['install']>;

/** Where a seeded world's simulated time starts: 2026-01-01T00:00:00Z. */
const SEEDED_EPOCH = Date.UTC(2026, 0, 1);

/** Turns of the event loop with nothing in flight before time moves. */
const IDLE_ROUNDS = 3;

/** Node's active resources that are not a wait: long-lived handles, and the clock's own timers. */
const LONG_LIVED = new Set([
  'TCPServerWrap', 'TCPSocketWrap', 'TTYWrap', 'PipeWrap', 'PipeServerWrap', 'ProcessWrap', 'SignalWrap',
  'FSEventWrap', 'StatWatcher', 'MessagePort', 'UDPWrap', 'Timeout', 'Immediate', 'TimerWrap', 'Worker',
]);

/**
 * The process's running clock, kept on the main realm's global object: jest gives each test file a module
 * registry of its own, and two files run one after the other in the same process.
 */
const RUNNING = Symbol.for('cdk-connect-global-resiliency.virtual-clock');
interface Running { clock: VirtualClock; users: number }
const mainGlobals = vm.runInThisContext('globalThis') as Record<symbol, Running | undefined>;
const runningClock = () => mainGlobals[RUNNING];

/**
 * Where the Lambda runtime says which generator the invocation in the current async context draws from
 * (local/engine/lambda-runtime.ts): a function on the main realm's global object.
 */
export const INVOCATION_RANDOM = Symbol.for('cdk-connect-global-resiliency.invocation-random');

const FAKED = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const;

export interface VirtualClockOptions {
  /**
   * Real milliseconds per simulated millisecond: paces the clock (0.05: a 10 s wait lasts 500 ms).
   * @default - no pacing: time jumps as soon as the world is idle
   */
  readonly timeScale?: number;
  /**
   * Seeds `Math.random` in both realms (the handlers' and the SDK's jitter, the emulator's choices), so that
   * a run can be replayed.
   * @default - Math.random is left alone
   */
  readonly seed?: number;
  /**
   * The simulated instant to start at (epoch milliseconds): where an earlier run left its world (the `local`
   * commands' state file), so that what was pending then is still pending, and what had settled stays settled.
   * @default - a seeded clock starts at 2026-01-01T00:00:00Z, an unseeded one at the real time
   */
  readonly startAt?: number;
}

type Globals = Record<string, unknown>;

/** A seeded `Math.random`: pure-rand's xoroshiro128+ (fast-check's generator), 32 random bits a draw. */
export function seededRandom(seed: number): () => number {
  const rng = prand.xoroshiro128plus(seed);
  // The first draws of a small seed are close to each other: start further down the sequence.
  prand.unsafeSkipN(rng, 16);
  return () => (rng.unsafeNext() + 0x80000000) / 0x100000000;
}

export class VirtualClock {
  /** The clock that runs in this process, if any. */
  public static current(): VirtualClock | undefined {
    return runningClock()?.clock;
  }

  /** Starts the process's clock, or joins the one that runs (its options stay those of the first start). */
  public static start(options: VirtualClockOptions = {}): VirtualClock {
    const running = runningClock();
    if (running !== undefined) {
      running.users++;
      running.clock.joinRealm(globalThis as unknown as Globals);
      return running.clock;
    }
    const clock = new VirtualClock(options);
    mainGlobals[RUNNING] = { clock, users: 1 };
    return clock;
  }

  /** The simulated time at which this clock started (epoch milliseconds). */
  public readonly startedAt: number;
  private readonly fake: InstalledClock;
  private readonly main: Globals;
  private readonly realms: { globals: Globals; saved: Globals }[] = [];
  private readonly real: { setImmediate: typeof setImmediate; setTimeout: typeof setTimeout; random: () => number };
  private readonly restoreHttp: () => void;
  private inFlight = 0;
  /** How many times each key was asked for (seedFor, uuidFor). */
  private readonly asked = new Map<string, number>();
  /** Requests a server holds until the world has settled (`hold`), in the order they arrived. */
  private readonly held: { key: string; serve: () => void }[] = [];
  private stopped = false;
  private idleRounds = 0;

  private constructor(private readonly options: VirtualClockOptions) {
    this.main = vm.runInThisContext('globalThis') as Globals;
    this.real = {
      setImmediate: this.main.setImmediate as typeof setImmediate,
      setTimeout: this.main.setTimeout as typeof setTimeout,
      random: Math.random,
    };
    this.fake = FakeTimers.withGlobal(this.main as never).install({
      // A seeded world starts at the same instant in every run (dates in requests and logs repeat too).
      now: options.startAt ?? (options.seed === undefined ? Date.now() : SEEDED_EPOCH),
      toFake: [...FAKED] as FakeTimers.FakeMethod[],
      shouldClearNativeTimers: true,
    });
    this.startedAt = this.fake.now;
    this.joinRealm(globalThis as unknown as Globals);
    if (options.seed !== undefined) {
      // Each Lambda invocation draws from a generator of its own (seedFor, by the Lambda runtime), so that
      // how concurrent invocations interleave does not change what each draws; the rest from the world's.
      const world = seededRandom(options.seed);
      const random = () => ((mainGlobals as Record<symbol, (() => (() => number) | undefined) | undefined>)[INVOCATION_RANDOM]?.() ?? world)();
      (this.main.Math as Math).random = random;
      Math.random = random;
    }
    this.restoreHttp = this.countRequests();
    this.loop();
  }

  /**
   * A seed for what `key` names (a Lambda invocation, say), from the world's seed: the same key, the n-th
   * time it is asked for, gets the same seed in every run with the world's seed. Undefined without a seed.
   */
  public seedFor(key: string): number | undefined {
    if (this.options.seed === undefined) {
      return undefined;
    }
    return this.digest(key).readInt32BE(0);
  }

  /** A UUID for what `key` names: derived from the world's seed like `seedFor`, random without one. */
  public uuidFor(key: string): string {
    if (this.options.seed === undefined) {
      return randomUUID();
    }
    const hex = this.digest(key).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }

  /** Simulated now (epoch milliseconds). */
  public now(): number {
    return this.fake.now;
  }

  /**
   * Holds a request that reached a server of this world until every request in flight has reached its server
   * too (or been answered), then serves the held ones one by one in the order of their keys (the same
   * requests, the same order, whichever arrived first): concurrent callers are served in an order a run with
   * the same seed repeats. Requests with equal keys keep their order of arrival.
   */
  public hold(key: string, serve: () => void): void {
    this.held.push({ key, serve });
  }

  /** Leaves the clock; the last one out restores the real time of every realm. */
  public stop(): void {
    const running = runningClock();
    if (running?.clock !== this || this.stopped) {
      return;
    }
    running.users--;
    if (running.users > 0) {
      return;
    }
    mainGlobals[RUNNING] = undefined;
    this.stopped = true;
    this.restoreHttp();
    for (const { globals, saved } of this.realms.splice(0)) {
      Object.assign(globals, saved);
    }
    if (this.options.seed !== undefined) {
      (this.main.Math as Math).random = this.real.random;
      Math.random = this.real.random;
    }
    this.fake.uninstall();
  }

  private digest(key: string): Buffer {
    const n = this.asked.get(key) ?? 0;
    this.asked.set(key, n + 1);
    return createHash('sha256').update(`${this.options.seed} ${key} ${n}`).digest();
  }

  /** Gives a realm other than the main one (a jest test's) the same fakes. */
  private joinRealm(globals: Globals): void {
    if (globals === this.main || this.realms.some(r => r.globals === globals)) {
      return;
    }
    const saved: Globals = {};
    for (const name of FAKED) {
      saved[name] = globals[name];
      globals[name] = this.main[name];
    }
    this.realms.push({ globals, saved });
  }

  /** Counts every request an `http.Agent` queues until it closes (the SDK's and the tests' clients use one). */
  private countRequests(): () => void {
    const proto = http.Agent.prototype as unknown as { addRequest(req: http.ClientRequest, ...rest: unknown[]): void };
    const original = proto.addRequest;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const clock = this;
    proto.addRequest = function (this: http.Agent, req: http.ClientRequest, ...rest: unknown[]) {
      clock.inFlight++;
      let open = true;
      const done = () => {
        if (open) {
          open = false;
          clock.inFlight--;
        }
      };
      req.once('close', done);
      req.once('error', done);
      return original.call(this, req, ...rest);
    };
    return () => {
      proto.addRequest = original;
    };
  }

  /**
   * Something moves without the clock: a request on its way (sent, not yet held by its server nor answered
   * and read), or pending I/O.
   */
  private busy(): boolean {
    if (this.inFlight > this.held.length) {
      return true;
    }
    const info = (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo();
    const b = info.filter(name => !LONG_LIVED.has(name));
    return b.length > 0;
  }

  /**
   * Serves the first of the held requests in the order of their keys. One at a time: the next is served once
   * this one's answer has been read and what it set off has run to its next wait, so that the callers go on
   * in the same order in every run (which sandbox a Lambda invocation gets, which caller a shared limiter
   * favours).
   */
  private release(): void {
    let first = 0;
    for (let i = 1; i < this.held.length; i++) {
      if (this.held[i].key < this.held[first].key) {
        first = i;
      }
    }
    const [h] = this.held.splice(first, 1);
    h.serve();
  }

  /** One turn of the loop: count idle turns; after enough of them, serve the held requests, or fire the next timer. */
  private loop(): void {
    if (this.stopped) {
      return;
    }
    this.idleRounds = this.busy() ? 0 : this.idleRounds + 1;
    if (this.idleRounds >= IDLE_ROUNDS && this.held.length > 0) {
      this.idleRounds = 0;
      try {
        this.release();
      } finally {
        this.real.setImmediate(() => this.loop());
      }
      return;
    }
    const pending = this.fake.countTimers();
    if (this.idleRounds < IDLE_ROUNDS || pending === 0) {
      // Waiting for I/O, or for work to settle: the next turn. With nothing pending at all, look again
      // in a millisecond without keeping the process alive (a test's own real waits, or nothing).
      if (this.idleRounds >= IDLE_ROUNDS) {
        this.real.setTimeout(() => this.loop(), 1).unref();
      } else {
        this.real.setImmediate(() => this.loop());
      }
      return;
    }
    this.idleRounds = 0;
    const scale = this.options.timeScale;
    if (scale !== undefined && scale > 0) {
      const at = peekNext(this.fake);
      const wait = at === undefined ? 0 : Math.max(0, (at - this.fake.now) * scale);
      if (wait > 0) {
        this.real.setTimeout(() => this.fire(), Math.min(wait, 2_147_483_647));
        return;
      }
    }
    this.fire();
  }

  private fire(): void {
    if (this.stopped) {
      return;
    }
    try {
      this.fake.next();
    } finally {
      this.real.setImmediate(() => this.loop());
    }
  }
}

/** When the next fake timer is due, without firing it. */
function peekNext(clock: InstalledClock): number | undefined {
  const timers = (clock as unknown as { timers?: Record<string, { callAt: number }> }).timers;
  if (timers === undefined) {
    return undefined;
  }
  let first: number | undefined;
  for (const t of Object.values(timers)) {
    first = first === undefined ? t.callAt : Math.min(first, t.callAt);
  }
  return first;
}


/** A UUID for what `key` names: from the running clock's seed (`VirtualClock.uuidFor`), random without a seeded clock. */
export function uuidFor(key: string): string {
  return VirtualClock.current()?.uuidFor(key) ?? randomUUID();
}
