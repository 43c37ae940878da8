/** The checks of a ClaimedPhoneNumber's props at synth: what fails (literal values only), and the warning about flows missing a Region. */
import { Annotations, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { ClaimedPhoneNumberProps } from './props';
import { PHONE_NUMBER_TYPES, REPLICATION_PAIRS } from '../shared/names';
import {
  NumberChoiceProblem, numberChoiceProblem, parseInstanceArn, parseSourcePhoneNumberArn, validateCountryCode, validateFlows, validatePhoneDescription,
  validatePhoneNumber, validatePhoneNumberType, validatePrefix,
} from '../shared/validate';
import { regionOfArn, unresolvedIn } from '../util';

/** The id of the warning about a group number whose flows miss a Region: acknowledge it with `Annotations.of(number).acknowledgeWarning(id)`. */
const FLOWS_MISS_REGION = 'cdk-connect-global-resiliency:flowsMissRegion';

/**
 * Warns when a number on a group has flows that answer it in only one Region of the pair: calls the
 * group routes to the other Region find no flow there (unless a default flow is set up outside).
 */
export function warnIfFlowsMissARegion(scope: IConstruct, stack: Stack, props: ClaimedPhoneNumberProps): void {
  const flows = props.contactFlowArns;
  if (props.target.group === undefined || flows === undefined || unresolvedIn(flows) || flows.length === 0) {
    return;
  }
  const region = regionOfArn(props.target.instanceArn) ?? (Token.isUnresolved(stack.region) ? undefined : stack.region);
  if (region === undefined || REPLICATION_PAIRS[region] === undefined) {
    return;
  }
  const covered = new Set(flows.map(regionOfArn));
  const missing = [region, ...REPLICATION_PAIRS[region]].filter(r => !covered.has(r));
  if (missing.length > 0) {
    Annotations.of(scope).addWarningV2(FLOWS_MISS_REGION, `contactFlowArns has no flow in ${missing.join(' and ')}, a Region of the group `
      + `${props.target.group.node.path} (target): calls the group sends there find no flow for this number. Add the flow of `
      + `${missing.join(' and ')} to contactFlowArns, or, if a default flow answers there, acknowledge this warning: `
      + `Annotations.of(number).acknowledgeWarning('${FLOWS_MISS_REGION}', 'why').`);
  }
}

export function validateProps(stack: Stack, props: ClaimedPhoneNumberProps, removal: RemovalPolicy): void {
  const lit = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);
  const problem = numberChoiceProblem({
    phoneNumber: props.phoneNumber !== undefined,
    countryCode: props.countryCode !== undefined,
    phoneNumberType: props.phoneNumberType !== undefined,
    prefix: props.prefix !== undefined,
    sourcePhoneNumberArn: props.sourcePhoneNumberArn !== undefined,
  });
  if (problem !== undefined) {
    throw new Error(choiceMessage(problem));
  }
  if (props.sourcePhoneNumberArn !== undefined) {
    validateImport(props);
  }
  if (lit(props.phoneNumber)) {
    validatePhoneNumber('phoneNumber', props.phoneNumber);
  }
  if (lit(props.countryCode)) {
    validateCountryCode('countryCode', props.countryCode);
  }
  if (lit(props.phoneNumberType)) {
    validatePhoneNumberType('phoneNumberType', props.phoneNumberType, PHONE_NUMBER_TYPES);
  }
  if (lit(props.prefix)) {
    validatePrefix('prefix', props.prefix, lit(props.countryCode) ? props.countryCode : undefined);
  }
  if (lit(props.description)) {
    validatePhoneDescription('description', props.description);
  }
  if (removal !== RemovalPolicy.RETAIN && removal !== RemovalPolicy.DESTROY) {
    throw new Error(`removalPolicy must be RemovalPolicy.RETAIN or RemovalPolicy.DESTROY; got ${removal}`);
  }

  const target = props.target;
  let targetInfo: { kind: 'instance' | 'group'; instanceId?: string; region?: string } | undefined;
  if (target.group !== undefined) {
    const groupRegion = regionOfArn(target.targetArn) ?? regionOfArn(target.instanceArn);
    if (groupRegion !== undefined && !Token.isUnresolved(stack.region) && groupRegion !== stack.region) {
      throw new Error(`target must be a traffic distribution group in this stack's Region ${stack.region} (numbers are claimed in the group's Region); got a group in ${groupRegion}`);
    }
    targetInfo = {
      kind: 'group',
      instanceId: lit(target.instanceArn) ? parseInstanceArn('target instanceArn', target.instanceArn).id : undefined,
      region: groupRegion ?? (Token.isUnresolved(stack.region) ? undefined : stack.region),
    };
  } else if (lit(target.instanceArn)) {
    const inst = parseInstanceArn('target', target.instanceArn);
    targetInfo = { kind: 'instance', instanceId: inst.id, region: inst.region };
  } else {
    targetInfo = { kind: 'instance' };
  }
  if (props.contactFlowArns !== undefined && !Token.isUnresolved(props.contactFlowArns)) {
    const literal = props.contactFlowArns.filter(a => !Token.isUnresolved(a));
    validateFlows('contactFlowArns', literal, targetInfo);
  }
}

/** What breaks the combination rule, said with the props' names. */
function choiceMessage(p: NumberChoiceProblem): string {
  switch (p.problem) {
    case 'import combined':
      return `sourcePhoneNumberArn cannot be combined with ${p.with.join(', ')}: an imported number is the End User Messaging number itself`;
    case 'number combined':
      return 'phoneNumber cannot be combined with countryCode, phoneNumberType or prefix: give either the exact number, or what to search for';
    case 'none given':
      return 'phoneNumber, or countryCode and phoneNumberType, or sourcePhoneNumberArn must be given: the exact number to claim, what to search for, or the End User Messaging number to import';
    case 'search incomplete':
      return `${p.missing} must be given to search for a number (countryCode and phoneNumberType together), or give phoneNumber to claim exactly that number`;
  }
}

/** An imported number (no claim props: see numberChoiceProblem): an instance target, the source in the instance's Region. */
function validateImport(props: ClaimedPhoneNumberProps): void {
  if (props.target.group !== undefined) {
    throw new Error('sourcePhoneNumberArn needs an instance target (PhoneNumberTarget.instance): ImportPhoneNumber imports a number to an instance, never to a traffic distribution group');
  }
  const instanceArn = props.target.instanceArn;
  const instanceRegion = instanceArn !== undefined && !Token.isUnresolved(instanceArn) ? parseInstanceArn('target', instanceArn).region : undefined;
  if (!Token.isUnresolved(props.sourcePhoneNumberArn!)) {
    parseSourcePhoneNumberArn('sourcePhoneNumberArn', props.sourcePhoneNumberArn, instanceRegion);
  }
}
