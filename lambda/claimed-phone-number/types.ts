/** The shape of a phone number as the template declares it, shared by the claim's and the import's parsers (spec.ts, import.ts). */
import { PhoneProps } from '../../src/shared/names';
import { NumberChoiceKey, ParsedFlowArn, ParsedTarget } from '../../src/shared/validate';

/** The template key of each prop of a number's choice (numberChoiceProblem, the combination rule, names them as the construct does). */
export const CHOICE_KEYS: Readonly<Record<NumberChoiceKey, string>> = {
  phoneNumber: PhoneProps.PHONE_NUMBER,
  countryCode: PhoneProps.COUNTRY_CODE,
  phoneNumberType: PhoneProps.PHONE_NUMBER_TYPE,
  prefix: PhoneProps.PREFIX,
  sourcePhoneNumberArn: PhoneProps.SOURCE_PHONE_NUMBER_ARN,
};

/** Which of them the properties give ('' counts as absent: how CloudFormation delivers an empty value). */
export function choiceGiven(props: Record<string, unknown>): Record<NumberChoiceKey, boolean> {
  const present = (k: string) => props[k] !== undefined && props[k] !== '';
  return Object.fromEntries(Object.entries(CHOICE_KEYS).map(([k, key]) => [k, present(key)])) as Record<NumberChoiceKey, boolean>;
}

/** A number as declared in the template, checked again (the construct skipped tokens). */
export interface NumberSpec {
  readonly targetArn: string;
  readonly target: ParsedTarget;
  readonly phoneNumber?: string;
  readonly countryCode?: string;
  readonly type?: string;
  readonly prefix?: string;
  readonly description?: string;
  readonly flows: (ParsedFlowArn & { arn: string })[];
  readonly removal: 'retain' | 'destroy';
  readonly tags: Record<string, string>;
}
