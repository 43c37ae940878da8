/**
 * The one way to start the offline world: the virtual clock, the Connect emulator at the service's own
 * durations, and local CloudFormation engines whose handlers run with their production timings.
 */
import { randomInt } from 'crypto';
import { VirtualClock } from './clock/virtual-clock';
import { ConnectEmulator, EmulatorOptions } from './emulator';
import { LocalCloudFormation, LocalCloudFormationOptions } from './engine';

export { VirtualClock } from './clock/virtual-clock';

export interface LocalWorldOptions {
  /** The emulator's options (its account, Region pair, rate limit, durations, faults...). `timeScale` is the clock's, not the emulator's. */
  readonly emulator?: Omit<EmulatorOptions, 'timeScale'>;
  /** The engine's options; `env` is added to the functions' environment after AWS_ENDPOINT_URL_CONNECT. */
  readonly engine?: Omit<LocalCloudFormationOptions, 'waiterIntervalScale' | 'serviceTimeoutScale' | 'lambdaTimeoutScale'>;
  /**
   * The run's seed: every random choice of the world (each Lambda invocation's jitter, the emulator's ids and
   * choices, the engine's request ids) derives from it, so that a run is replayed with its seed.
   * @default - a random seed, in `LocalWorld.seed`
   */
  readonly seed?: number;
  /**
   * Real-time pacing: real milliseconds per simulated one (0.05 shows a 10 s wait in 500 ms). Off by default:
   * simulated time jumps whenever the world waits.
   * @default - no pacing
   */
  readonly timeScale?: number;
  /**
   * The simulated instant to start at (epoch milliseconds), e.g. where the world of an earlier run stopped.
   * @default - a seeded world starts at 2026-01-01T00:00:00Z
   */
  readonly startAt?: number;
}

export interface LocalWorld {
  /** The run's seed (given, or drawn): say it before any work, so that any run can be replayed. */
  readonly seed: number;
  readonly clock: VirtualClock;
  readonly emulator: ConnectEmulator;
  /** The world's first engine (one stack set, as one account's CloudFormation). */
  readonly engine: LocalCloudFormation;
  /** Another engine on the same emulator and clock (a second CloudFormation caller: another stack's deploy at once). */
  newEngine(options?: LocalWorldOptions['engine']): LocalCloudFormation;
  /** Simulated milliseconds since the world started. */
  elapsedMs(): number;
  /** Ends the engines' Lambda sandboxes, stops the emulator, then the clock. */
  stop(): Promise<void>;
}

/** Starts the clock, the emulator and an engine. */
export async function startLocalWorld(options: LocalWorldOptions = {}): Promise<LocalWorld> {
  const seed = options.seed ?? randomInt(2 ** 31);
  const clock = VirtualClock.start({ seed, timeScale: options.timeScale, startAt: options.startAt });
  let emulator: ConnectEmulator;
  try {
    emulator = await ConnectEmulator.start({ ...options.emulator, timeScale: 1 });
    emulator.setRequestGate((key, serve) => clock.hold(key, serve));
  } catch (e) {
    clock.stop();
    throw e;
  }
  const engines: LocalCloudFormation[] = [];
  const newEngine = (engineOptions: LocalWorldOptions['engine'] = options.engine) => {
    const e = new LocalCloudFormation({
      ...engineOptions,
      env: { AWS_ENDPOINT_URL_CONNECT: emulator.endpoint, ...engineOptions?.env },
    });
    engines.push(e);
    return e;
  };
  const engine = newEngine();
  const startedAt = clock.now();
  return {
    seed,
    clock,
    emulator,
    engine,
    newEngine,
    elapsedMs: () => clock.now() - startedAt,
    stop: async () => {
      try {
        engines.forEach(e => e.dispose());
        await emulator.stop();
      } finally {
        clock.stop();
      }
    },
  };
}
