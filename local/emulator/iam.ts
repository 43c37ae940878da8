/**
 * IAM for the emulator: which resources each Connect action is authorized against (the Service
 * Authorization Reference's resource types for Amazon Connect), how a request's access key is
 * turned into a decision (an `Authorizer` that the local CloudFormation engine registers, knowing
 * which function's role made the call), and IAM's matching of actions and resources.
 */
import { SEED } from './seed';

/** What the emulator asks an authorizer for one call. */
export interface AuthorizationRequest {
  /** The access key of the SigV4 credential scope. */
  readonly accessKeyId: string;
  /** `connect:<Operation>`. */
  readonly action: string;
  /** Every resource the action is authorized against; each must be allowed. */
  readonly resources: readonly string[];
}

/** An authorizer's answer: allowed, or refused with AWS's message. */
export type AuthorizationDecision = { readonly allowed: true } | { readonly allowed: false; readonly message: string };

/**
 * Decides for the access keys it issued; `undefined` for any other key (the emulator then lets the
 * call through: that is the test's own client, acting as the account's administrator).
 */
export type Authorizer = (request: AuthorizationRequest) => AuthorizationDecision | undefined;

/** The access key of a SigV4 Authorization header (`Credential=<key>/<date>/<region>/...`). */
export function accessKeyOf(authorization: string | undefined): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1];
}

const ARN_RE = /^arn:[^:]+:connect:([^:]+):([^:]+):(.+)$/;

/** The parts of a request the resources are derived from. */
export interface AuthorizationInput {
  readonly region: string;
  readonly labels: Record<string, string>;
  readonly query: URLSearchParams;
  readonly body: Record<string, any>;
}

/**
 * The resources `operation` is authorized against, from the request's parameters (before the
 * emulator looks anything up: AWS refuses before it says whether the resource exists). Ids are
 * made into ARNs in the calling Region and the emulator's account. Source: the Service
 * Authorization Reference for Amazon Connect (the required resource types of each action):
 * ClaimPhoneNumber on its target and `phone-number/*`; Search and ListPhoneNumbersV2 on
 * `phone-number/*`; UpdatePhoneNumber on the number and its new target;
 * AssociatePhoneNumberContactFlow on the number and the flow; CreateTrafficDistributionGroup on
 * the instance and the groups; the group-user actions on the group, the instance and the user;
 * DescribeContactFlow on the flow; ImportPhoneNumber on its target instance and `phone-number/*`
 * (its source, an End User Messaging number, is authorized by End User Messaging as
 * `sms-voice:DescribePhoneNumbers`, never by Connect: not an emulator call);
 * GetCrossRegionRouting and UpdateCrossRegionRouting on the instance; ListFlowAssociations on the
 * instance [inferred: connect-api.md does not give its resource type]. ListTrafficDistributionGroups:
 * the reference's resource type is not stated in connect-api.md; the harsher reading is taken, the
 * groups and, when `instanceId` is given, that instance. `account`: the emulated world's account.
 */
export function resourcesOf(operation: string, r: AuthorizationInput, account: string = SEED.account): string[] {
  const arn = (resource: string, region = r.region) => `arn:aws:connect:${region}:${account}:${resource}`;
  const idOf = (idOrArn: unknown) => {
    const s = String(idOrArn ?? '');
    const m = ARN_RE.exec(s);
    return m === null ? s : m[3].split('/').pop()!;
  };
  const asArn = (idOrArn: unknown, kind: string) => {
    const s = String(idOrArn ?? '');
    return ARN_RE.test(s) ? s : arn(`${kind}/${s}`);
  };
  const instance = (idOrArn: unknown) => asArn(idOrArn, 'instance');
  const number = () => asArn(r.labels.PhoneNumberId, 'phone-number');
  const target = (body: Record<string, any>) => (body.TargetArn !== undefined ? String(body.TargetArn) : instance(body.InstanceId));
  switch (operation) {
    case 'CreateTrafficDistributionGroup':
      return [instance(r.body.InstanceId), arn('traffic-distribution-group/*')];
    case 'DescribeTrafficDistributionGroup':
    case 'DeleteTrafficDistributionGroup':
    case 'ListTrafficDistributionGroupUsers':
      return [asArn(r.labels.TrafficDistributionGroupId, 'traffic-distribution-group')];
    case 'GetTrafficDistribution':
    case 'UpdateTrafficDistribution':
      return [asArn(r.labels.Id, 'traffic-distribution-group')];
    case 'AssociateTrafficDistributionGroupUser':
    case 'DisassociateTrafficDistributionGroupUser': {
      const source = operation.startsWith('Associate') ? r.body : Object.fromEntries(r.query);
      const inst = instance(source.InstanceId);
      return [asArn(r.labels.TrafficDistributionGroupId, 'traffic-distribution-group'), inst, `${inst}/agent/${idOf(source.UserId)}`];
    }
    case 'ListTrafficDistributionGroups': {
      const instanceId = r.query.get('instanceId');
      return instanceId === null ? [arn('traffic-distribution-group/*')] : [instance(instanceId), arn('traffic-distribution-group/*')];
    }
    case 'ClaimPhoneNumber':
      return [target(r.body), arn('phone-number/*')];
    case 'ImportPhoneNumber':
      return [instance(r.body.InstanceId), arn('phone-number/*')];
    case 'SearchAvailablePhoneNumbers':
    case 'ListPhoneNumbersV2':
      return [arn('phone-number/*')];
    case 'DescribePhoneNumber':
    case 'UpdatePhoneNumberMetadata':
    case 'ReleasePhoneNumber':
    case 'DisassociatePhoneNumberContactFlow':
      return [number()];
    case 'UpdatePhoneNumber':
      return [number(), target(r.body)];
    case 'AssociatePhoneNumberContactFlow':
      return [number(), `${instance(r.body.InstanceId)}/contact-flow/${idOf(r.body.ContactFlowId)}`];
    case 'DescribeContactFlow':
      return [`${instance(r.labels.InstanceId)}/contact-flow/${idOf(r.labels.ContactFlowId)}`];
    case 'ListFlowAssociations':
      return [instance(r.labels.InstanceId)];
    case 'GetCrossRegionRouting':
    case 'UpdateCrossRegionRouting':
    case 'DescribeInstance':
    case 'DeleteInstance':
    case 'ReplicateInstance':
      return [instance(r.labels.InstanceId)];
    case 'TagResource':
    case 'UntagResource':
      return [String(r.labels.resourceArn)];
    default:
      return [arn('*')];
  }
}
