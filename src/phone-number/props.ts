/** The public types of a ClaimedPhoneNumber: its props, attributes, interface, target and number type. */
import { IResource, RemovalPolicy } from 'aws-cdk-lib';
import { ITrafficDistributionGroup } from '../traffic-distribution-group';

/**
 * The type of a phone number (the seven types of the Amazon Connect API).
 */
export enum PhoneNumberType {
  /** Toll-free number. */
  TOLL_FREE = 'TOLL_FREE',
  /** Direct inward dialing number. */
  DID = 'DID',
  /** Universal international freephone number. */
  UIFN = 'UIFN',
  /** Shared cost number. */
  SHARED = 'SHARED',
  /** Third-party toll-free number. */
  THIRD_PARTY_TF = 'THIRD_PARTY_TF',
  /** Third-party direct inward dialing number. */
  THIRD_PARTY_DID = 'THIRD_PARTY_DID',
  /** Short code. */
  SHORT_CODE = 'SHORT_CODE',
}

/**
 * Where a phone number is claimed: a traffic distribution group (the number answers in both
 * Regions) or an instance.
 */
export abstract class PhoneNumberTarget {
  /**
   * Claim the number to a traffic distribution group.
   *
   * @example
   * PhoneNumberTarget.trafficDistributionGroup(group)
   */
  public static trafficDistributionGroup(group: ITrafficDistributionGroup): PhoneNumberTarget {
    return new GroupTarget(group);
  }

  /**
   * Claim the number to an Amazon Connect instance, by its ARN.
   *
   * @example
   * PhoneNumberTarget.instance('arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555')
   */
  public static instance(instanceArn: string): PhoneNumberTarget {
    return new InstanceTarget(instanceArn);
  }

  /** The ARN the number is claimed to. */
  public abstract readonly targetArn: string;

  /**
   * The traffic distribution group, for a group target.
   *
   * @default - not a group target
   */
  public abstract readonly group?: ITrafficDistributionGroup;

  /**
   * The instance ARN: the target for an instance target, the group's instance (when known) for a
   * group target.
   *
   * @default - unknown
   */
  public abstract readonly instanceArn?: string;

  /** Use the static factories: `PhoneNumberTarget.instance()` or `PhoneNumberTarget.trafficDistributionGroup()`. */
  protected constructor() {
  }
}

class GroupTarget extends PhoneNumberTarget {
  public readonly targetArn: string;
  public readonly instanceArn?: string;
  constructor(public readonly group: ITrafficDistributionGroup) {
    super();
    this.targetArn = group.trafficDistributionGroupArn;
    this.instanceArn = group.instanceArn;
  }
}

class InstanceTarget extends PhoneNumberTarget {
  public readonly group = undefined;
  constructor(public readonly instanceArn: string) {
    super();
  }
  public get targetArn(): string {
    return this.instanceArn;
  }
}

/**
 * A phone number claimed in Amazon Connect.
 */
export interface IClaimedPhoneNumber extends IResource {
  /**
   * The phone number in E.164 form, such as +12065550100.
   * @attribute
   */
  readonly phoneNumber: string;

  /**
   * The ARN of the phone number.
   * @attribute
   */
  readonly phoneNumberArn: string;

  /**
   * The id of the phone number.
   * @attribute
   */
  readonly phoneNumberId: string;
}

/**
 * Properties of a {@link ClaimedPhoneNumber}.
 */
export interface ClaimedPhoneNumberProps {
  /**
   * Where the number is claimed: a traffic distribution group or an instance. Changing it moves
   * the number in place (the number is kept, and its flows are associated again).
   *
   * @example
   * PhoneNumberTarget.trafficDistributionGroup(group)
   */
  readonly target: PhoneNumberTarget;

  /**
   * Claim exactly this number (E.164, such as +12065550100). A number this account already holds
   * is adopted and moved to the target. Give either this, or `countryCode` and `phoneNumberType`,
   * or `sourcePhoneNumberArn`. Changing it replaces the resource.
   *
   * @default - a number is searched with `countryCode`, `phoneNumberType` and `prefix`
   */
  readonly phoneNumber?: string;

  /**
   * Import this number from AWS End User Messaging SMS (formerly Amazon Pinpoint) instead of
   * claiming one (ImportPhoneNumber): the ARN of a number the account holds there, in the
   * target instance's Region, so that one number carries SMS there and voice or chat in Amazon
   * Connect. Only on an instance target (ImportPhoneNumber has no traffic distribution group
   * target); not with `phoneNumber`, `countryCode`, `phoneNumberType` or `prefix`. A number this
   * account already imported is taken back, not imported twice. Changing it replaces the
   * resource.
   *
   * @example 'arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-0123456789abcdef0123456789abcdef'
   * @default - the number is claimed (`phoneNumber`, or searched with `countryCode` and `phoneNumberType`)
   */
  readonly sourcePhoneNumberArn?: string;

  /**
   * The ISO 3166-1 alpha-2 country of the number to search for, such as US. Changing it replaces
   * the resource.
   *
   * @default - none; required when `phoneNumber` is not given
   */
  readonly countryCode?: string;

  /**
   * The type of the number to search for. Changing it replaces the resource.
   *
   * @default - none; required when `phoneNumber` is not given
   */
  readonly phoneNumberType?: PhoneNumberType;

  /**
   * Only numbers that start with this prefix (+ then up to 15 digits, starting with the country
   * calling code, such as +1206). Changing it replaces the resource.
   *
   * @default - any number of the country and type
   */
  readonly prefix?: string;

  /**
   * A description of the number, up to 500 characters. Changed in place.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Contact flows that answer the number: at most one per instance. For a number on a traffic
   * distribution group, give the flow of each Region (the instance's and its replica's). Changed
   * in place, without ever leaving the number without a flow.
   *
   * @default - no flow is associated
   * @example
   * [
   *   'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555/contact-flow/aaaaaaaa-0000-4000-8000-000000000001',
   *   'arn:aws:connect:us-west-2:111122223333:instance/11111111-2222-3333-4444-555555555555/contact-flow/aaaaaaaa-0000-4000-8000-000000000001',
   * ]
   */
  readonly contactFlowArns?: string[];

  /**
   * What happens to the number when the resource is deleted (stack deletion, or replacement).
   * RETAIN keeps the number claimed in the account (a number on a group is moved to the group's
   * instance, so the group can be deleted). DESTROY releases it: a released number cannot be
   * claimed again for up to 180 days. Only RETAIN and DESTROY are supported.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Attributes of an existing phone number, to import it.
 */
export interface ClaimedPhoneNumberAttributes {
  /** The ARN of the phone number. */
  readonly phoneNumberArn: string;
  /** The phone number in E.164 form. */
  readonly phoneNumber: string;
}
