/**
 * Names read by both the constructs (src/) and the handlers (lambda/).
 *
 * This module has no imports, so the handler bundle never pulls in aws-cdk-lib.
 * Every value here is frozen once released: resource type names and property keys are part of
 * the deployed templates, and changing one replaces (or strands) every deployed resource.
 */

/** Custom resource type of a traffic distribution group. Frozen. */
export const TRAFFIC_DISTRIBUTION_GROUP_RESOURCE_TYPE = 'Custom::ConnectTrafficDistributionGroup';

/** Custom resource type of a claimed phone number. Frozen. */
export const CLAIMED_PHONE_NUMBER_RESOURCE_TYPE = 'Custom::ConnectClaimedPhoneNumber';

/** Construct id of the one provider per stack (reverse DNS, so it never collides with user ids). Frozen. */
export const PROVIDER_CONSTRUCT_ID = 'io.github.cdk-connect-global-resiliency.ConnectProvider';

/** Property keys of a traffic distribution group custom resource. */
export const TdgProps = {
  INSTANCE_ARN: 'InstanceArn',
  NAME: 'Name',
  DESCRIPTION: 'Description',
  /** Map of Region to percentage; CloudFormation delivers the values as strings. */
  TELEPHONY_DISTRIBUTION: 'TelephonyDistribution',
  AGENT_DISTRIBUTION: 'AgentDistribution',
  /** Map of tag key to value. */
  TAGS: 'Tags',
  /** `retain` (the group is kept on deletion) or absent (deleted). */
  REMOVAL_POLICY: 'RemovalPolicy',
} as const;

/** Attribute keys (`Data`) of a traffic distribution group custom resource. */
export const TdgAttrs = {
  ARN: 'Arn',
  ID: 'Id',
} as const;

/** Property keys of a claimed phone number custom resource. */
export const PhoneProps = {
  /** ARN of the instance or of the traffic distribution group the number is claimed to. */
  TARGET_ARN: 'TargetArn',
  PHONE_NUMBER: 'PhoneNumber',
  COUNTRY_CODE: 'CountryCode',
  PHONE_NUMBER_TYPE: 'PhoneNumberType',
  PREFIX: 'Prefix',
  DESCRIPTION: 'Description',
  /** List of contact flow ARNs, at most one per instance. */
  CONTACT_FLOW_ARNS: 'ContactFlowArns',
  /** `retain` or `destroy`. */
  REMOVAL_POLICY: 'RemovalPolicy',
  TAGS: 'Tags',
  /**
   * ARN of a number in AWS End User Messaging SMS to import (ImportPhoneNumber) instead of
   * claiming one; exclusive with PHONE_NUMBER and the search keys; instance targets only.
   */
  SOURCE_PHONE_NUMBER_ARN: 'SourcePhoneNumberArn',
  /**
   * `true` when the number's group is retained on deletion: a retained number then stays on the
   * group rather than being parked on the group's instance. Absent otherwise.
   */
  KEEP_ON_RETAINED_GROUP: 'KeepOnRetainedGroup',
} as const;

/** Attribute keys (`Data`) of a claimed phone number custom resource. */
export const PhoneAttrs = {
  PHONE_NUMBER: 'PhoneNumber',
  PHONE_NUMBER_ARN: 'PhoneNumberArn',
  PHONE_NUMBER_ID: 'PhoneNumberId',
} as const;

/** Values of {@link PhoneProps.REMOVAL_POLICY}. */
export const PhoneRemoval = {
  RETAIN: 'retain',
  DESTROY: 'destroy',
} as const;

/** The seven phone number types of the Connect API. */
export const PHONE_NUMBER_TYPES = [
  'TOLL_FREE', 'DID', 'UIFN', 'SHARED', 'THIRD_PARTY_TF', 'THIRD_PARTY_DID', 'SHORT_CODE',
] as const;

/**
 * Deadlines, in seconds, after which a resource that has not settled fails with a reason that
 * names it. Each stays below the provider's total timeout, which stays below each custom
 * resource's service timeout, so a stack never hangs.
 */
export const Deadlines = {
  TRAFFIC_DISTRIBUTION_GROUP_SECONDS: 30 * 60,
  CLAIMED_PHONE_NUMBER_SECONDS: 20 * 60,
  /** The longest: replicating an instance can take tens of minutes. */
  INSTANCE_REPLICA_SECONDS: 45 * 60,
  /** A split settles within seconds; agents associate at once. */
  TRAFFIC_DISTRIBUTION_SECONDS: 10 * 60,
} as const;

/** Provider waiter: total timeout and interval (seconds). totalTimeout must be a multiple of the interval. */
export const Waiter = {
  TOTAL_TIMEOUT_SECONDS: 50 * 60,
  QUERY_INTERVAL_SECONDS: 5,
  /** ServiceTimeout of every custom resource: above the provider's total timeout, within CloudFormation's 3600 s. */
  SERVICE_TIMEOUT_SECONDS: 55 * 60,
} as const;

/**
 * Field that onEvent adds to its result; the provider framework carries it to isComplete (it is
 * not part of the CloudFormation response). Epoch milliseconds after which isComplete gives up.
 */
export const DEADLINE_FIELD = 'ConnectDeadlineEpochMs';

/** Field that onEvent adds when it created (or claimed) a new resource in this request; carried to isComplete. */
export const CREATED_FIELD = 'ConnectCreatedInThisRequest';

/**
 * Tag put on every claimed number: the ClientToken of the claim. If an event is delivered again
 * after its token has expired, or the search returns other candidates, the handler finds the
 * number it already claimed by this tag instead of claiming a second one.
 */
export const CLAIM_TOKEN_TAG = 'connect-global-resiliency:claim-token';

/**
 * Tag put on every claimed number: a hash of the stack id and the logical id of the resource that
 * claimed it. The rollback of a failed replacement finds the number the resource held before by it,
 * and a redeploy takes back a number that a failed request of the same resource claimed.
 */
export const OWNER_TAG = 'connect-global-resiliency:owner';

/**
 * The owner record (issue 24), tags on every number and group a handler claims, creates or adopts.
 * STACK_TAG: a hash of the stack's id (which stack manages it); OWNER_TAG (above): a hash of stack and
 * logical id (which logical resource). A Delete acts only on what OWNER_TAG says is its own.
 */
export const STACK_TAG = 'connect-global-resiliency:stack';

/**
 * On a number adopted by a resource (it existed before: claimed outside the stack, or held by another
 * logical resource of the stack, a refactor): the target it was on before. A Delete of the adopting
 * resource moves it back there rather than releasing it.
 */
export const ADOPTED_FROM_TAG = 'connect-global-resiliency:adopted-from';

/** On an adopted number: the owner tag it had before ({@link OWNER_NONE} when it had none), restored by the put-back. */
export const ADOPTED_OWNER_TAG = 'connect-global-resiliency:adopted-owner';

/** Owner tag value of a number put back as it was: no stack manages it (a re-delivered Delete finds nothing of its own). */
export const OWNER_NONE = 'none';

/**
 * Tag put on a number chosen by `phoneNumber` when the request that claimed it failed: the number is
 * kept (a released number cannot be claimed again for up to 180 days), no Delete releases it while
 * the tag is on, and the next deployment of the resource takes it back and removes the tag.
 */
export const KEPT_TAG = 'connect-global-resiliency:kept-after-failure';

/**
 * Ends the physical id of an InstanceReplica that adopted a replica made outside the resource (issue 24):
 * `<replica ARN>#adopted`. A replica carries no owner tag (the reference documents no TagResource on
 * instances), and the physical id is the one record CloudFormation sends back with every Delete. A
 * replica this resource replicated keeps the plain ARN, as every physical id before this release. Frozen.
 */
export const ADOPTED_REPLICA_SUFFIX = '#adopted';

// The names of the later resource types, laid out like the first ones above on purpose: each frozen name spelt out once.

/** Custom resource type of an instance replica. Frozen. */
export const INSTANCE_REPLICA_RESOURCE_TYPE = 'Custom::ConnectInstanceReplica';

/** Custom resource type of the split of a group (any group, including the default one). Frozen. */
export const TRAFFIC_DISTRIBUTION_RESOURCE_TYPE = 'Custom::ConnectTrafficDistribution';

/** Custom resource type of the agents (users) associated with a group. Frozen. */
export const TRAFFIC_DISTRIBUTION_GROUP_USERS_RESOURCE_TYPE = 'Custom::ConnectTrafficDistributionGroupUsers';

/** Property keys of an instance replica custom resource. */
export const ReplicaProps = {
  INSTANCE_ARN: 'InstanceArn',
  REPLICA_REGION: 'ReplicaRegion',
  REPLICA_ALIAS: 'ReplicaAlias',
  /** `retain` or `destroy`. */
  REMOVAL_POLICY: 'RemovalPolicy',
} as const;

/** Attribute keys (`Data`) of an instance replica custom resource. */
export const ReplicaAttrs = {
  SOURCE_INSTANCE_ARN: 'SourceInstanceArn',
  REPLICA_INSTANCE_ARN: 'ReplicaInstanceArn',
  DEFAULT_GROUP_ARN: 'DefaultTrafficDistributionGroupArn',
  DEFAULT_GROUP_ID: 'DefaultTrafficDistributionGroupId',
} as const;

/** Property keys of a traffic distribution custom resource. */
export const DistributionProps = {
  GROUP_ARN: 'TrafficDistributionGroupArn',
  TELEPHONY_DISTRIBUTION: 'TelephonyDistribution',
  AGENT_DISTRIBUTION: 'AgentDistribution',
  /** Map of Region to 'true'/'false'; only on a default group. */
  SIGN_IN_DISTRIBUTION: 'SignInDistribution',
} as const;

/** Property keys of a group-users custom resource. */
export const GroupUsersProps = {
  GROUP_ARN: 'TrafficDistributionGroupArn',
  INSTANCE_ARN: 'InstanceArn',
  USER_IDS: 'UserIds',
} as const;

/**
 * The Region pairs Global Resiliency supports (source -> replica). connect-api.md: ReplicateInstance.
 */
export const REPLICATION_PAIRS: Record<string, string[]> = {
  'us-east-1': ['us-west-2'],
  'us-west-2': ['us-east-1'],
  'eu-west-2': ['eu-central-1'],
  'eu-central-1': ['eu-west-2'],
  'ap-northeast-1': ['ap-northeast-3'],
};

/**
 * The alias a replica gets when `replicaAlias` is not given. ReplicateInstance's ReplicaAlias is
 * optional in the SDK model, but the admin guide says it "is currently still a required field"
 * (connect-api.md: ReplicateInstance's ReplicaAlias), so one is always sent: the source instance's
 * id without its hyphens (32 hex digits: unique per instance), a hyphen, and the replica Region
 * without its hyphens (unique per Region), such as
 * `11111111222233334444555555555555-uswest2`. At most 32 + 1 + 12 = 45 characters for every
 * Region name up to 14 characters; it never starts with `d-` (the 33rd character is the first
 * hyphen). Longer Region names are cut to fit. Frozen: the handler derives the same alias for a
 * Create whose template did not carry one.
 */
export function defaultReplicaAlias(instanceId: string, replicaRegion: string): string {
  const id = instanceId.toLowerCase().replace(/-/g, '');
  const region = replicaRegion.toLowerCase().replace(/-/g, '');
  return `${id}-${region}`.slice(0, 45);
}

/** The command-line tool shipped in the npm package (`npx cdk-connect-global-resiliency ...`). */
export const CLI_NAME = 'cdk-connect-global-resiliency';

/**
 * Prefix of the tag a handler puts on a group when it refuses to move a split that was moved
 * outside CloudFormation, so that the rollback of that update is recognized (and moves nothing).
 */
export const SPLIT_REFUSED_TAG_PREFIX = 'connect-global-resiliency:split-refused:';

/**
 * The prefix of the tag on which onEvent records the request whose waiter may change the resource
 * (`<prefix><hash of stack and logical id>` = the RequestId): isComplete checks it before every
 * change, so that a cancelled update's waiter (its execution keeps running) never acts after the
 * rollback's request has taken over.
 */
export const CURRENT_REQUEST_TAG_PREFIX = 'connect-global-resiliency:request:';

/**
 * How many consecutive 5xx answers or connection errors from one Region make a handler conclude that
 * the Region is down (an outage) and fail the resource at once, naming the Region, rather than retry
 * until the deadline. Throttling (429) is the Region answering: it never counts.
 */
export const REGION_OUTAGE_THRESHOLD = 5;
