/** A traffic distribution's split as the handlers and the command-line tool name it: its parts, their flags, the split map and its format. No imports. */

/** A split as read back: each part a map of Region to percentage or to sign-in enabled, empty when the service reports none. */
export interface SplitMaps {
  readonly telephony: Record<string, number>;
  readonly agent: Record<string, number>;
  readonly signIn: Record<string, boolean>;
}

/** A part of a split: its key in a split map. */
export type SplitPart = keyof SplitMaps;

/** The three parts, in the order the handlers and the command-line tool list them. */
export const SPLIT_PARTS: readonly SplitPart[] = ['telephony', 'agent', 'signIn'];

/** How the handlers' messages name a part. */
export const SPLIT_PART_NAME: Readonly<Record<SplitPart, string>> = { telephony: 'telephony', agent: 'agent', signIn: 'sign-in' };

/** The command-line tool's option of a part (`--agents`); its output names the part so too (`agents`). */
export const SPLIT_PART_OPTION: Readonly<Record<SplitPart, string>> = { telephony: '--telephony', agent: '--agents', signIn: '--sign-in' };

/** `us-east-1=70,us-west-2=30`: Regions sorted, the form the command-line tool takes; `(none)` when absent or empty. */
export function formatPart(m: Record<string, number | boolean> | undefined): string {
  if (m === undefined) {
    return '(none)';
  }
  const keys = Object.keys(m).sort();
  return keys.length === 0 ? '(none)' : keys.map(r => `${r}=${m[r]}`).join(',');
}

/** One part of GetTrafficDistribution's answer (the SDK's shape, without importing the SDK). */
interface Distributions {
  readonly Distributions?: readonly { readonly Region?: string; readonly Percentage?: number; readonly Enabled?: boolean }[];
}

function toMap<T>(d: Distributions | undefined, pick: (x: { Percentage?: number; Enabled?: boolean }) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const x of d?.Distributions ?? []) {
    if (x.Region !== undefined) {
      out[x.Region] = pick(x);
    }
  }
  return out;
}

/** The split maps of a GetTrafficDistribution answer (a Region the service names without a value: 0 % / disabled). */
export function splitMaps(out: { TelephonyConfig?: Distributions; AgentConfig?: Distributions; SignInConfig?: Distributions }): SplitMaps {
  return {
    telephony: toMap(out.TelephonyConfig, x => x.Percentage ?? 0),
    agent: toMap(out.AgentConfig, x => x.Percentage ?? 0),
    signIn: toMap(out.SignInConfig, x => Boolean(x.Enabled)),
  };
}

/** UpdateTrafficDistribution's request for a split (Regions sorted; the telephony split is required, the other parts sent when given). */
export function updateTrafficDistributionRequest(
  arn: string, telephony: Record<string, number>, agent?: Record<string, number>, signIn?: Record<string, boolean>,
) {
  const pct = (m: Record<string, number>) => ({ Distributions: Object.keys(m).sort().map(Region => ({ Region, Percentage: m[Region] })) });
  return {
    Id: arn,
    TelephonyConfig: pct(telephony),
    ...(agent === undefined ? {} : { AgentConfig: pct(agent) }),
    ...(signIn === undefined ? {} : {
      SignInConfig: { Distributions: Object.keys(signIn).sort().map(Region => ({ Region, Enabled: signIn[Region] })) },
    }),
  };
}
