import { DescribeTrafficDistributionGroupCommand, GetTrafficDistributionCommand, UpdateTrafficDistributionCommand } from '@aws-sdk/client-connect';
import { connect, errorName, log, step, UserError } from './common';

/** A split as declared: each part optional (an absent part is left as it is). */
export interface DeclaredSplit {
  readonly telephony?: Record<string, number>;
  readonly agent?: Record<string, number>;
  readonly signIn?: Record<string, boolean>;
}

function same<T>(want: Record<string, T>, have: Record<string, T>, absent: T): boolean {
  const regions = new Set([...Object.keys(want), ...Object.keys(have)]);
  return [...regions].every(r => (want[r] ?? absent) === (have[r] ?? absent));
}

function toMap<T>(d: { Distributions?: { Region?: string }[] } | undefined, pick: (x: any) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const x of d?.Distributions ?? []) {
    if (x.Region !== undefined) {
      out[x.Region] = pick(x);
    }
  }
  return out;
}

/**
 * Brings a group's split to what is declared. True when it already is; otherwise starts the
 * update (the group goes UPDATE_IN_PROGRESS) and returns false, to be called again once the
 * group is ACTIVE. The caller checks that the group is ACTIVE.
 */
export async function convergeSplit(region: string, arn: string, want: DeclaredSplit, what: string): Promise<boolean> {
  if (want.telephony === undefined && want.agent === undefined && want.signIn === undefined) {
    return true;
  }
  const current = await step(`${what}: GetTrafficDistribution`, async () => {
    try {
      return await connect(region).send(new GetTrafficDistributionCommand({ Id: arn }));
    } catch (e) {
      // Get is refused unless the group is ACTIVE, and another update of its split (a duplicated
      // delivery, or another resource on the same group) may have started since the caller saw it
      // ACTIVE: then the split has not settled yet, so poll again. That update may also have
      // ended by the time Describe answers (ACTIVE again): poll again then too.
      if (errorName(e) === 'InvalidRequestException' && await isSettling(region, arn)) {
        return undefined;
      }
      throw e;
    }
  });
  if (current === undefined) {
    return false;
  }
  const telephonyNow = toMap(current.TelephonyConfig, x => (x.Percentage ?? 0) as number);
  const agentNow = toMap(current.AgentConfig, x => (x.Percentage ?? 0) as number);
  const signInNow = toMap(current.SignInConfig, x => Boolean(x.Enabled));
  const ok = (want.telephony === undefined || same(want.telephony, telephonyNow, 0))
    && (want.agent === undefined || same(want.agent, agentNow, 0))
    && (want.signIn === undefined || same(want.signIn, signInNow, false));
  if (ok) {
    return true;
  }
  // UpdateTrafficDistribution needs the telephony split even when only the agents or sign-in change.
  const telephony = want.telephony ?? telephonyNow;
  const pct = (m: Record<string, number>) => Object.keys(m).sort().map(Region => ({ Region, Percentage: m[Region] }));
  await step(`${what}: UpdateTrafficDistribution`, async () => {
    try {
      await connect(region).send(new UpdateTrafficDistributionCommand({
        Id: arn,
        TelephonyConfig: { Distributions: pct(telephony) },
        AgentConfig: want.agent === undefined ? undefined : { Distributions: pct(want.agent) },
        SignInConfig: want.signIn === undefined ? undefined : {
          Distributions: Object.keys(want.signIn).sort().map(Region => ({ Region, Enabled: want.signIn![Region] })),
        },
      }));
      log('INFO', 'updating traffic distribution', { arn, telephony, agent: want.agent, signIn: want.signIn });
    } catch (e) {
      if (errorName(e) === 'ResourceConflictException') {
        return; // an update is still in progress: try again on the next poll
      }
      if (errorName(e) === 'InvalidRequestException') {
        throw new UserError(`${what}: Amazon Connect refused the split (${(e as Error).message}). `
          + 'Name exactly the two Regions of the instance and its replica, with percentages in steps of 10 that sum to 100; '
          + 'sign-in distribution only on the default group.');
      }
      throw e;
    }
  });
  return false;
}

/** The group is updating its split, or is ACTIVE again after an update. */
async function isSettling(region: string, arn: string): Promise<boolean> {
  const out = await connect(region).send(new DescribeTrafficDistributionGroupCommand({ TrafficDistributionGroupId: arn }));
  const status = out.TrafficDistributionGroup?.Status;
  return status === 'UPDATE_IN_PROGRESS' || status === 'ACTIVE';
}
