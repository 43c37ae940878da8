/** Finding a number this account holds, by ListPhoneNumbersV2 over a target's Region. */
import { ListPhoneNumbersSummary, ListPhoneNumbersV2Command, ListPhoneNumbersV2CommandInput } from '@aws-sdk/client-connect';
import { connect } from '../lib/clients';

/**
 * The first number of the account in `region` that `matches`, through at most 10 pages of
 * ListPhoneNumbersV2 with `filter` (a bounded look-up: never a scan without end).
 */
export async function findNumber(
  region: string, filter: Omit<ListPhoneNumbersV2CommandInput, 'NextToken'>, matches: (n: ListPhoneNumbersSummary) => boolean,
): Promise<ListPhoneNumbersSummary | undefined> {
  let next: string | undefined;
  for (let page = 0; page < 10; page++) {
    const out = await connect(region).send(new ListPhoneNumbersV2Command({ ...filter, NextToken: next }));
    const hit = (out.ListPhoneNumbersSummaryList ?? []).find(matches);
    if (hit !== undefined) {
      return hit;
    }
    next = out.NextToken;
    if (!next) {
      return undefined;
    }
  }
  return undefined;
}
