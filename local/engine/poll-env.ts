/**
 * The handlers' inline polling and retry backoff settings (lambda/lib/poll.ts pollSettings and
 * lambda/lib/retry.ts retrySettings), scaled like the emulator's durations: the environment a run at `timeScale` of
 * real time gives the functions.
 */
export function pollEnv(timeScale: number): Record<string, string> {
  const ms = (real: number) => String(Math.max(1, Math.round(real * timeScale)));
  return {
    CONNECT_GR_POLL_FIRST_MS: ms(1_000),
    CONNECT_GR_POLL_MAX_MS: ms(5_000),
    CONNECT_GR_INLINE_POLL_BUDGET_MS: ms(60_000),
    CONNECT_GR_RETRY_BASE_MS: ms(500),
    CONNECT_GR_RETRY_MAX_MS: ms(2_000),
  };
}
