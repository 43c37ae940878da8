/**
 * Numbers imported from AWS End User Messaging SMS (ImportPhoneNumber) instead of claimed: the
 * parts that differ from a claim. spec.ts and claim.ts dispatch here when the properties carry a
 * SourcePhoneNumberArn; the wait until CLAIMED, the flows, in-place updates and deletion are the
 * same as for any number and stay in the other modules of this folder.
 *
 * connect-api.md (ImportPhoneNumber): POST /phone-number/import with InstanceId,
 * SourcePhoneNumberArn, PhoneNumberDescription, Tags, ClientToken; callable only in the
 * instance's Region; the outcome is read with DescribePhoneNumber (IN_PROGRESS -> CLAIMED |
 * FAILED with a message). No group target.
 */
import {
  ImportPhoneNumberCommand, ListPhoneNumbersSummary, TagResourceCommand, UpdatePhoneNumberCommand,
  UpdatePhoneNumberMetadataCommand,
} from '@aws-sdk/client-connect';
import { findNumber } from './number-lookup';
import { CHOICE_KEYS, choiceGiven, NumberSpec } from './types';
import { PhoneProps } from '../../src/shared/names';
import {
  numberChoiceProblem, parseRemovalPolicy, parseSourcePhoneNumberArn, parseTargetArn, validateFlows, validatePhoneDescription, validateTags,
} from '../../src/shared/validate';
import { connect } from '../lib/clients';
import { errorName, step, userError, UserError } from '../lib/errors';
import { CfnEvent, clientToken } from '../lib/events';
import { log } from '../lib/log';

/** A number to import: the common spec, and the End User Messaging number it comes from. */
export interface ImportedNumberSpec extends NumberSpec {
  readonly sourcePhoneNumberArn: string;
}

/** True when the properties declare an imported number. */
export function isImported(props: Record<string, unknown> | undefined): boolean {
  const v = props?.[PhoneProps.SOURCE_PHONE_NUMBER_ARN];
  return v !== undefined && v !== '';
}

export function isImportedSpec(spec: NumberSpec): spec is ImportedNumberSpec {
  return typeof (spec as Partial<ImportedNumberSpec>).sourcePhoneNumberArn === 'string';
}

/** Checks the properties of an imported number again (the construct skipped tokens). */
export function parseImportedSpec(event: Pick<CfnEvent, 'LogicalResourceId'>, props: Record<string, unknown>): ImportedNumberSpec {
  try {
    const present = (k: string) => props[k] !== undefined && props[k] !== '';
    const problem = numberChoiceProblem(choiceGiven(props));
    if (problem?.problem === 'import combined') {
      throw new Error(`${PhoneProps.SOURCE_PHONE_NUMBER_ARN} cannot be combined with ${problem.with.map(k => CHOICE_KEYS[k]).join(', ')}`);
    }
    const target = parseTargetArn(PhoneProps.TARGET_ARN, props[PhoneProps.TARGET_ARN]);
    if (target.kind !== 'instance') {
      throw new Error(`${PhoneProps.SOURCE_PHONE_NUMBER_ARN} needs an instance as ${PhoneProps.TARGET_ARN}: ImportPhoneNumber has no traffic distribution group target`);
    }
    const source = props[PhoneProps.SOURCE_PHONE_NUMBER_ARN] as string;
    parseSourcePhoneNumberArn(PhoneProps.SOURCE_PHONE_NUMBER_ARN, source, target.region);
    const rawFlows = props[PhoneProps.CONTACT_FLOW_ARNS];
    const flows = validateFlows(PhoneProps.CONTACT_FLOW_ARNS, rawFlows === '' ? undefined : rawFlows,
      { kind: 'instance', instanceId: target.id, region: target.region })
      .map((f, i) => ({ ...f, arn: (rawFlows as string[])[i] }));
    return {
      targetArn: props[PhoneProps.TARGET_ARN] as string,
      target,
      sourcePhoneNumberArn: source,
      description: present(PhoneProps.DESCRIPTION) ? validatePhoneDescription(PhoneProps.DESCRIPTION, props[PhoneProps.DESCRIPTION]) : undefined,
      flows,
      removal: parseRemovalPolicy(PhoneProps.REMOVAL_POLICY, props[PhoneProps.REMOVAL_POLICY]),
      tags: validateTags(PhoneProps.TAGS, props[PhoneProps.TAGS]),
    };
  } catch (e) {
    throw new UserError(`Phone number ${event.LogicalResourceId}: invalid property: ${(e as Error).message}`);
  }
}

/** True when the number held is the one these (imported) properties declare. */
export function meetsImported(n: { SourcePhoneNumberArn?: string }, props: Record<string, unknown>): boolean {
  return n.SourcePhoneNumberArn !== undefined && n.SourcePhoneNumberArn === props[PhoneProps.SOURCE_PHONE_NUMBER_ARN];
}

function label(event: Pick<CfnEvent, 'LogicalResourceId'>, spec: ImportedNumberSpec): string {
  return `Phone number ${event.LogicalResourceId} (imported from ${spec.sourcePhoneNumberArn})`;
}

/**
 * The number this account already imported from the source, in the instance's Region (any
 * target), found by ListPhoneNumbersV2's SourcePhoneNumberArn.
 */
async function findImported(region: string, source: string): Promise<ListPhoneNumbersSummary | undefined> {
  return findNumber(region, { MaxResults: 1000 }, n => n.SourcePhoneNumberArn === source);
}

/**
 * Imports the number and returns its ARN. A number this account already imported from the same
 * source (an earlier delivery of this event, a failed deployment, a retained number of a deleted
 * stack) is taken back (moved to the target if it is elsewhere, its description and tags set),
 * never imported twice.
 */
export async function importNumber(event: CfnEvent, spec: ImportedNumberSpec): Promise<string> {
  const region = spec.target.region;
  const what = label(event, spec);
  const held = await step(`${what}: ListPhoneNumbersV2`, () => findImported(region, spec.sourcePhoneNumberArn));
  if (held !== undefined) {
    const arn = held.PhoneNumberArn!;
    if (held.TargetArn !== spec.targetArn) {
      await step(`${what}: UpdatePhoneNumber (take back from ${held.TargetArn})`, () => connect(region).send(new UpdatePhoneNumberCommand({
        PhoneNumberId: arn, TargetArn: spec.targetArn, ClientToken: clientToken(event, 'import-take-back'),
      })));
    } else if ((held.PhoneNumberDescription ?? '') !== (spec.description ?? '')) {
      // A move and a metadata update cannot overlap (the number is IN_PROGRESS during either):
      // the description of a number taken back from elsewhere is left as it is.
      await step(`${what}: UpdatePhoneNumberMetadata`, () => connect(region).send(new UpdatePhoneNumberMetadataCommand({
        PhoneNumberId: arn, PhoneNumberDescription: spec.description ?? '', ClientToken: clientToken(event, 'import-take-back-metadata'),
      })));
    }
    if (Object.keys(spec.tags).length > 0) {
      await step(`${what}: TagResource`, () => connect(region).send(new TagResourceCommand({ resourceArn: arn, tags: spec.tags })));
    }
    log('INFO', 'took back a number this account already imported', { arn, source: spec.sourcePhoneNumberArn, from: held.TargetArn });
    return arn;
  }
  try {
    const out = await connect(region).send(new ImportPhoneNumberCommand({
      InstanceId: spec.targetArn,
      SourcePhoneNumberArn: spec.sourcePhoneNumberArn,
      PhoneNumberDescription: spec.description,
      Tags: Object.keys(spec.tags).length > 0 ? spec.tags : undefined,
      ClientToken: clientToken(event, 'import'),
    }));
    log('INFO', 'importing phone number', { logicalId: event.LogicalResourceId, arn: out.PhoneNumberArn, source: spec.sourcePhoneNumberArn });
    return out.PhoneNumberArn!;
  } catch (e) {
    if (errorName(e) === 'ResourceNotFoundException') {
      throw new UserError(`${what}: ImportPhoneNumber failed: ${(e as Error).message}. The source number or the instance does not exist in ${region}: `
        + 'check that the ARN names a number this account holds in AWS End User Messaging SMS, in the instance\'s Region.');
    }
    if (errorName(e) === 'InvalidParameterException') {
      throw new UserError(`${what}: ImportPhoneNumber refused it: ${(e as Error).message}. Check the source number (its Region must be the instance's; `
        + 'a number imported by another account, or released from Amazon Connect lately, cannot be imported), then deploy again.');
    }
    throw userError(`${what}: ImportPhoneNumber`, e);
  }
}
