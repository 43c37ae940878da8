/** A phone number's properties as the template declares them, checked again, and how messages name the number. */
import { ClaimedPhoneNumberSummary } from '@aws-sdk/client-connect';
import { isImported, meetsImported, parseImportedSpec } from './import';
import { choiceGiven, NumberSpec } from './types';
import { PHONE_NUMBER_TYPES, PhoneProps, PhoneRemoval } from '../../src/shared/names';
import {
  numberChoiceProblem, parseTargetArn, validateCountryCode,
  parseRemovalPolicy, validateFlows, validatePhoneDescription, validatePhoneNumber, validatePhoneNumberType, validatePrefix, validateTags,
} from '../../src/shared/validate';
import { UserError } from '../lib/errors';
import { CfnEvent } from '../lib/events';

export function parseNumberSpec(event: Pick<CfnEvent, 'LogicalResourceId'>, props: Record<string, unknown>): NumberSpec {
  if (isImported(props)) {
    return parseImportedSpec(event, props); // a number imported from End User Messaging
  }
  try {
    const present = (k: string) => props[k] !== undefined && props[k] !== '';
    const target = parseTargetArn(PhoneProps.TARGET_ARN, props[PhoneProps.TARGET_ARN]);
    const phoneNumber = present(PhoneProps.PHONE_NUMBER) ? validatePhoneNumber(PhoneProps.PHONE_NUMBER, props[PhoneProps.PHONE_NUMBER]) : undefined;
    const countryCode = present(PhoneProps.COUNTRY_CODE) ? validateCountryCode(PhoneProps.COUNTRY_CODE, props[PhoneProps.COUNTRY_CODE]) : undefined;
    const type = present(PhoneProps.PHONE_NUMBER_TYPE)
      ? validatePhoneNumberType(PhoneProps.PHONE_NUMBER_TYPE, props[PhoneProps.PHONE_NUMBER_TYPE], PHONE_NUMBER_TYPES) : undefined;
    const prefix = present(PhoneProps.PREFIX) ? validatePrefix(PhoneProps.PREFIX, props[PhoneProps.PREFIX], countryCode) : undefined;
    const problem = numberChoiceProblem(choiceGiven(props)); // not an import (above): the exact number or a search
    if (problem?.problem === 'number combined') {
      throw new Error(`${PhoneProps.PHONE_NUMBER} cannot be combined with ${PhoneProps.COUNTRY_CODE}, ${PhoneProps.PHONE_NUMBER_TYPE} or ${PhoneProps.PREFIX}`);
    }
    if (problem !== undefined) {
      throw new Error(`${PhoneProps.PHONE_NUMBER}, or ${PhoneProps.COUNTRY_CODE} and ${PhoneProps.PHONE_NUMBER_TYPE}, must be given`);
    }
    const rawFlows = props[PhoneProps.CONTACT_FLOW_ARNS];
    const flows = validateFlows(PhoneProps.CONTACT_FLOW_ARNS, rawFlows === '' ? undefined : rawFlows,
      target.kind === 'instance' ? { kind: 'instance', instanceId: target.id, region: target.region } : { kind: 'group', region: target.region })
      .map((f, i) => ({ ...f, arn: (rawFlows as string[])[i] }));
    const removal = parseRemovalPolicy(PhoneProps.REMOVAL_POLICY, props[PhoneProps.REMOVAL_POLICY]);
    return {
      targetArn: props[PhoneProps.TARGET_ARN] as string,
      target,
      phoneNumber,
      countryCode,
      type,
      prefix,
      description: present(PhoneProps.DESCRIPTION) ? validatePhoneDescription(PhoneProps.DESCRIPTION, props[PhoneProps.DESCRIPTION]) : undefined,
      flows,
      removal,
      tags: validateTags(PhoneProps.TAGS, props[PhoneProps.TAGS]),
    };
  } catch (e) {
    throw new UserError(`Phone number ${event.LogicalResourceId}: invalid property: ${(e as Error).message}`);
  }
}

export function label(event: Pick<CfnEvent, 'LogicalResourceId'>, number?: string): string {
  return `Phone number ${event.LogicalResourceId}${number ? ` (${number})` : ''}`;
}

export const regionOf = (arn: string) => arn.split(':')[3];
export const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** True when the number meets the properties: that exact number, or the country, type and prefix. */
export function meets(n: ClaimedPhoneNumberSummary, props: Record<string, unknown>): boolean {
  if (isImported(props)) {
    return meetsImported(n, props);
  }
  const wanted = props[PhoneProps.PHONE_NUMBER];
  if (typeof wanted === 'string' && wanted !== '') {
    return n.PhoneNumber === wanted;
  }
  const prefix = props[PhoneProps.PREFIX];
  return n.PhoneNumberCountryCode === props[PhoneProps.COUNTRY_CODE]
    && n.PhoneNumberType === props[PhoneProps.PHONE_NUMBER_TYPE]
    && (typeof prefix !== 'string' || (n.PhoneNumber ?? '').startsWith(prefix));
}

export function removalOf(props: Record<string, unknown> | undefined): 'retain' | 'destroy' {
  // Anything but an explicit 'destroy' keeps the number: losing a number by accident is the worst outcome.
  return props?.[PhoneProps.REMOVAL_POLICY] === PhoneRemoval.DESTROY ? 'destroy' : 'retain';
}
