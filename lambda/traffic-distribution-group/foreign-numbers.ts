/** Before a group is replaced: the numbers on the old group that this stack does not manage (they would block its deletion). */
import { DescribePhoneNumberCommand, ListPhoneNumbersV2Command } from '@aws-sdk/client-connect';
import { connect } from '../lib/clients';
import { step, unlessNotFound, UserError } from '../lib/errors';
import { CfnEvent } from '../lib/events';
import { ownedByStack } from '../lib/ownership';

/**
 * Fails, creating nothing, when the group `arn` holds numbers that no resource of this stack manages
 * (no owner record of this stack): the replacement would complete, and the cleanup's Delete of the old
 * group then fail on ResourceInUse, leaving the group outside the stack. Numbers of this stack move
 * to the new group with their own updates. At most 10 pages of the group's numbers are read.
 */
export async function checkNoForeignNumbers(event: CfnEvent, region: string, arn: string, what: string): Promise<void> {
  const foreign: string[] = [];
  let next: string | undefined;
  for (let page = 0; page < 10; page++) {
    const out = await step(`${what}: ListPhoneNumbersV2 (${arn})`, () => unlessNotFound(connect(region).send(new ListPhoneNumbersV2Command({
      TargetArn: arn, MaxResults: 100, NextToken: next,
    }))));
    if (out === undefined) {
      // The old group is gone (deleted outside CloudFormation): it holds nothing to check, and nothing blocks the replacement.
      return;
    }
    for (const n of out.ListPhoneNumbersSummaryList ?? []) {
      const d = await step(`${what}: DescribePhoneNumber (${n.PhoneNumber})`, () => unlessNotFound(connect(region).send(
        new DescribePhoneNumberCommand({ PhoneNumberId: n.PhoneNumberArn }))));
      const summary = d?.ClaimedPhoneNumberSummary;
      if (summary !== undefined && !ownedByStack(summary.Tags, event)) {
        foreign.push(`${summary.PhoneNumber ?? n.PhoneNumberArn} (${summary.PhoneNumberArn ?? n.PhoneNumberArn})`);
      }
    }
    next = out.NextToken;
    if (!next) {
      break;
    }
  }
  if (foreign.length > 0) {
    throw new UserError(`${what}: this change replaces the group (a new one is created, then ${arn} deleted), but the old group holds `
      + `numbers this stack does not manage: ${foreign.join(', ')}. Nothing was created. Move them off the group (UpdatePhoneNumber), `
      + 'or declare them in this stack (ClaimedPhoneNumber with phoneNumber and this group as target), then deploy again.');
  }
}
