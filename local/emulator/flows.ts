/**
 * Contact flows: associate and disassociate a number's flow per Region, list them, and DescribeContactFlow.
 */
import { instanceIn, liveReplica, numberIn } from './lookups';
import { Body, ClaimedNumber, FLOW_ARN_RE, GROUP_ARN_RE, Request } from './model';
import { EmulatorState } from './state';
import { fail, offsetOf, pageToken } from './wire';

/**
 * connect-api.md: AssociatePhoneNumberContactFlow — "TDG numbers: association must be done in both
 * regions (source instance and replica) with each region's flow; from the replica region
 * PhoneNumberId must be the ARN". The flow must exist in the calling Region (ResourceNotFound); the
 * number must be CLAIMED and the instance one the number serves (InvalidParameter) [inferred].
 */
export function associateFlow(s: EmulatorState, r: Request): Body {
  const n = numberIn(s, r.region, r.labels.PhoneNumberId);
  const instance = servingInstance(s, r, n, r.body.InstanceId);
  const flowId = r.body.ContactFlowId;
  if (typeof flowId !== 'string' || flowId === '') {
    return fail('InvalidParameterException', 'ContactFlowId is required.');
  }
  const fm = FLOW_ARN_RE.exec(flowId);
  const id = fm === null ? flowId : fm[4];
  if (!s.world.flowIds.includes(id) || fm !== null && (fm[1] !== r.region || fm[3] !== s.world.instanceId)) {
    return fail('ResourceNotFoundException', `Contact flow not found in ${instance.arn}: ${flowId}`);
  }
  if (n.status !== 'CLAIMED' || n.pending !== undefined) {
    return fail('InvalidParameterException', `Phone number ${n.phoneNumber} is ${n.status}: associate a flow once it is CLAIMED.`);
  }
  n.flows[r.region] = s.world.flowArn(r.region, id);
  return {};
}

/**
 * DescribeContactFlow (GET /contact-flows/{InstanceId}/{ContactFlowId}; Amazon Connect API
 * Reference, DescribeContactFlow; the path as @aws-sdk/client-connect serializes it): the flow of
 * the instance in the calling Region, or ResourceNotFound. Every seeded flow exists in both
 * Regions (the replica keeps the instance's flows) and is published, so ContactFlowNotPublished
 * is not modelled. Only the fields the handlers may read are returned.
 */
export function describeFlow(s: EmulatorState, r: Request): Body {
  const instance = instanceIn(s, r.region, r.labels.InstanceId);
  const id = r.labels.ContactFlowId;
  if (!s.world.flowIds.includes(id)) {
    return fail('ResourceNotFoundException', `Contact flow not found in ${instance.arn}: ${id}`);
  }
  return { ContactFlow: { Arn: s.world.flowArn(r.region, id), Id: id, Name: `flow-${id.slice(0, 8)}`, Type: 'CONTACT_FLOW', State: 'ACTIVE', Status: 'PUBLISHED' } };
}

/** Disassociating where no flow is associated → ResourceNotFound [inferred]. */
export function disassociateFlow(s: EmulatorState, r: Request): Body {
  const n = numberIn(s, r.region, r.labels.PhoneNumberId);
  servingInstance(s, r, n, r.query.get('instanceId'));
  if (n.flows[r.region] === undefined) {
    return fail('ResourceNotFoundException', `No contact flow is associated with ${n.phoneNumber} in ${r.region}.`);
  }
  delete n.flows[r.region];
  return {};
}

function servingInstance(s: EmulatorState, r: Request, n: ClaimedNumber, instanceId: unknown): { arn: string } {
  const instance = instanceIn(s, r.region, instanceId);
  const serves = GROUP_ARN_RE.test(n.targetArn) || n.targetArn === instance.arn;
  if (!serves) {
    return fail('InvalidParameterException', `Phone number ${n.phoneNumber} is not claimed to ${instance.arn}.`);
  }
  return instance;
}

/**
 * connect-api.md: AssociatePhoneNumberContactFlow, "read back with ListFlowAssociations(ResourceType=
 * VOICE_PHONE_NUMBER)"; Wire format: GET /flow-associations-summary/{InstanceId}, query ResourceType,
 * nextToken, maxResults (1-1000). The associations of the numbers the instance of the calling Region
 * serves (its own, and group numbers from either Region of the pair), in that Region. [inferred] The
 * reference gives neither the identifiers' form nor the default page size: ResourceId is the number's
 * ARN and FlowId the flow's ARN (readers should accept ids as well), 100 a page; a ResourceType other
 * than VOICE_PHONE_NUMBER lists nothing here (no other kind of resource is modelled).
 */
export function listFlowAssociations(s: EmulatorState, r: Request): Body {
  const instance = instanceIn(s, r.region, r.labels.InstanceId);
  const type = r.query.get('ResourceType');
  const max = r.query.get('maxResults') === null ? 100 : Number(r.query.get('maxResults'));
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    return fail('InvalidParameterException', 'maxResults must be 1-1000.');
  }
  const all = type !== null && type !== 'VOICE_PHONE_NUMBER' ? [] : [...s.numbersById.values()]
    .filter(n => n.status !== 'FAILED' && n.flows[r.region] !== undefined)
    .filter(n => n.targetArn === instance.arn || GROUP_ARN_RE.test(n.targetArn) && (n.region === r.region || liveReplica(s, r.region) !== undefined))
    .sort((a, b) => a.arn.localeCompare(b.arn));
  const start = offsetOf(r.query.get('nextToken') ?? undefined, 'InvalidParameterException');
  return {
    FlowAssociationSummaryList: all.slice(start, start + max).map(n => ({ ResourceId: n.arn, FlowId: n.flows[r.region], ResourceType: 'VOICE_PHONE_NUMBER' })),
    NextToken: start + max < all.length ? pageToken(start + max) : undefined,
  };
}
