/**
 * The handlers' inline polling and retry backoff settings (src/shared/tuning.ts), scaled like the emulator's
 * durations: the environment a run at `timeScale` of real time gives the functions.
 */
import { scaledTuningEnv } from '../../src/shared/tuning';

export function pollEnv(timeScale: number): Record<string, string> {
  return scaledTuningEnv(timeScale);
}
