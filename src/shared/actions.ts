/**
 * The Connect actions each handler calls, so that the constructs grant exactly these (and the
 * tests can check the grants against what the handlers really call). No imports.
 */

/** Actions on traffic distribution groups (resource: the groups of the stack's account and Region). */
export const TDG_GROUP_ACTIONS = [
  'connect:CreateTrafficDistributionGroup',
  'connect:DescribeTrafficDistributionGroup',
  'connect:DeleteTrafficDistributionGroup',
  'connect:GetTrafficDistribution',
  'connect:UpdateTrafficDistribution',
  'connect:ListPhoneNumbersV2',
  'connect:TagResource',
  'connect:UntagResource',
] as const;

/** Actions that also need the group's instance as a resource. */
export const TDG_INSTANCE_ACTIONS = [
  'connect:CreateTrafficDistributionGroup',
] as const;

/**
 * Finding the group that has the requested name before a replacement creates one: a rollback sent
 * to the group of a failed replacement answers with it (resource: the group's instance and the groups).
 */
export const TDG_LOOKUP_ACTIONS = [
  'connect:ListTrafficDistributionGroups',
] as const;

/** Actions on phone numbers (resource: the numbers, and the target they are claimed to). */
export const PHONE_NUMBER_ACTIONS = [
  'connect:SearchAvailablePhoneNumbers',
  'connect:ClaimPhoneNumber',
  'connect:DescribePhoneNumber',
  'connect:ListPhoneNumbersV2',
  'connect:UpdatePhoneNumber',
  'connect:UpdatePhoneNumberMetadata',
  'connect:ReleasePhoneNumber',
  'connect:TagResource',
  'connect:UntagResource',
] as const;

/** Needed to park a group's number on the group's instance (RETAIN). */
export const PHONE_NUMBER_GROUP_LOOKUP_ACTIONS = [
  'connect:DescribeTrafficDistributionGroup',
] as const;

/** Actions that link a number to a contact flow (resource: the number, the flow and its instance). */
export const PHONE_NUMBER_FLOW_ACTIONS = [
  'connect:AssociatePhoneNumberContactFlow',
  'connect:DisassociatePhoneNumberContactFlow',
] as const;

/** Checking that a declared flow exists before a number is claimed (resource: the flow and its instance). */
export const PHONE_NUMBER_FLOW_CHECK_ACTIONS = [
  'connect:DescribeContactFlow',
] as const;

/** Actions of an instance replica (resource: the source instance and the replica Region's instances). */
export const REPLICA_ACTIONS = [
  'connect:ReplicateInstance',
  'connect:DescribeInstance',
  'connect:DeleteInstance',
] as const;

/** Finding the default group that replication creates. */
export const REPLICA_DEFAULT_GROUP_ACTIONS = [
  'connect:ListTrafficDistributionGroups',
] as const;

/** Actions of a traffic distribution (the split of any group). */
export const DISTRIBUTION_ACTIONS = [
  'connect:DescribeTrafficDistributionGroup',
  'connect:GetTrafficDistribution',
  'connect:UpdateTrafficDistribution',
  // The tag that records a refused split change on the group, so that its rollback moves nothing.
  'connect:TagResource',
  'connect:UntagResource',
] as const;

/** Actions of the agents on a group. */
export const GROUP_USERS_ACTIONS = [
  'connect:AssociateTrafficDistributionGroupUser',
  'connect:DisassociateTrafficDistributionGroupUser',
] as const;

/** Importing a number from AWS End User Messaging (resource: the numbers and the target instance). */
export const PHONE_NUMBER_IMPORT_ACTIONS = [
  'connect:ImportPhoneNumber',
] as const;

/**
 * What ImportPhoneNumber needs on the source number (resource: that End User Messaging number's
 * ARN only). The Connect API reference names no permission on the source; CloudFormation's own
 * AWS::Connect::PhoneNumber declares `sms-voice:DescribePhoneNumbers` beside
 * `connect:ImportPhoneNumber` in its create handler's permissions (the resource schema,
 * `handlers.create.permissions`), and nothing else of End User Messaging: the handler calls no
 * End User Messaging API itself, so this is the one End User Messaging action granted.
 */
export const PHONE_NUMBER_IMPORT_SOURCE_ACTIONS = [
  'sms-voice:DescribePhoneNumbers',
] as const;

/**
 * What the handlers call on their own stack (resource: that stack's id only): DescribeStacks, to tell
 * a rollback's request from a forward one when a resource was found gone or a Region does not answer
 * (lambda/lib/stack-status.ts; README: How it works).
 */
export const STACK_STATUS_ACTIONS = [
  'cloudformation:DescribeStacks',
] as const;

/**
 * What the command-line tool calls on a group (`status`, `failover`, `split`), granted by
 * grantTrafficDistribution on the group's ARN. From the replica Region the calls name the same
 * ARN (connect-api.md: Failover, "Permissions ... on the group's ARN").
 */
export const CLI_GROUP_ACTIONS = [
  'connect:DescribeTrafficDistributionGroup',
  'connect:GetTrafficDistribution',
  'connect:UpdateTrafficDistribution',
  // `status` lists the numbers on the group (TargetArn: the group).
  'connect:ListPhoneNumbersV2',
] as const;

/** What `status` calls on the group's instance, in each Region (the replica has the instance's id). */
export const CLI_INSTANCE_ACTIONS = [
  'connect:GetCrossRegionRouting',
] as const;

/**
 * What `isolate` calls on an instance, in whichever of its two Regions answers (connect-api.md:
 * Cross-Region routing): granted by grantCrossRegionRouting on the instance in both Regions.
 */
export const CLI_ROUTING_ACTIONS = [
  'connect:GetCrossRegionRouting',
  'connect:UpdateCrossRegionRouting',
] as const;
