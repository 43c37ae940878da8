/** The InstanceReplica handler: onEvent and isComplete of an Amazon Connect instance's replica in the paired Region. */
import {
  DeleteInstanceCommand, DescribeInstanceCommand, DescribeInstanceCommandOutput, ListTrafficDistributionGroupsCommand,
  ReplicateInstanceCommand,
} from '@aws-sdk/client-connect';
import {
  ADOPTED_REPLICA_SUFFIX, DEADLINE_FIELD, Deadlines, defaultReplicaAlias, REPLICATION_PAIRS, ReplicaAttrs, ReplicaProps,
} from '../../src/shared/names';
import { INSTANCE_ARN_PATTERN, parseInstanceArn, parseRemovalPolicy, validateReplicaAlias, validateReplicaRegion } from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { deadlineFrom } from '../lib/deadlines';
import { errorName, isNotFound, step, unlessNotFound, UserError } from '../lib/errors';
import { CfnEvent, clientToken, IsCompleteResult, OnEventResult, WaitEvent } from '../lib/events';
import { log } from '../lib/log';
import { pollInline, pollUntilSettled } from '../lib/poll';
import { stackRollingBack } from '../lib/stack-status';

interface ReplicaSpec {
  readonly instanceArn: string;
  readonly sourceRegion: string;
  readonly account: string;
  readonly instanceId: string;
  readonly replicaRegion: string;
  /** Always set: the declared alias, or (a template of an earlier release that sent none) the default one. */
  readonly alias: string;
  readonly removal: 'retain' | 'destroy';
}

export function parseReplicaSpec(event: Pick<CfnEvent, 'LogicalResourceId'>, props: Record<string, unknown>): ReplicaSpec {
  try {
    const source = parseInstanceArn(ReplicaProps.INSTANCE_ARN, props[ReplicaProps.INSTANCE_ARN]);
    const replicaRegion = validateReplicaRegion(ReplicaProps.REPLICA_REGION, props[ReplicaProps.REPLICA_REGION], source.region, REPLICATION_PAIRS);
    const aliasRaw = props[ReplicaProps.REPLICA_ALIAS];
    return {
      instanceArn: props[ReplicaProps.INSTANCE_ARN] as string,
      sourceRegion: source.region,
      account: source.account,
      instanceId: source.id,
      replicaRegion,
      // connect-api.md (ReplicateInstance's ReplicaAlias): "currently still a required field": always send one.
      alias: aliasRaw === undefined || aliasRaw === ''
        ? defaultReplicaAlias(source.id, replicaRegion)
        : validateReplicaAlias(ReplicaProps.REPLICA_ALIAS, aliasRaw),
      removal: parseRemovalPolicy(ReplicaProps.REMOVAL_POLICY, props[ReplicaProps.REMOVAL_POLICY]),
    };
  } catch (e) {
    throw new UserError(`Instance replica ${event.LogicalResourceId}: invalid property: ${(e as Error).message}`);
  }
}

function replicaArn(spec: ReplicaSpec): string {
  // The replica keeps the source instance's id, in the replica Region (connect-api.md: Identifiers).
  const partition = spec.instanceArn.split(':')[1];
  return `arn:${partition}:connect:${spec.replicaRegion}:${spec.account}:instance/${spec.instanceId}`;
}

function label(event: Pick<CfnEvent, 'LogicalResourceId'>): string {
  return `Instance replica ${event.LogicalResourceId}`;
}

/**
 * The physical id says who made the replica (issue 24): the plain replica ARN when this resource
 * replicated the instance (every physical id before this release reads so, as it did), the ARN and
 * ADOPTED_REPLICA_SUFFIX when it adopted a replica that existed before. Undefined: no replica ARN.
 */
export function parsePhysicalId(physicalId: string | undefined): { arn: string; adopted: boolean } | undefined {
  const adopted = physicalId?.endsWith(ADOPTED_REPLICA_SUFFIX) === true;
  const arn = adopted ? physicalId!.slice(0, -ADOPTED_REPLICA_SUFFIX.length) : physicalId ?? '';
  return INSTANCE_ARN_PATTERN.test(arn) ? { arn, adopted } : undefined;
}

async function describeSource(spec: ReplicaSpec, what: string): Promise<DescribeInstanceCommandOutput | undefined> {
  return step(`${what}: DescribeInstance`, () => unlessNotFound(connect(spec.sourceRegion).send(new DescribeInstanceCommand({ InstanceId: spec.instanceArn }))));
}

function replicationStatus(out: DescribeInstanceCommandOutput | undefined, region: string) {
  return out?.ReplicationConfiguration?.ReplicationStatusSummaryList?.find(s => s.Region === region);
}

/** Set by onEvent when this request started the replication (rather than adopting one). */
const STARTED_FIELD = 'ConnectReplicationStarted';

/**
 * A replication that ended INSTANCE_REPLICATION_FAILED is no usable replica, whatever the removal
 * policy, and it blocks every later try (an instance has one replica). If this request started
 * it, delete it and wait inline until it is gone; otherwise say exactly what to do.
 */
async function failedReplication(event: WaitEvent, spec: ReplicaSpec, what: string, reason: string): Promise<Error> {
  const failed = `${what}: replication to ${spec.replicaRegion} failed: ${reason}.`;
  const byHand = `Delete the failed replica (DeleteInstance ${replicaArn(spec)}, called in ${spec.replicaRegion}), wait until DescribeInstance `
    + `of ${spec.instanceArn} no longer lists ${spec.replicaRegion}, fix the cause, then deploy again.`;
  if (event[STARTED_FIELD] !== true) {
    return new UserError(`${failed} This replica was not started by this deployment, so it is left as it is. ${byHand}`);
  }
  try {
    const gone = await pollInline(async () => {
      const status = replicationStatus(await describeSource(spec, what), spec.replicaRegion);
      if (status === undefined) {
        return true;
      }
      if (status.ReplicationStatus === 'INSTANCE_REPLICATION_DELETION_FAILED') {
        return false;
      }
      if (status.ReplicationStatus !== 'INSTANCE_REPLICA_DELETING') {
        try {
          await connect(spec.replicaRegion).send(new DeleteInstanceCommand({ InstanceId: replicaArn(spec), ClientToken: clientToken(event, 'delete-failed-replica') }));
          log('INFO', 'deleting the failed replica', { arn: replicaArn(spec) });
        } catch (e) {
          if (!isNotFound(e)) {
            throw e;
          }
        }
      }
      return undefined;
    });
    if (gone === true) {
      return new UserError(`${failed} The failed replica was deleted (it is no usable replica), so nothing is left behind: fix the cause, then deploy again.`);
    }
    return new UserError(`${failed} Deleting the failed replica ${gone === false ? 'failed' : 'has not finished yet'}. ${byHand}`);
  } catch (e) {
    return new UserError(`${failed} The failed replica could not be deleted (${errorName(e)}). ${byHand}`);
  }
}

export async function onEvent(event: CfnEvent): Promise<OnEventResult> {
  const deadline = deadlineFrom(Deadlines.INSTANCE_REPLICA_SECONDS);
  const what = label(event);
  switch (event.RequestType) {
    case 'Create': {
      const spec = parseReplicaSpec(event, event.ResourceProperties);
      let started = true;
      await step(`${what}: ReplicateInstance (${spec.instanceArn} to ${spec.replicaRegion})`, async () => {
        try {
          await connect(spec.sourceRegion).send(new ReplicateInstanceCommand({
            InstanceId: spec.instanceArn, ReplicaRegion: spec.replicaRegion, ReplicaAlias: spec.alias, ClientToken: clientToken(event, 'replicate'),
          }));
        } catch (e) {
          // Already replicated to this Region (an earlier delivery, or by hand): adopt it.
          if (errorName(e) === 'InvalidRequestException' || errorName(e) === 'ResourceConflictException') {
            const status = replicationStatus(await describeSource(spec, what), spec.replicaRegion);
            if (status !== undefined) {
              log('INFO', 'instance already replicated to this Region: adopting the replica', { region: spec.replicaRegion, status: status.ReplicationStatus });
              started = false;
              return;
            }
            throw new UserError(`${what}: Amazon Connect refused to replicate ${spec.instanceArn} to ${spec.replicaRegion} (${errorName(e)}: ${(e as Error).message}). `
              + 'The instance must be ACTIVE, have an alias and SAML identity management, not be replicated elsewhere, and the account must have Global Resiliency enabled.');
          }
          throw e;
        }
      });
      // A re-delivered Create reads the same: ReplicateInstance with the same ClientToken answers as it did
      // (started); a replica that existed before refuses every delivery alike (adopted).
      return {
        PhysicalResourceId: started ? replicaArn(spec) : replicaArn(spec) + ADOPTED_REPLICA_SUFFIX,
        [DEADLINE_FIELD]: deadline,
        ...(started ? { [STARTED_FIELD]: true } : {}),
      };
    }
    case 'Update': {
      const spec = parseReplicaSpec(event, event.ResourceProperties);
      const old = event.OldResourceProperties;
      const changed = [ReplicaProps.INSTANCE_ARN, ReplicaProps.REPLICA_REGION, ReplicaProps.REPLICA_ALIAS]
        .filter(k => (old[k] ?? '') !== ((event.ResourceProperties as Record<string, unknown>)[k] ?? ''))
        // A template of an earlier release sent no alias; this release sends one (the default, or
        // the one now declared). The alias is used only by ReplicateInstance: the replica keeps the
        // alias it has, and the resource is updated in place, never replaced.
        .filter(k => k !== ReplicaProps.REPLICA_ALIAS || (old[k] ?? '') !== '');
      if (changed.length === 0 && (old[ReplicaProps.REPLICA_ALIAS] ?? '') === '') {
        log('INFO', 'the template now carries a replica alias; the replica keeps the alias it was created with', { alias: spec.alias });
      }
      if (changed.length > 0) {
        // An instance has one replica: a new one cannot be made before the old one is deleted.
        throw new UserError(`${what}: ${changed.join(', ')} cannot change: an instance has one replica, and a new one cannot be created `
          + 'before the old one is deleted. Remove the InstanceReplica from the stack (with removalPolicy DESTROY to delete the replica), deploy, then add it back.');
      }
      // The same physical id (adopted or not): a changed one would make CloudFormation delete the old one.
      return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
    }
    case 'Delete':
      return startDelete(event, deadline);
  }
}

/** Set by a Delete's onEvent when it called DeleteInstance: isComplete waits until the replica is gone. */
const DELETING_FIELD = 'ConnectReplicaDeleting';

/**
 * A Delete deletes the replica only when the removal policy is DESTROY and the replica is this
 * resource's to delete: one it replicated, or one it adopted that the user now removes from the stack
 * that owned it. The rollback of the deployment that adopted it (or a stack status that cannot be
 * read) leaves an adopted replica, and its default group, exactly as they were.
 */
async function startDelete(event: CfnEvent, deadline: number): Promise<OnEventResult> {
  const what = label(event);
  const done = { PhysicalResourceId: event.PhysicalResourceId!, [DEADLINE_FIELD]: deadline };
  const id = parsePhysicalId(event.PhysicalResourceId);
  if (id === undefined) {
    return done;
  }
  let spec: ReplicaSpec;
  try {
    spec = parseReplicaSpec(event, event.ResourceProperties);
  } catch {
    return done;
  }
  if (spec.removal !== 'destroy') {
    log('INFO', 'retaining replica', { arn: id.arn });
    return done;
  }
  if (id.adopted && await stackRollingBack(event) !== false) {
    log('INFO', 'leaving a replica that existed before this resource adopted it: the rollback of the adopting deployment deletes nothing', { arn: id.arn });
    return done;
  }
  await step(`${what}: DeleteInstance (${id.arn})`, async () => {
    try {
      await connect(spec.replicaRegion).send(new DeleteInstanceCommand({ InstanceId: id.arn, ClientToken: clientToken(event, 'delete-replica') }));
      log('INFO', 'deleting replica', { arn: id.arn, adopted: id.adopted });
    } catch (e) {
      if (!isNotFound(e)) {
        throw e;
      }
    }
  });
  return { ...done, [DELETING_FIELD]: true };
}

export async function isComplete(event: WaitEvent): Promise<IsCompleteResult> {
  const what = `${label(event)} (${event.PhysicalResourceId})`;
  let spec: ReplicaSpec;
  try {
    spec = parseReplicaSpec(event, event.ResourceProperties);
  } catch (e) {
    if (event.RequestType === 'Delete') {
      return { IsComplete: true };
    }
    throw e;
  }
  if (event.RequestType === 'Delete') {
    const id = parsePhysicalId(event.PhysicalResourceId);
    // An adopted replica is waited for only when onEvent deleted it (it leaves one in a rollback).
    if (spec.removal !== 'destroy' || id === undefined || id.adopted && event[DELETING_FIELD] !== true) {
      return { IsComplete: true };
    }
    const gone = await pollUntilSettled(event, async seen => {
      const status = replicationStatus(await describeSource(spec, what), spec.replicaRegion);
      seen(`Deletion of ${what}`, status?.ReplicationStatus ?? 'gone');
      if (status === undefined) {
        return true;
      }
      if (status.ReplicationStatus === 'INSTANCE_REPLICATION_DELETION_FAILED') {
        throw new UserError(`${what}: deleting the replica failed: ${status.ReplicationStatusReason ?? 'no reason given'}.`);
      }
      return undefined;
    });
    return { IsComplete: gone === true };
  }

  const data = await pollUntilSettled(event, async seen => {
    const status = replicationStatus(await describeSource(spec, what), spec.replicaRegion);
    seen(what, status?.ReplicationStatus ?? 'not started');
    switch (status?.ReplicationStatus) {
      case 'INSTANCE_REPLICATION_COMPLETE':
        break;
      case 'INSTANCE_REPLICATION_FAILED':
        throw await failedReplication(event, spec, what, status.ReplicationStatusReason ?? 'no reason given');
      case 'INSTANCE_REPLICA_DELETING':
      case 'INSTANCE_REPLICATION_DELETION_FAILED':
        throw new UserError(`${what}: the replica is being deleted (${status.ReplicationStatus}), outside this deployment.`);
      default:
        return undefined;
    }
    const groups = await step(`${what}: ListTrafficDistributionGroups`, () => connect(spec.sourceRegion).send(new ListTrafficDistributionGroupsCommand({
      InstanceId: spec.instanceArn, MaxResults: 10,
    })));
    const def = (groups.TrafficDistributionGroupSummaryList ?? []).find(g => g.IsDefault);
    if (def?.Arn === undefined) {
      return undefined; // the default group appears with the replica
    }
    return {
      [ReplicaAttrs.SOURCE_INSTANCE_ARN]: spec.instanceArn,
      [ReplicaAttrs.REPLICA_INSTANCE_ARN]: replicaArn(spec),
      [ReplicaAttrs.DEFAULT_GROUP_ARN]: def.Arn,
      [ReplicaAttrs.DEFAULT_GROUP_ID]: def.Id ?? def.Arn.slice(def.Arn.lastIndexOf('/') + 1),
    };
  });
  return data === undefined ? { IsComplete: false } : { IsComplete: true, Data: data };
}
