/**
 * The instance and its replica: DescribeInstance, ReplicateInstance, DeleteInstance (of the replica),
 * and cross-Region routing.
 */
import { groupRegions, idempotent, instanceArnIn, instanceIn } from './lookups';
import { ALIAS_RE, Body, INSTANCE_ARN_RE, REGION_RE, REPLICATION_PAIRS, Request } from './model';
import { EmulatorState } from './state';
import { fail } from './wire';

/** connect-api.md: DescribeInstance — Instance and ReplicationConfiguration (timestamps as epoch seconds). */
export function describeInstance(s: EmulatorState, r: Request): Body {
  const instance = instanceIn(s, r.region, r.labels.InstanceId);
  return {
    Instance: {
      Id: s.world.instanceId,
      Arn: instance.arn,
      IdentityManagementType: 'SAML',
      InstanceAlias: instance.isReplica ? s.replicas.get(r.region)?.alias ?? s.world.instanceAlias : s.world.instanceAlias,
      CreatedTime: 1_767_225_600,
      ServiceRole: `arn:aws:iam::${s.world.account}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect`,
      InstanceStatus: 'ACTIVE',
      InboundCallsEnabled: true,
      OutboundCallsEnabled: true,
      InstanceAccessUrl: `https://${s.world.instanceAlias}.my.connect.aws`,
      Tags: {},
    },
    ReplicationConfiguration: s.replicas.size === 0 ? undefined : {
      SourceRegion: s.world.sourceRegion,
      GlobalSignInEndpoint: `https://${s.world.instanceAlias}.global.my.connect.aws`, // form [inferred]
      ReplicationStatusSummaryList: [...s.replicas.values()].map(x => ({
        Region: x.region, ReplicationStatus: x.status, ReplicationStatusReason: x.reason,
      })),
    },
  };
}

/**
 * connect-api.md: Cross-Region routing — GetCrossRegionRouting / UpdateCrossRegionRouting(InstanceId,
 * IsolatedAll). Callable in either Region of a replicated instance, naming the instance of the
 * Region called [inferred]; on an instance that is not replicated: InvalidRequestException
 * [inferred]. Get answers IsolatedRegions: every Region of the instance while IsolatedAll is true,
 * none otherwise [inferred: the reference gives only IsolatedAll's meaning].
 */
export function getCrossRegionRouting(s: EmulatorState, r: Request): Body {
  routedInstance(s, r);
  return { IsolatedRegions: s.isolatedAll ? groupRegions(s) : [] };
}

export function updateCrossRegionRouting(s: EmulatorState, r: Request): Body {
  routedInstance(s, r);
  if (typeof r.body.IsolatedAll !== 'boolean') {
    return fail('InvalidParameterException', 'IsolatedAll is required (true or false).');
  }
  s.isolatedAll = r.body.IsolatedAll;
  return {};
}

function routedInstance(s: EmulatorState, r: Request): void {
  instanceIn(s, r.region, r.labels.InstanceId);
  if (groupRegions(s).length < 2) {
    fail('InvalidRequestException', 'Cross-Region routing needs an instance replicated with Global Resiliency.');
  }
}

/** connect-api.md: ReplicateInstance — preconditions, async replication, creates the default TDG. */
export function replicate(s: EmulatorState, r: Request): Body {
  const instance = instanceIn(s, r.region, r.labels.InstanceId);
  const { ReplicaRegion: replicaRegion, ReplicaAlias: alias, ClientToken: token } = r.body;
  if (typeof replicaRegion !== 'string' || !REGION_RE.test(replicaRegion)) {
    return fail('InvalidRequestException', 'ReplicaRegion is required.');
  }
  // connect-api.md (ReplicateInstance's ReplicaAlias): optional in the SDK model, "currently still a required
  // field" in the admin guide: the harsher reading, required [the error type is inferred].
  if (alias === undefined) {
    return fail('InvalidRequestException', 'ReplicaAlias is required.');
  }
  if (typeof alias !== 'string' || alias.length > 45 || !ALIAS_RE.test(alias)) {
    return fail('InvalidRequestException', 'ReplicaAlias must be 1-45 letters, digits and hyphens.');
  }
  return idempotent(s, 'ReplicateInstance', token, { instance: instance.arn, replicaRegion, alias }, () => {
    if (instance.isReplica) {
      return fail('InvalidRequestException', 'A replica cannot be replicated.');
    }
    if (replicaRegion === instance.region) {
      return fail('InvalidRequestException', 'The replica Region must differ from the source Region.');
    }
    if (!(REPLICATION_PAIRS[instance.region] ?? []).includes(replicaRegion)) {
      return fail('InvalidRequestException', `Replication from ${instance.region} to ${replicaRegion} is not supported.`);
    }
    if (s.replicas.size > 0) {
      return fail('InvalidRequestException', 'The instance is already replicated.');
    }
    if (alias === s.world.instanceAlias) {
      return fail('InvalidRequestException', 'ReplicaAlias must be unique.'); // connect-api.md: "must be unique"
    }
    const reason = s.faults.replication;
    s.faults.replication = undefined;
    s.replicas.set(replicaRegion, {
      region: replicaRegion,
      alias,
      status: 'INSTANCE_REPLICATION_IN_PROGRESS',
      pending: {
        at: Date.now() + s.scaled('replicate'),
        to: reason === undefined ? 'INSTANCE_REPLICATION_COMPLETE' : 'INSTANCE_REPLICATION_FAILED',
        reason,
      },
    });
    // connect-api.md: "→ {Id, Arn} (Id == source instance id)"; the Arn is the replica's [inferred].
    return { Id: s.world.instanceId, Arn: instanceArnIn(s, replicaRegion) };
  });
}

/**
 * DeleteInstance of the replica, from the replica Region: INSTANCE_REPLICA_DELETING, then gone
 * with its default group (connect-api.md: the default TDG "is deleted when the replica is
 * deleted"). Deleting the source instance is not modelled (refused).
 */
export function deleteInstance(s: EmulatorState, r: Request): Body {
  const m = INSTANCE_ARN_RE.exec(r.labels.InstanceId);
  const region = m === null ? r.region : m[1];
  const replica = s.replicas.get(region);
  const id = m === null ? r.labels.InstanceId : m[3];
  if (region !== r.region || region === s.world.sourceRegion || replica === undefined || id !== s.world.instanceId) {
    if (region === s.world.sourceRegion && r.region === s.world.sourceRegion) {
      return fail('InvalidRequestException', 'The emulator does not model deleting the source instance.');
    }
    return fail('ResourceNotFoundException', `Instance not found in ${r.region}: ${r.labels.InstanceId}`);
  }
  if (replica.status === 'INSTANCE_REPLICA_DELETING') {
    return {};
  }
  replica.status = 'INSTANCE_REPLICA_DELETING';
  replica.reason = undefined;
  replica.pending = { at: Date.now() + s.scaled('replicaDelete'), to: 'GONE' };
  return {};
}
