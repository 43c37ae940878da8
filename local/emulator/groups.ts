/**
 * Traffic distribution groups: create, describe, delete and list them, their split
 * (Get/UpdateTrafficDistribution) and their users.
 */
import { groupIn, groupRegions, idempotent, instanceIn, validateTags } from './lookups';
import { Body, Group, NAME_RE, Request, Split } from './model';
import { EmulatorState } from './state';
import { fail, offsetOf, pageToken } from './wire';
import { uuidFor } from '../clock/virtual-clock';

/** connect-api.md: CreateTrafficDistributionGroup. */
export function createGroup(s: EmulatorState, r: Request): Body {
  const { Name: name, Description: description, InstanceId: instanceId, ClientToken: token } = r.body;
  if (typeof name !== 'string' || name.length < 1 || name.length > 128 || !NAME_RE.test(name)) {
    return fail('InvalidRequestException', 'Name must be 1-128 characters, not starting or ending with whitespace.');
  }
  if (description !== undefined && (typeof description !== 'string' || description.length < 1 || description.length > 250 || !NAME_RE.test(description))) {
    return fail('InvalidRequestException', 'Description must be 1-250 characters, not starting or ending with whitespace.');
  }
  const tags = validateTags(r.body.Tags, 'InvalidRequestException');
  const instance = instanceIn(s, r.region, instanceId);
  return idempotent(s, 'CreateTrafficDistributionGroup', token, { name, description, instance: instance.arn, tags }, () => {
    // connect-api.md: "Must be called in the source region ... on an instance that has been replicated; otherwise InvalidRequestException".
    if (instance.isReplica) {
      return fail('InvalidRequestException', 'Traffic distribution groups can be created only in the source Region of the instance.');
    }
    if (s.replicas.size === 0 || [...s.replicas.values()].every(x => x.status === 'INSTANCE_REPLICATION_FAILED')) {
      return fail('InvalidRequestException', 'The instance has not been replicated: call ReplicateInstance first.');
    }
    if (groupRegions(s).length < 2) {
      // connect-api.md: "ResourceNotReady 409 (instance/replica not ready)".
      return fail('ResourceNotReadyException', 'The replica of the instance is not ready yet.');
    }
    // connect-api.md: "ResourceConflict 409 ('A resource already has that name' → duplicate name)"; a group
    // still being deleted keeps its name until it is gone [inferred].
    if ([...s.groupsById.values()].some(g => g.name === name)) {
      return fail('ResourceConflictException', `A resource already has that name: ${name}`);
    }
    const id = uuidFor(`emulator group ${name}`);
    const arn = `arn:aws:connect:${s.world.sourceRegion}:${s.world.account}:traffic-distribution-group/${id}`;
    const [source, replica] = groupRegions(s);
    const failed = s.faults.groupCreation !== undefined;
    s.faults.groupCreation = undefined;
    s.groupsById.set(id, {
      id,
      arn,
      name,
      description,
      region: s.world.sourceRegion,
      isDefault: false,
      status: 'CREATION_IN_PROGRESS',
      tags,
      users: new Set(),
      // connect-api.md: GetTrafficDistribution — "Default distribution after creating a TDG: 100 % source / 0 % replica".
      split: { telephony: { [source]: 100, [replica]: 0 }, agent: { [source]: 100, [replica]: 0 }, signIn: {} },
      // connect-api.md: "Status starts CREATION_IN_PROGRESS, poll ... until ACTIVE or CREATION_FAILED".
      pending: { at: Date.now() + s.scaled('groupCreate'), to: failed ? 'CREATION_FAILED' : 'ACTIVE' },
    });
    return { Id: id, Arn: arn };
  });
}

/** connect-api.md: DescribeTrafficDistributionGroup. */
export function describeGroup(s: EmulatorState, r: Request): Body {
  const g = groupIn(s, r.region, r.labels.TrafficDistributionGroupId);
  return {
    TrafficDistributionGroup: {
      Id: g.id,
      Arn: g.arn,
      Name: g.name,
      Description: g.description,
      InstanceArn: s.world.instanceArn,
      Status: g.status,
      Tags: g.tags,
      IsDefault: g.isDefault,
    },
  };
}

/** connect-api.md: DeleteTrafficDistributionGroup. */
export function deleteGroup(s: EmulatorState, r: Request): Body {
  const g = groupIn(s, r.region, r.labels.TrafficDistributionGroupId, true);
  if (g.isDefault) {
    // connect-api.md: "The default TDG cannot be deleted by this API ... expect InvalidRequestException".
    return fail('InvalidRequestException', 'The default traffic distribution group cannot be deleted: it is deleted with the replica.');
  }
  if (g.status === 'PENDING_DELETION') {
    return {}; // already being deleted [inferred: idempotent]
  }
  if (g.status === 'CREATION_IN_PROGRESS' || g.status === 'UPDATE_IN_PROGRESS') {
    return fail('InvalidRequestException', `The traffic distribution group is ${g.status}; delete it once that has finished.`); // [inferred]
  }
  // connect-api.md: "ResourceInUseException (409, body {Message, ResourceType, ResourceId}) if phone numbers are still claimed to it";
  // a number moving onto the group counts too [inferred].
  const onIt = [...s.numbersById.values()].filter(n => n.status !== 'FAILED' && (n.targetArn === g.arn || n.pending?.targetArn === g.arn));
  if (onIt.length > 0) {
    return fail('ResourceInUseException',
      `You must first release phone numbers claimed to the traffic distribution group by using ReleasePhoneNumber (${onIt.map(n => n.phoneNumber).join(', ')}).`,
      { ResourceType: 'PHONE_NUMBER', ResourceId: onIt[0].id });
  }
  const failed = s.faults.groupDeletion === true;
  s.faults.groupDeletion = undefined;
  // connect-api.md: "Async: 200 with empty body, then PENDING_DELETION until Describe → 404; DELETION_FAILED possible".
  g.status = 'PENDING_DELETION';
  g.pending = { at: Date.now() + s.scaled('groupDelete'), to: failed ? 'DELETION_FAILED' : 'GONE' };
  return {};
}

/** connect-api.md: ListTrafficDistributionGroups (maxResults 1-10, nextToken, instanceId). */
export function listGroups(s: EmulatorState, r: Request): Body {
  const max = r.query.get('maxResults') === null ? 10 : Number(r.query.get('maxResults'));
  if (!Number.isInteger(max) || max < 1 || max > 10) {
    return fail('InvalidRequestException', 'maxResults must be 1-10.');
  }
  const instanceId = r.query.get('instanceId');
  let all: Group[];
  if (instanceId !== null) {
    instanceIn(s, r.region, instanceId);
    all = [...s.groupsById.values()];
  } else {
    all = [...s.groupsById.values()].filter(g => g.region === r.region);
  }
  const start = offsetOf(r.query.get('nextToken') ?? undefined, 'InvalidRequestException');
  const page = all.slice(start, start + max);
  return {
    TrafficDistributionGroupSummaryList: page.map(g => ({
      Id: g.id, Arn: g.arn, Name: g.name, InstanceArn: s.world.instanceArn, Status: g.status, IsDefault: g.isDefault,
    })),
    NextToken: start + max < all.length ? pageToken(start + max) : undefined,
  };
}

// ------------------------------------------------------------------ distribution

/** connect-api.md: GetTrafficDistribution — "Get/UpdateTrafficDistribution only when Status is ACTIVE". */
export function getDistribution(s: EmulatorState, r: Request): Body {
  const g = groupIn(s, r.region, r.labels.Id);
  if (g.status !== 'ACTIVE') {
    return fail('InvalidRequestException', `The traffic distribution group is ${g.status}, not ACTIVE.`); // error type [inferred]
  }
  const pct = (m: Record<string, number>) => ({ Distributions: Object.entries(m).map(([Region, Percentage]) => ({ Region, Percentage })) });
  return {
    Id: g.id,
    Arn: g.arn,
    TelephonyConfig: pct(g.split.telephony),
    AgentConfig: pct(g.split.agent),
    SignInConfig: g.isDefault ? { Distributions: Object.entries(g.split.signIn).map(([Region, Enabled]) => ({ Region, Enabled })) } : undefined,
  };
}

/** connect-api.md: UpdateTrafficDistribution — the rules under "fails with InvalidRequestException unless". */
export function updateDistribution(s: EmulatorState, r: Request): Body {
  const g = groupIn(s, r.region, r.labels.Id);
  if (g.status === 'UPDATE_IN_PROGRESS') {
    // connect-api.md: "ResourceConflict 409 (e.g. concurrent update / UPDATE_IN_PROGRESS — [inferred])".
    return fail('ResourceConflictException', 'The previous UpdateTrafficDistribution operation is still in progress.');
  }
  if (g.status !== 'ACTIVE') {
    return fail('InvalidRequestException', `The traffic distribution group is ${g.status}, not ACTIVE.`);
  }
  const regions = groupRegions(s);
  const { TelephonyConfig: telephony, AgentConfig: agent, SignInConfig: signIn } = r.body;
  if (telephony === undefined) {
    return fail('InvalidRequestException', 'TelephonyConfig is required.');
  }
  const percentages = (what: string, config: any): Record<string, number> => {
    const list = distributionList(what, config, regions);
    const out: Record<string, number> = {};
    for (const d of list) {
      if (!Number.isInteger(d.Percentage) || d.Percentage < 0 || d.Percentage > 100 || d.Percentage % 10 !== 0) {
        return fail('InvalidRequestException', `${what}: percentages must be integers 0-100 in 10 % increments.`);
      }
      out[d.Region] = d.Percentage;
    }
    if (Object.values(out).reduce((a, b) => a + b, 0) !== 100) {
      return fail('InvalidRequestException', `${what}: percentages must sum to 100.`);
    }
    return out;
  };
  const next: Split = { telephony: percentages('TelephonyConfig', telephony), agent: { ...g.split.agent }, signIn: { ...g.split.signIn } };
  if (agent !== undefined) {
    next.agent = percentages('AgentConfig', agent);
  }
  if (signIn !== undefined) {
    if (!g.isDefault) {
      return fail('InvalidRequestException', 'SignInConfig can be changed only on the default traffic distribution group.');
    }
    const list = distributionList('SignInConfig', signIn, regions);
    if (list.some(d => typeof d.Enabled !== 'boolean')) {
      return fail('InvalidRequestException', 'SignInConfig: Enabled must be a boolean.');
    }
    next.signIn = Object.fromEntries(list.map(d => [d.Region, d.Enabled]));
  }
  // connect-api.md: UPDATE_IN_PROGRESS "the previous UpdateTrafficDistribution operation is still in progress";
  // the new split shows once the group is ACTIVE again [inferred].
  g.status = 'UPDATE_IN_PROGRESS';
  g.pending = { at: Date.now() + s.scaled('groupUpdate'), to: 'ACTIVE', split: next };
  return {};
}

/** connect-api.md: "distributions specified for both linked instances' regions" (exactly those, once each). */
function distributionList(what: string, config: any, regions: string[]): any[] {
  const list = config?.Distributions;
  if (!Array.isArray(list)) {
    return fail('InvalidRequestException', `${what}.Distributions is required.`);
  }
  const named = list.map((d: any) => d?.Region);
  if (named.length !== regions.length || new Set(named).size !== named.length || !regions.every(x => named.includes(x))) {
    return fail('InvalidRequestException', `${what}: give exactly the Regions of the instance and its replica (${regions.join(', ')}).`);
  }
  return list;
}

// ------------------------------------------------------------------ group users

/**
 * SDK doc of AssociateTrafficDistributionGroupUser: "can be called only in the Region where the
 * traffic distribution group is created". The user must exist in the group's instance
 * (ResourceNotFound); a group being created or deleted answers ResourceConflict (in the SDK's error
 * list for this operation) [inferred]; associating twice is accepted [inferred].
 */
export function associateUser(s: EmulatorState, r: Request): Body {
  const { g, userId } = userTarget(s, r, r.body.UserId, r.body.InstanceId);
  if (g.status !== 'ACTIVE' && g.status !== 'UPDATE_IN_PROGRESS') {
    return fail('ResourceConflictException', `The traffic distribution group is ${g.status}.`);
  }
  g.users.add(userId);
  return {};
}

/** Disassociating a user who is not associated → ResourceNotFound [inferred]. */
export function disassociateUser(s: EmulatorState, r: Request): Body {
  const { g, userId } = userTarget(s, r, r.query.get('UserId'), r.query.get('InstanceId'));
  if (!g.users.delete(userId)) {
    return fail('ResourceNotFoundException', `User ${userId} is not associated with the traffic distribution group.`);
  }
  return {};
}

function userTarget(s: EmulatorState, r: Request, userId: unknown, instanceId: unknown): { g: Group; userId: string } {
  const g = groupIn(s, r.region, r.labels.TrafficDistributionGroupId, true);
  if (typeof userId !== 'string' || userId === '') {
    return fail('InvalidRequestException', 'UserId is required.');
  }
  // The group's Region is the source Region, so this is the group's instance (or not found).
  instanceIn(s, r.region, instanceId);
  if (!s.world.userIds.includes(userId)) {
    return fail('ResourceNotFoundException', `User not found: ${userId}`);
  }
  return { g, userId };
}

export function listUsers(s: EmulatorState, r: Request): Body {
  const g = groupIn(s, r.region, r.labels.TrafficDistributionGroupId);
  return { TrafficDistributionGroupUserSummaryList: [...g.users].map(UserId => ({ UserId })) };
}
