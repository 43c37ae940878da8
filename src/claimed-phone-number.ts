/** The ClaimedPhoneNumber construct: a number claimed (or imported) in Amazon Connect, its grants and its lanes; its public types are in phone-number/props.ts. */
import {
  Arn, ArnFormat, ITaggable, Lazy, RemovalPolicy, Resource, Stack, TagManager, Token,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { grantFor } from './phone-number/grants';
import { chainInLanes } from './phone-number/lanes';
import {
  ClaimedPhoneNumberAttributes, ClaimedPhoneNumberProps, IClaimedPhoneNumber, PhoneNumberTarget,
} from './phone-number/props';
import { validateProps, warnIfFlowsMissARegion } from './phone-number/validate-props';
import { ConnectProvider } from './provider/connect-provider';
import { CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, PhoneAttrs, PhoneProps, PhoneRemoval } from './shared/names';
import { TrafficDistributionGroup } from './traffic-distribution-group';
import { checkLiteral, checkPropShapes, connectResource, noRemovalPolicy, validatedTags } from './util';

/** Marks this library's numbers (also across copies of the library loaded twice). */
const NUMBER_MARKER = Symbol.for('cdk-connect-global-resiliency.ClaimedPhoneNumber');

abstract class ClaimedPhoneNumberBase extends Resource implements IClaimedPhoneNumber {
  public abstract readonly phoneNumber: string;
  public abstract readonly phoneNumberArn: string;
  public abstract readonly phoneNumberId: string;

  public applyRemovalPolicy(policy: RemovalPolicy): void {
    throw noRemovalPolicy(this, 'An imported phone number', 'this stack does not manage it, so deleting the stack never releases it', policy);
  }
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

  /** What happens to the number on deletion; see `removalPolicy` and `applyRemovalPolicy`. */
  private removal: RemovalPolicy;
  /** The literal E.164 number, when given: two declarations of one number are refused at synth. */
  private readonly declaredNumber?: string;

  constructor(scope: Construct, id: string, props: ClaimedPhoneNumberProps) {
    super(scope, id);
    Object.defineProperty(this, NUMBER_MARKER, { value: true });
    checkPropShapes(this, 'ClaimedPhoneNumber', props, {
      target: {
        kind: v => v instanceof PhoneNumberTarget,
        required: true,
        expected: 'a PhoneNumberTarget: PhoneNumberTarget.instance(instanceArn) or PhoneNumberTarget.trafficDistributionGroup(group)',
      },
      phoneNumber: { kind: 'string', expected: 'a string, the E.164 number such as +12065550100' },
      countryCode: { kind: 'string', expected: 'a string, the ISO 3166-1 alpha-2 country such as US' },
      phoneNumberType: { kind: 'string', expected: 'a PhoneNumberType, such as PhoneNumberType.DID' },
      prefix: { kind: 'string', expected: 'a string, such as +1206' },
      description: { kind: 'string' },
      contactFlowArns: { kind: 'string[]', expected: 'an array of contact flow ARNs' },
      removalPolicy: { kind: 'RemovalPolicy', expected: 'RemovalPolicy.RETAIN or RemovalPolicy.DESTROY' },
      sourcePhoneNumberArn: { kind: 'string', expected: 'a string, the ARN of an AWS End User Messaging SMS phone number' },
    });
    const stack = Stack.of(this);
    this.removal = props.removalPolicy ?? RemovalPolicy.RETAIN;

    checkLiteral(this, undefined, () => validateProps(stack, props, this.removal));
    if (props.phoneNumber !== undefined && !Token.isUnresolved(props.phoneNumber)) {
      this.declaredNumber = props.phoneNumber;
      this.node.addValidation({ validate: () => this.duplicates() });
    }
    warnIfFlowsMissARegion(this, stack, props);

    this.tags = validatedTags(this, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE);

    const provider = ConnectProvider.getOrCreate(this);
    grantFor(provider, props);

    const resource = connectResource(this, provider.serviceToken, CLAIMED_PHONE_NUMBER_RESOURCE_TYPE, {
      [PhoneProps.TARGET_ARN]: props.target.targetArn,
      [PhoneProps.PHONE_NUMBER]: props.phoneNumber,
      [PhoneProps.COUNTRY_CODE]: props.countryCode,
      [PhoneProps.PHONE_NUMBER_TYPE]: props.phoneNumberType,
      [PhoneProps.PREFIX]: props.prefix,
      [PhoneProps.DESCRIPTION]: props.description,
      [PhoneProps.CONTACT_FLOW_ARNS]: props.contactFlowArns,
      [PhoneProps.REMOVAL_POLICY]: Lazy.string({
        produce: () => (this.removal === RemovalPolicy.DESTROY ? PhoneRemoval.DESTROY : PhoneRemoval.RETAIN),
      }),
      [PhoneProps.TAGS]: Lazy.any({ produce: () => this.tags.renderTags() }),
      [PhoneProps.SOURCE_PHONE_NUMBER_ARN]: props.sourcePhoneNumberArn,
      // A retained number on a group that is retained too stays on the group (nothing to park it for).
      [PhoneProps.KEEP_ON_RETAINED_GROUP]: Lazy.string({
        produce: () => (props.target.group instanceof TrafficDistributionGroup && props.target.group._retained() ? 'true' : undefined),
      }),
    });
    // The target's ARN is a GetAtt of the group when the group is in this stack: CloudFormation
    // then deletes (releases or parks) the number before it deletes the group.
    chainInLanes(stack, resource);

    this.phoneNumber = resource.getAttString(PhoneAttrs.PHONE_NUMBER);
    this.phoneNumberArn = resource.getAttString(PhoneAttrs.PHONE_NUMBER_ARN);
    this.phoneNumberId = resource.getAttString(PhoneAttrs.PHONE_NUMBER_ID);
  }

  /**
   * Sets what happens to the number when the resource is deleted (stack deletion, or
   * replacement), like the `removalPolicy` prop: RETAIN keeps it claimed, DESTROY releases it.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    if (policy !== RemovalPolicy.RETAIN && policy !== RemovalPolicy.DESTROY) {
      throw new Error(`${this.node.path}: applyRemovalPolicy() takes RemovalPolicy.RETAIN (the number stays claimed) or RemovalPolicy.DESTROY (it is released); got ${policy}`);
    }
    this.removal = policy;
  }

  /** The other ClaimedPhoneNumbers of the app that declare the same number. */
  private duplicates(): string[] {
    const others = this.node.root.node.findAll()
      .filter(c => c !== this && (c as unknown as Record<symbol, unknown>)[NUMBER_MARKER] === true
        && (c as ClaimedPhoneNumber).declaredNumber === this.declaredNumber)
      .map(c => c.node.path);
    if (others.length === 0) {
      return [];
    }
    return [`phoneNumber ${this.declaredNumber} is also declared by ${others.join(', ')} (phoneNumber). A number is claimed once: `
      + 'the second declaration adopts it from the first, and deleting either one releases or parks it under its own removal policy. '
      + 'Declare each number in exactly one ClaimedPhoneNumber of the app.'];
  }
}
