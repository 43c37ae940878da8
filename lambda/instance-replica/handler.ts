/** The InstanceReplica handler: onEvent and isComplete of an Amazon Connect instance's replica in the paired Region. */
import {
  DeleteInstanceCommand, DescribeInstanceCommand, DescribeInstanceCommandOutput, ListTrafficDistributionGroupsCommand,
  ReplicateInstanceCommand,
} from '@aws-sdk/client-connect';
import { DEADLINE_FIELD, Deadlines, defaultReplicaAlias, REPLICATION_PAIRS, ReplicaAttrs, ReplicaProps } from '../../src/shared/names';
import { INSTANCE_ARN_PATTERN, parseInstanceArn, parseRemovalPolicy, validateReplicaAlias, validateReplicaRegion } from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { deadlineFrom } from '../lib/deadlines';
import { errorName, isNotFound, step, unlessNotFound, UserError } from '../lib/errors';
import { CfnEvent, clientToken, IsCompleteResult, OnEventResult, WaitEvent } from '../lib/events';
import { log } from '../lib/log';
import { pollInline, pollUntilSettled } from '../lib/poll';

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
      return { PhysicalResourceId: replicaArn(spec), [DEADLINE_FIELD]: deadline, ...(started ? { [STARTED_FIELD]: true } : {}) };
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
      return { PhysicalResourceId: replicaArn(spec), [DEADLINE_FIELD]: deadline };
    }
    case 'Delete': {
      if (!INSTANCE_ARN_PATTERN.test(event.PhysicalResourceId)) {
        return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
      }
      let spec: ReplicaSpec;
      try {
        spec = parseReplicaSpec(event, event.ResourceProperties);
      } catch {
        return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
      }
      if (spec.removal === 'destroy') {
        await step(`${what}: DeleteInstance (${event.PhysicalResourceId})`, async () => {
          try {
            await connect(spec.replicaRegion).send(new DeleteInstanceCommand({ InstanceId: event.PhysicalResourceId, ClientToken: clientToken(event, 'delete-replica') }));
            log('INFO', 'deleting replica', { arn: event.PhysicalResourceId });
          } catch (e) {
            if (!isNotFound(e)) {
              throw e;
            }
          }
        });
      } else {
        log('INFO', 'retaining replica', { arn: event.PhysicalResourceId });
      }
      return { PhysicalResourceId: event.PhysicalResourceId, [DEADLINE_FIELD]: deadline };
    }
  }
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
    if (spec.removal !== 'destroy' || !INSTANCE_ARN_PATTERN.test(event.PhysicalResourceId)) {
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
