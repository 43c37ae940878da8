import {
  Arn, ArnFormat, CustomResource, IResource, ITaggable, Lazy, RemovalPolicy, Resource, Stack, TagManager, TagType, Token,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ConnectProvider } from './provider/connect-provider';
import {
  PHONE_NUMBER_ACTIONS, PHONE_NUMBER_FLOW_ACTIONS, PHONE_NUMBER_FLOW_CHECK_ACTIONS, PHONE_NUMBER_GROUP_LOOKUP_ACTIONS,
  PHONE_NUMBER_IMPORT_ACTIONS, PHONE_NUMBER_IMPORT_SOURCE_ACTIONS,
} from './shared/actions';
import {
  CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, PHONE_NUMBER_TYPES, PhoneAttrs, PhoneProps, PhoneRemoval, REPLICATION_PAIRS,
} from './shared/names';
import {
  parseInstanceArn, parseSourcePhoneNumberArn, validateCountryCode, validateFlows, validatePhoneDescription, validatePhoneNumber,
  validatePhoneNumberType, validatePrefix, validateTags,
} from './shared/validate';
import { ITrafficDistributionGroup } from './traffic-distribution-group';
import { checkLiteral, connectResource, unresolvedIn } from './util';

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
  /** Claim the number to a traffic distribution group. */
  public static trafficDistributionGroup(group: ITrafficDistributionGroup): PhoneNumberTarget {
    return new GroupTarget(group);
  }

  /** Claim the number to an Amazon Connect instance, by its ARN. */
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

abstract class ClaimedPhoneNumberBase extends Resource implements IClaimedPhoneNumber {
  public abstract readonly phoneNumber: string;
  public abstract readonly phoneNumberArn: string;
  public abstract readonly phoneNumberId: string;
}

/**
 * A phone number claimed in Amazon Connect: exactly the number given, or the first free number
 * that matches a country, type and prefix, or a number imported from AWS End User Messaging
 * (`sourcePhoneNumberArn`); waited for until CLAIMED, with its contact flows
 * associated, moved in place when its target changes, and kept (not released) on deletion
 * unless its removal policy is DESTROY.
 *
 * @resource Custom::ConnectClaimedPhoneNumber
 */
export class ClaimedPhoneNumber extends ClaimedPhoneNumberBase implements ITaggable {
  /**
   * Imports an existing phone number by its ARN. Its `phoneNumber` is not known: use
   * `fromPhoneNumberAttributes` when you need it.
   */
  public static fromPhoneNumberArn(scope: Construct, id: string, phoneNumberArn: string): IClaimedPhoneNumber {
    class Import extends ClaimedPhoneNumberBase {
      public readonly phoneNumberArn = phoneNumberArn;
      public readonly phoneNumberId = Arn.split(phoneNumberArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      public get phoneNumber(): string {
        throw new Error(`${this.node.path}: phoneNumber is not known for a number imported with fromPhoneNumberArn; import it with ClaimedPhoneNumber.fromPhoneNumberAttributes to give it`);
      }
    }
    return new Import(scope, id, { environmentFromArn: phoneNumberArn });
  }

  /**
   * Imports an existing phone number by its ARN and E.164 address.
   */
  public static fromPhoneNumberAttributes(scope: Construct, id: string, attrs: ClaimedPhoneNumberAttributes): IClaimedPhoneNumber {
    class Import extends ClaimedPhoneNumberBase {
      public readonly phoneNumberArn = attrs.phoneNumberArn;
      public readonly phoneNumberId = Arn.split(attrs.phoneNumberArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      public readonly phoneNumber = attrs.phoneNumber;
    }
    return new Import(scope, id, { environmentFromArn: attrs.phoneNumberArn });
  }

  public readonly phoneNumber: string;
  public readonly phoneNumberArn: string;
  public readonly phoneNumberId: string;
  /** Tags of the number: `Tags.of(scope).add()` reaches them, and changes apply in place. */
  public readonly tags: TagManager;

  constructor(scope: Construct, id: string, props: ClaimedPhoneNumberProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removal = props.removalPolicy ?? RemovalPolicy.RETAIN;

    checkLiteral(this, undefined, () => validateProps(stack, props, removal));

    this.tags = new TagManager(TagType.MAP, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, undefined, { tagPropertyName: 'tags' });
    this.node.addValidation({
      validate: () => {
        const tags = this.tags.renderTags();
        if (tags === undefined || unresolvedIn(tags)) {
          return [];
        }
        try {
          validateTags('tags', tags);
          return [];
        } catch (e) {
          return [(e as Error).message];
        }
      },
    });

    const provider = ConnectProvider.getOrCreate(this);
    grantFor(provider, stack, props);

    const resource = connectResource(this, provider.serviceToken, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, {
      [PhoneProps.TARGET_ARN]: props.target.targetArn,
      [PhoneProps.PHONE_NUMBER]: props.phoneNumber,
      [PhoneProps.COUNTRY_CODE]: props.countryCode,
      [PhoneProps.PHONE_NUMBER_TYPE]: props.phoneNumberType,
      [PhoneProps.PREFIX]: props.prefix,
      [PhoneProps.DESCRIPTION]: props.description,
      [PhoneProps.CONTACT_FLOW_ARNS]: props.contactFlowArns,
      [PhoneProps.REMOVAL_POLICY]: removal === RemovalPolicy.DESTROY ? PhoneRemoval.DESTROY : PhoneRemoval.RETAIN,
      [PhoneProps.TAGS]: Lazy.any({ produce: () => this.tags.renderTags() }),
      [PhoneProps.SOURCE_PHONE_NUMBER_ARN]: props.sourcePhoneNumberArn,
    });
    // The target's ARN is a GetAtt of the group when the group is in this stack: CloudFormation
    // then deletes (releases or parks) the number before it deletes the group.
    chainInLanes(stack, resource);

    this.phoneNumber = resource.getAttString(PhoneAttrs.PHONE_NUMBER);
    this.phoneNumberArn = resource.getAttString(PhoneAttrs.PHONE_NUMBER_ARN);
    this.phoneNumberId = resource.getAttString(PhoneAttrs.PHONE_NUMBER_ID);
  }
}

/**
 * How many numbers of one stack CloudFormation works on at once. Every call of every number shares
 * Amazon Connect's 2 requests/s per account and Region, and each concurrent Lambda invocation
 * retries on its own: with hundreds of numbers started at once, each would wait minutes for its
 * few calls (longer than onEvent's timeout), and numbers searched side by side would race for the
 * same candidates. Ten lanes keep the shared budget busy (measured: bench/scale.ts) with few
 * waiting calls.
 */
const CONCURRENT_NUMBERS = 10;
const numbersOfStack = new WeakMap<Stack, CustomResource[]>();

/**
 * Number i of a stack depends on number i - CONCURRENT_NUMBERS (in construct order, so the same
 * template on every synth): at most that many are created, or deleted (in reverse), at once.
 */
function chainInLanes(stack: Stack, resource: CustomResource): void {
  const numbers = numbersOfStack.get(stack) ?? [];
  numbersOfStack.set(stack, numbers);
  if (numbers.length >= CONCURRENT_NUMBERS) {
    resource.node.addDependency(numbers[numbers.length - CONCURRENT_NUMBERS]);
  }
  numbers.push(resource);
}

function validateProps(stack: Stack, props: ClaimedPhoneNumberProps, removal: RemovalPolicy): void {
  const lit = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);
  const searched = props.countryCode !== undefined || props.phoneNumberType !== undefined || props.prefix !== undefined;
  if (props.sourcePhoneNumberArn !== undefined) {
    validateImport(props);
  } else if (props.phoneNumber !== undefined && searched) {
    throw new Error('phoneNumber cannot be combined with countryCode, phoneNumberType or prefix: give either the exact number, or what to search for');
  }
  const claimGiven = props.phoneNumber !== undefined || (props.countryCode !== undefined && props.phoneNumberType !== undefined);
  if (props.sourcePhoneNumberArn === undefined && !claimGiven) {
    throw new Error('phoneNumber, or countryCode and phoneNumberType, or sourcePhoneNumberArn must be given: the exact number to claim, what to search for, or the End User Messaging number to import');
  }
  if (lit(props.phoneNumber)) {
    validatePhoneNumber('phoneNumber', props.phoneNumber);
  }
  if (lit(props.countryCode)) {
    validateCountryCode('countryCode', props.countryCode);
  }
  if (lit(props.phoneNumberType)) {
    validatePhoneNumberType('phoneNumberType', props.phoneNumberType, PHONE_NUMBER_TYPES);
  }
  if (lit(props.prefix)) {
    validatePrefix('prefix', props.prefix, lit(props.countryCode) ? props.countryCode : undefined);
  }
  if (lit(props.description)) {
    validatePhoneDescription('description', props.description);
  }
  if (removal !== RemovalPolicy.RETAIN && removal !== RemovalPolicy.DESTROY) {
    throw new Error(`removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY; got ${removal}`);
  }

  const target = props.target;
  let targetInfo: { kind: 'instance' | 'group'; instanceId?: string; region?: string } | undefined;
  if (target.group !== undefined) {
    const groupRegion = ConnectProvider.regionOf(target.targetArn) ?? ConnectProvider.regionOf(target.instanceArn);
    if (groupRegion !== undefined && !Token.isUnresolved(stack.region) && groupRegion !== stack.region) {
      throw new Error(`target must be a traffic distribution group in this stack's Region ${stack.region} (numbers are claimed in the group's Region); got a group in ${groupRegion}`);
    }
    targetInfo = {
      kind: 'group',
      instanceId: lit(target.instanceArn) ? parseInstanceArn('target instanceArn', target.instanceArn).id : undefined,
    };
  } else if (lit(target.instanceArn)) {
    const inst = parseInstanceArn('target', target.instanceArn);
    targetInfo = { kind: 'instance', instanceId: inst.id, region: inst.region };
  } else {
    targetInfo = { kind: 'instance' };
  }
  if (props.contactFlowArns !== undefined && !Token.isUnresolved(props.contactFlowArns)) {
    const literal = props.contactFlowArns.filter(a => !Token.isUnresolved(a));
    validateFlows('contactFlowArns', literal, targetInfo);
  }
}

/** An imported number: no claim props, an instance target, the source in the instance's Region. */
function validateImport(props: ClaimedPhoneNumberProps): void {
  const given = (['phoneNumber', 'countryCode', 'phoneNumberType', 'prefix'] as const).filter(k => props[k] !== undefined);
  if (given.length > 0) {
    throw new Error(`sourcePhoneNumberArn cannot be combined with ${given.join(', ')}: an imported number is the End User Messaging number itself`);
  }
  if (props.target.group !== undefined) {
    throw new Error('sourcePhoneNumberArn needs an instance target (PhoneNumberTarget.instance): ImportPhoneNumber imports a number to an instance, never to a traffic distribution group');
  }
  const instanceArn = props.target.instanceArn;
  const instanceRegion = instanceArn !== undefined && !Token.isUnresolved(instanceArn) ? parseInstanceArn('target', instanceArn).region : undefined;
  if (!Token.isUnresolved(props.sourcePhoneNumberArn!)) {
    parseSourcePhoneNumberArn('sourcePhoneNumberArn', props.sourcePhoneNumberArn, instanceRegion);
  }
}

/** Grants the handlers what this number needs: the actions called, on the ARNs known here. */
function grantFor(provider: ConnectProvider, stack: Stack, props: ClaimedPhoneNumberProps): void {
  const target = props.target;
  const numbers = provider.connectArn('phone-number/*');
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
  if (target.group !== undefined) {
    // RETAIN parks a group's number on the group's instance: look the group up, move the number there.
    provider.grant([...PHONE_NUMBER_GROUP_LOOKUP_ACTIONS, 'connect:UpdatePhoneNumber'], [
      provider.connectArn('traffic-distribution-group/*'),
      provider.instanceResource(target.instanceArn),
    ]);
  }

  // Flows. An update that drops a flow (or all of them, or the replica Region's) disassociates it
  // under the grants of the NEW template, where that flow no longer appears: so every number gets
  // the flow actions, on its numbers and its instance's flows in both Regions of the pair (the
  // replica keeps the instance's id), whatever its flows are now. Flows are validated at synth to
  // be on the target's instance or its replica.
  const pair = Token.isUnresolved(stack.region) ? ['*'] : (REPLICATION_PAIRS[stack.region] ?? ['*']);
  const instanceId = target.instanceArn !== undefined && !Token.isUnresolved(target.instanceArn)
    ? parseInstanceArn('target', target.instanceArn).id
    : undefined;
  const resources = new Set<string>();
  for (const region of [undefined, ...pair]) {
    resources.add(provider.connectArn('phone-number/*', region));
    resources.add(provider.connectArn(`instance/${instanceId ?? '*'}`, region));
    resources.add(provider.connectArn(`instance/${instanceId ?? '*'}/contact-flow/*`, region));
  }
  provider.grant(PHONE_NUMBER_FLOW_ACTIONS, [...resources]);
  if ((props.contactFlowArns ?? []).length > 0) {
    // Each declared flow is read (DescribeContactFlow) before a number is claimed.
    const flows = new Set<string>();
    for (const region of [undefined, ...pair]) {
      flows.add(provider.connectArn(`instance/${instanceId ?? '*'}`, region));
      flows.add(provider.connectArn(`instance/${instanceId ?? '*'}/contact-flow/*`, region));
    }
    provider.grant(PHONE_NUMBER_FLOW_CHECK_ACTIONS, [...flows]);
  }
}
