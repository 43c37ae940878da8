/** The permissions a ClaimedPhoneNumber gives the provider's handlers. */
import { Token } from 'aws-cdk-lib';
import type { ClaimedPhoneNumberProps } from './props';
import { ConnectProvider } from '../provider/connect-provider';
import {
  PHONE_NUMBER_ACTIONS, PHONE_NUMBER_FLOW_ACTIONS, PHONE_NUMBER_FLOW_CHECK_ACTIONS, PHONE_NUMBER_GROUP_LOOKUP_ACTIONS,
  PHONE_NUMBER_IMPORT_ACTIONS, PHONE_NUMBER_IMPORT_SOURCE_ACTIONS,
} from '../shared/actions';
import { parseInstanceArn } from '../shared/validate';
import { regionOfArn } from '../util';

/** Grants the handlers what this number needs: the actions called, on the ARNs known here. */
export function grantFor(provider: ConnectProvider, props: ClaimedPhoneNumberProps): void {
  const target = props.target;
  // The handler claims in the target's Region: an instance's own (which may be another than the
  // stack's), a group's (checked at synth to be the stack's). Unknown (a token): the stack's.
  const home = (target.group === undefined ? regionOfArn(target.instanceArn) : undefined);
  const numbers = provider.connectArn('phone-number/*', home);
  const targetResource = target.group !== undefined
    ? provider.connectArn('traffic-distribution-group/*')
    : provider.instanceResource(target.instanceArn);
  provider.grant(PHONE_NUMBER_ACTIONS, [numbers, targetResource]);
  if (props.sourcePhoneNumberArn !== undefined) {
    // ImportPhoneNumber names the instance and creates a number; on the source number it needs
    // sms-voice:DescribePhoneNumbers (see PHONE_NUMBER_IMPORT_SOURCE_ACTIONS), on that ARN only.
    provider.grant(PHONE_NUMBER_IMPORT_ACTIONS, [numbers, targetResource]);
    provider.grant(PHONE_NUMBER_IMPORT_SOURCE_ACTIONS, [props.sourcePhoneNumberArn]);
  }
  // RETAIN parks a group's number on the group's instance: look the group up, move the number there.
  // Every number gets it, whatever its target now: a rollback moves a number back to the group it
  // was on under the grants of the NEW template (found by the offline world's IAM enforcement).
  provider.grant([...PHONE_NUMBER_GROUP_LOOKUP_ACTIONS, 'connect:UpdatePhoneNumber'], [
    provider.connectArn('traffic-distribution-group/*'),
    provider.instanceResource(target.instanceArn),
  ]);

  // Flows. An update that drops a flow (or all of them, or the replica Region's) disassociates it
  // under the grants of the NEW template, where that flow no longer appears: so every number gets
  // the flow actions, on its numbers and its instance's flows in both Regions of the pair (the
  // replica keeps the instance's id), whatever its flows are now. Flows are validated at synth to
  // be on the target's instance or its replica.
  const pair = provider.pairOf(home ?? regionOfArn(target.instanceArn));
  const instanceId = target.instanceArn !== undefined && !Token.isUnresolved(target.instanceArn)
    ? parseInstanceArn('target', target.instanceArn).id
    : undefined;
  const resources = new Set<string>();
  for (const region of [home, ...pair]) {
    resources.add(provider.connectArn('phone-number/*', region));
    resources.add(provider.connectArn(`instance/${instanceId ?? '*'}`, region));
    resources.add(provider.connectArn(`instance/${instanceId ?? '*'}/contact-flow/*`, region));
  }
  provider.grant(PHONE_NUMBER_FLOW_ACTIONS, [...resources]);
  if ((props.contactFlowArns ?? []).length > 0) {
    // Each declared flow is read (DescribeContactFlow) before a number is claimed.
    const flows = new Set<string>();
    for (const region of [home, ...pair]) {
      flows.add(provider.connectArn(`instance/${instanceId ?? '*'}`, region));
      flows.add(provider.connectArn(`instance/${instanceId ?? '*'}/contact-flow/*`, region));
    }
    provider.grant(PHONE_NUMBER_FLOW_CHECK_ACTIONS, [...flows]);
  }
}
