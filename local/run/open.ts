/**
 * What every `local` command does around its work: start the offline world (local/world.ts: the virtual
 * clock, the emulator at the service's durations, an engine with the handlers' production timings) from the
 * state file's account, its Regions down and its simulated time, and write it all back afterwards.
 */
import * as cloudformation from '@aws-sdk/client-cloudformation';
import * as connect from '@aws-sdk/client-connect';
import * as lambda from '@aws-sdk/client-lambda';
import * as sfn from '@aws-sdk/client-sfn';
import { LocalState, saveState } from './state';
import { EmulatorWorld } from '../emulator';
import { EngineState, LocalCloudFormationOptions, provideRuntimePackages } from '../engine';
import { LocalWorld, startLocalWorld } from '../world';

/** The options every `local` command shares about its world. */
export interface WorldOptions {
  /** The run's seed (printed by every command): the same seed and state file replay a command exactly. @default - drawn */
  readonly seed?: number;
  /** Real-time pacing: real milliseconds per simulated one. @default - none: simulated time jumps whenever the world waits */
  readonly timeScale?: number;
}

/** Starts the world of `spec` with what `saved` holds (the account, the Regions down, the simulated time it stopped at). */
export async function openWorld(spec: EmulatorWorld, saved: LocalState | undefined, options: WorldOptions & {
  readonly replicated?: boolean;
  readonly engine?: Omit<LocalCloudFormationOptions, 'waiterIntervalScale' | 'serviceTimeoutScale' | 'lambdaTimeoutScale' | 'env'>;
}): Promise<LocalWorld> {
  provideRuntimePackages({
    '@aws-sdk/client-cloudformation': cloudformation, '@aws-sdk/client-connect': connect, '@aws-sdk/client-lambda': lambda, '@aws-sdk/client-sfn': sfn,
  });
  const world = await startLocalWorld({
    seed: options.seed,
    timeScale: options.timeScale,
    startAt: saved?.clock,
    emulator: { world: spec, replicated: saved === undefined && options.replicated === true },
    engine: options.engine,
  });
  try {
    if (saved !== undefined) {
      world.emulator.restore(saved.emulator);
      world.engine.importState(saved.engine);
    }
    (saved?.outages ?? []).forEach(r => world.emulator.failRegion(r));
  } catch (e) {
    await world.stop();
    throw e;
  }
  return world;
}

/** Writes the world back to `file`: the account, the deployed stacks (`engine`, or the engine's own), the Regions down, the time. */
export function saveWorld(file: string, spec: EmulatorWorld, world: LocalWorld, outages: readonly string[], engine?: EngineState): void {
  const state: LocalState = {
    version: 1,
    world: spec,
    emulator: world.emulator.snapshot(),
    engine: engine ?? world.engine.exportState(),
    clock: world.clock.now(),
    ...(outages.length > 0 ? { outages: [...outages].sort() } : {}),
  };
  saveState(file, state);
}

/** `3 min 48 s`, `12 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  }
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
