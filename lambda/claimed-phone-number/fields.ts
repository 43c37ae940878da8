/** The fields a phone number's onEvent hands to its isComplete, and the first wait they time. */
import { pollSettings, sleep } from '../lib/poll';

/**
 * Field onEvent adds after a claim, or an update in place (a move), (epoch ms), carried by the framework to isComplete only. A
 * claim takes seconds (connect-api.md: Timing data has no published figure; the emulator assumes
 * 3 s, an AWS sample waits 6 s before using a new number): isComplete describes the number first
 * once CLAIM_FIRST_POLL_FACTOR first poll intervals (3 s by default) have passed since the claim,
 * not at once, so that a claim on the happy path costs one DescribePhoneNumber, and 50 numbers
 * deployed together leave the shared 2 requests/s to the claims.
 */
export const CLAIMED_AT_FIELD = 'ConnectClaimedAtEpochMs';
/**
 * Set by onEvent when a delete found nothing to do (the number is gone, or its claim FAILED): a
 * FAILED status is then no failed parking move, and isComplete has nothing to wait for.
 */
export const NOTHING_TO_DELETE_FIELD = 'ConnectNothingToDelete';
/**
 * Set by onEvent when it answered with a number this resource already held instead of claiming one
 * (a rollback finding the number it held before, or a number a failed request kept).
 */
export const TAKEN_BACK_FIELD = 'ConnectTakenBack';
export const CLAIM_FIRST_POLL_FACTOR = 3;
/**
 * Field onEvent adds when it started a release or a parking move (epoch ms): like a claim, the
 * move takes seconds (the emulator assumes 3 s; no figure is published), so isComplete first
 * describes the number CLAIM_FIRST_POLL_FACTOR first poll intervals after it, not at once.
 */
export const DELETE_STARTED_AT_FIELD = 'ConnectDeleteStartedAtEpochMs';
/**
 * How long (in first poll intervals: 60 s by default) a number this request claimed may be not
 * found before isComplete fails: longer than DescribePhoneNumber lags a claim, far shorter than
 * the deadline. A FAILED claim's number can be claimed again by another claim of the account
 * (connect-api.md: ClaimPhoneNumber, "1 day to retry"), and the failed claim's record then goes.
 */
export const CLAIM_NOT_FOUND_GRACE_FACTOR = 60;

/** Waits until CLAIM_FIRST_POLL_FACTOR first poll intervals have passed since `startedAt` (epoch ms), if given. */
export async function sleepUntilFirstPoll(startedAt: unknown): Promise<void> {
  if (typeof startedAt === 'number') {
    await sleep(Math.max(0, Math.min(startedAt + CLAIM_FIRST_POLL_FACTOR * pollSettings().firstMs - Date.now(), pollSettings().budgetMs)));
  }
}
