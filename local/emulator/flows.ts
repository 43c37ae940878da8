/**
 * Contact flows: associate and disassociate a number's flow per Region, and DescribeContactFlow.
 */
import { instanceIn, numberIn } from './lookups';
import { Body, ClaimedNumber, FLOW_ARN_RE, GROUP_ARN_RE, Request } from './model';
import { EmulatorState } from './state';
import { fail } from './wire';

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
