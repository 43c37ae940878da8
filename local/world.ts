/**
 * The one way to start the offline world: the virtual clock, the Connect emulator at the service's own
 * durations, and local CloudFormation engines whose handlers run with their production timings.
 */
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
   * Seeds Math.random (the handlers' and the SDK's jitter, the emulator's choices): a run is replayed with its seed.
   * @default - an unseeded run
   */
  readonly seed?: number;
  /**
   * Real-time pacing: real milliseconds per simulated one (0.05 shows a 10 s wait in 500 ms). Off by default:
   * simulated time jumps whenever the world waits.
   * @default - no pacing
   */
  readonly timeScale?: number;
}

export interface LocalWorld {
  readonly clock: VirtualClock;
  readonly emulator: ConnectEmulator;
  /** The world's first engine (one stack set, as one account's CloudFormation). */
  readonly engine: LocalCloudFormation;
  /** Another engine on the same emulator and clock (a second CloudFormation caller: another stack's deploy at once). */
  newEngine(options?: LocalWorldOptions['engine']): LocalCloudFormation;
  /** Simulated milliseconds since the world started. */
  elapsedMs(): number;
  /** Stops the emulator, then the clock. */
  stop(): Promise<void>;
}

/** Starts the clock, the emulator and an engine. */
export async function startLocalWorld(options: LocalWorldOptions = {}): Promise<LocalWorld> {
  const clock = VirtualClock.start({ seed: options.seed, timeScale: options.timeScale });
  let emulator: ConnectEmulator;
  try {
    emulator = await ConnectEmulator.start({ ...options.emulator, timeScale: 1 });
  } catch (e) {
    clock.stop();
    throw e;
  }
  const newEngine = (engineOptions: LocalWorldOptions['engine'] = options.engine) => new LocalCloudFormation({
    ...engineOptions,
    env: { AWS_ENDPOINT_URL_CONNECT: emulator.endpoint, ...engineOptions?.env },
  });
  const engine = newEngine();
  const startedAt = clock.now();
  return {
    clock,
    emulator,
    engine,
    newEngine,
    elapsedMs: () => clock.now() - startedAt,
    stop: async () => {
      try {
        await emulator.stop();
      } finally {
        clock.stop();
      }
    },
  };
}
