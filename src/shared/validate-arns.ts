/** Parsing of the ARNs and ids the resources name (instances, groups, flows, phone numbers, users), for validate.ts. */
import { fail, PARTITION, REGION, requireString, UUID } from './validate-core';

/** An instance ARN, as the Connect API and AWS::Connect::TrafficDistributionGroup accept it. */
export const INSTANCE_ARN_PATTERN = new RegExp(`^arn:${PARTITION}:connect:(${REGION}):([0-9]{12}):instance/(${UUID})$`);
/** A traffic distribution group ARN. */
export const GROUP_ARN_PATTERN = new RegExp(`^arn:${PARTITION}:connect:(${REGION}):([0-9]{12}):traffic-distribution-group/(${UUID})$`);
/** A contact flow ARN. */
export const FLOW_ARN_PATTERN = new RegExp(`^arn:${PARTITION}:connect:(${REGION}):([0-9]{12}):instance/(${UUID})/contact-flow/([a-zA-Z0-9-]{1,100})$`);
/** A phone number ARN. */
export const PHONE_NUMBER_ARN_PATTERN = new RegExp(`^arn:${PARTITION}:connect:(${REGION}):([0-9]{12}):phone-number/(${UUID})$`);

/**
 * A phone number of AWS End User Messaging SMS (service prefix sms-voice), the source of
 * ImportPhoneNumber: `arn:aws:sms-voice:<region>:<account>:phone-number/<id>` (connect-api.md:
 * ImportPhoneNumber; the id form, `phone-` and 32 hex digits, is End User Messaging's; any
 * letters, digits, `_` and `-` are accepted).
 */
export const SOURCE_PHONE_NUMBER_ARN_PATTERN = new RegExp(`^arn:${PARTITION}:sms-voice:(${REGION}):([0-9]{12}):phone-number/([A-Za-z0-9_-]{1,128})$`);

/** The parts of a Connect ARN. */
export interface ParsedArn {
  readonly region: string;
  readonly account: string;
  readonly id: string;
}

export function parseInstanceArn(prop: string, value: unknown): ParsedArn {
  const m = INSTANCE_ARN_PATTERN.exec(requireString(prop, value));
  if (!m) {
    fail(prop, 'must be an Amazon Connect instance ARN (arn:aws:connect:<region>:<account>:instance/<uuid>)', value);
  }
  return { region: m[1], account: m[2], id: m[3] };
}

export function parseGroupArn(prop: string, value: unknown): ParsedArn {
  const m = GROUP_ARN_PATTERN.exec(requireString(prop, value));
  if (!m) {
    fail(prop, 'must be a traffic distribution group ARN (arn:aws:connect:<region>:<account>:traffic-distribution-group/<uuid>)', value);
  }
  return { region: m[1], account: m[2], id: m[3] };
}

/** A contact flow ARN: the Region and the instance it belongs to, and the flow's id. */
export interface ParsedFlowArn extends ParsedArn {
  readonly flowId: string;
}

export function parseFlowArn(prop: string, value: unknown): ParsedFlowArn {
  const m = FLOW_ARN_PATTERN.exec(requireString(prop, value));
  if (!m) {
    fail(prop, 'must be a contact flow ARN (arn:aws:connect:<region>:<account>:instance/<uuid>/contact-flow/<id>)', value);
  }
  return { region: m[1], account: m[2], id: m[3], flowId: m[4] };
}

/**
 * An End User Messaging phone number ARN to import. With `instanceRegion`, it must be in that
 * Region (ImportPhoneNumber is called in the instance's Region, on a number of that Region).
 */
export function parseSourcePhoneNumberArn(prop: string, value: unknown, instanceRegion?: string): ParsedArn {
  const m = SOURCE_PHONE_NUMBER_ARN_PATTERN.exec(requireString(prop, value));
  if (!m) {
    fail(prop, 'must be an AWS End User Messaging phone number ARN (arn:aws:sms-voice:<region>:<account>:phone-number/<id>)', value);
  }
  if (instanceRegion !== undefined && m[1] !== instanceRegion) {
    fail(prop, `must be a number in the instance's Region ${instanceRegion} (ImportPhoneNumber imports a number of the instance's Region)`, value);
  }
  return { region: m[1], account: m[2], id: m[3] };
}

/** The target of a phone number: an instance or a traffic distribution group. */
export interface ParsedTarget extends ParsedArn {
  readonly kind: 'instance' | 'group';
}

export function parseTargetArn(prop: string, value: unknown): ParsedTarget {
  const s = requireString(prop, value);
  const i = INSTANCE_ARN_PATTERN.exec(s);
  if (i) {
    return { kind: 'instance', region: i[1], account: i[2], id: i[3] };
  }
  const g = GROUP_ARN_PATTERN.exec(s);
  if (g) {
    return { kind: 'group', region: g[1], account: g[2], id: g[3] };
  }
  return fail(prop, 'must be the ARN of an Amazon Connect instance or of a traffic distribution group', value);
}

/** A Connect user id (UUID) or user ARN; returns the id. */
export function parseUserId(prop: string, value: unknown): string {
  const s = requireString(prop, value);
  const m = new RegExp(`^(?:arn:${PARTITION}:connect:${REGION}:[0-9]{12}:instance/${UUID}/agent/)?(${UUID})$`).exec(s);
  if (!m) {
    fail(prop, 'must be a Connect user id (a UUID) or user ARN', s);
  }
  return m[1];
}
