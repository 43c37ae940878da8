/**
 * ImportPhoneNumber, and the AWS End User Messaging SMS numbers it imports from.
 *
 * connect-api.md (ImportPhoneNumber): POST /phone-number/import, body InstanceId (required),
 * SourcePhoneNumberArn (required), PhoneNumberDescription (0-500), Tags, ClientToken (<= 500);
 * returns PhoneNumberId and PhoneNumberArn; the outcome is read with DescribePhoneNumber
 * (IN_PROGRESS -> CLAIMED | FAILED with a message); callable only in the instance's Region;
 * errors InvalidParameter, ResourceNotFound, Throttling, InternalService, Idempotency,
 * AccessDenied. No group target. What the reference leaves open is marked [inferred], with the
 * harsher reading chosen (local/emulator/README.md lists each).
 */
import { SEED, SourceNumber, sourceNumbersOf } from './seed';
import { fail } from './wire';
import { uuidFor } from '../clock/virtual-clock';

export type { SourceNumber } from './seed';

/**
 * The End User Messaging catalogue of the SEED account (`sourceNumbersOf(SEED)`); an emulator
 * started with another world holds its own (`EmulatorWorld.sourceNumbers`).
 */
export const SOURCE_NUMBERS: ReadonlyArray<SourceNumber> = sourceNumbersOf(SEED);

/** A number of End User Messaging held by another account (its ARN names that account). */
export const FOREIGN_SOURCE_NUMBER_ARN = 'arn:aws:sms-voice:us-east-1:444455556666:phone-number/phone-0123456789abcdef0123456789abcde9';

const SOURCE_ARN_RE = /^arn:(?:aws|aws-us-gov):sms-voice:([a-z]{2}-[a-z-]+-[0-9]):([0-9]{12}):phone-number\/([A-Za-z0-9_-]+)$/;

/** What the import needs of the emulator (its state and its shared rules). */
export interface ImportHost {
  /** The emulated account and its End User Messaging numbers (the emulator's world). */
  readonly world: { readonly account: string; readonly sourceNumbers: ReadonlyArray<SourceNumber> };
  /** The instance an InstanceId names in the calling Region (ResourceNotFound otherwise). */
  instanceIn(region: string, idOrArn: unknown): { arn: string };
  validateTags(tags: unknown): Record<string, string>;
  idempotent(token: unknown, params: unknown, run: () => Record<string, any>): Record<string, any>;
  /** The source ARNs of the numbers this account holds in Connect now (any status but FAILED). */
  importedSources(): string[];
  /** Source ARNs released from Connect, and until when they cannot be imported again. */
  releasedSources(): Map<string, number>;
  /** E.164 addresses this account holds in Connect now (claimed or imported). */
  heldNumbers(): string[];
  /** Adds the imported number, IN_PROGRESS until `at`, then CLAIMED or FAILED (+message). */
  addImported(n: {
    id: string;
    arn: string;
    region: string;
    phoneNumber: string;
    countryCode: string;
    type: string;
    description?: string;
    targetArn: string;
    tags: Record<string, string>;
    sourcePhoneNumberArn: string;
  }): void;
}

/** connect-api.md: ImportPhoneNumber. */
export function importPhoneNumber(host: ImportHost, region: string, body: Record<string, any>): Record<string, any> {
  const { InstanceId: instanceId, SourcePhoneNumberArn: source, PhoneNumberDescription: description, ClientToken: token } = body;
  if (typeof instanceId !== 'string' || instanceId.length < 1 || instanceId.length > 100) {
    return fail('InvalidParameterException', 'InstanceId is required (1-100 characters, or an instance ARN).');
  }
  if (typeof source !== 'string' || source === '') {
    return fail('InvalidParameterException', 'SourcePhoneNumberArn is required.');
  }
  if (description !== undefined && (typeof description !== 'string' || description.length > 500)) {
    return fail('InvalidParameterException', 'PhoneNumberDescription must be at most 500 characters.');
  }
  // connect-api.md: ImportPhoneNumber — ClientToken "≤ 500"; any string [the UUID form is ClaimPhoneNumber's rule].
  if (token !== undefined && (typeof token !== 'string' || token.length > 500)) {
    return fail('InvalidParameterException', 'ClientToken must be at most 500 characters.');
  }
  const tags = host.validateTags(body.Tags);
  // "You can call this API only in the same AWS Region where the Amazon Connect instance was created":
  // from another Region the instance is not found (as for every instance operation here).
  const instance = host.instanceIn(region, instanceId);
  return host.idempotent(token, { instance: instance.arn, source, description, tags }, () => {
    const m = SOURCE_ARN_RE.exec(source);
    if (m === null) {
      return fail('InvalidParameterException', `SourcePhoneNumberArn is not an AWS End User Messaging phone number ARN: ${source}`);
    }
    // The number must be in the instance's Region [inferred: the API imports within one Region].
    if (m[1] !== region) {
      return fail('InvalidParameterException', `The source phone number is in ${m[1]}; import it into an instance of that Region.`);
    }
    const number = host.world.sourceNumbers.find(n => n.arn === source);
    if (m[2] !== host.world.account || number === undefined) {
      // Another account's number, or none: not found [inferred: the caller cannot see it].
      return fail('ResourceNotFoundException', `Phone number not found in AWS End User Messaging: ${source}`);
    }
    // Already imported by this account [inferred: InvalidParameterException; the reference names no conflict error].
    if (host.importedSources().includes(source) || host.heldNumbers().includes(number.phoneNumber)) {
      return fail('InvalidParameterException', `Phone number ${number.phoneNumber} is already imported into Amazon Connect.`);
    }
    // Released from Connect: the reference does not say where it goes [inferred, harsher: it cannot be imported again for the cool-down].
    const until = host.releasedSources().get(source);
    if (until !== undefined && until > Date.now()) {
      return fail('InvalidParameterException', `Phone number ${number.phoneNumber} was released from Amazon Connect and cannot be imported again yet.`);
    }
    const id = uuidFor(`emulator phone-number ${number.phoneNumber}`);
    const arn = `arn:aws:connect:${region}:${host.world.account}:phone-number/${id}`;
    host.addImported({
      id,
      arn,
      region,
      phoneNumber: number.phoneNumber,
      countryCode: number.countryCode,
      type: number.type,
      description,
      targetArn: instance.arn,
      tags,
      sourcePhoneNumberArn: source,
    });
    return { PhoneNumberId: id, PhoneNumberArn: arn };
  });
}
