/**
 * CloudFormation's own AWS::Connect::PhoneNumber (the L1 `CfnPhoneNumber`), as the local engine
 * runs it: enough to deploy a stack that still has one, against the emulator, and to move it to
 * this library (README: "Moving from the CloudFormation resources").
 *
 * Behaviour, from connect-api.md "1.2 AWS::Connect::PhoneNumber" (the native handler's source and
 * the current resource schema):
 * - Create: with SourcePhoneNumberArn, ImportPhoneNumber(InstanceId = TargetArn); otherwise
 *   SearchAvailablePhoneNumbers(TargetArn, CountryCode, Type, Prefix, MaxResults 10) and
 *   ClaimPhoneNumber of a candidate picked at random, with Description and Tags (no ClientToken: the
 *   SDK makes one per call). Then DescribePhoneNumber every 30 s until CLAIMED, for 10 minutes;
 *   FAILED fails without the status message. No candidate -> NotFound.
 * - Update: Type, CountryCode, Prefix and SourcePhoneNumberArn are create-only (a change replaces
 *   the number: a new one is claimed, and the old one released in the cleanup unless retained);
 *   TargetArn moves it (UpdatePhoneNumber, then wait until the target is the new one); Description
 *   (UpdatePhoneNumberMetadata); tags (UntagResource, TagResource).
 * - Delete: ReleasePhoneNumber, done at once (no wait).
 * - Ref is the number's ARN; attributes PhoneNumberArn and Address (E.164).
 * Scalars arrive as CloudFormation resolves them (not stringified: this is not a custom resource).
 */
import {
  ClaimPhoneNumberCommand, ConnectClient, DescribePhoneNumberCommand, ImportPhoneNumberCommand, PhoneNumberCountryCode,
  PhoneNumberType, ReleasePhoneNumberCommand, SearchAvailablePhoneNumbersCommand, TagResourceCommand, UntagResourceCommand,
  UpdatePhoneNumberCommand, UpdatePhoneNumberMetadataCommand,
} from '@aws-sdk/client-connect';

export const NATIVE_PHONE_NUMBER_TYPE = 'AWS::Connect::PhoneNumber';

/** The native handler's constant backoff and stabilization timeout (connect-api.md: Timing data). */
const POLL_SECONDS = 30;
const STABILIZE_SECONDS = 10 * 60;
const CREATE_ONLY = ['Type', 'CountryCode', 'Prefix', 'SourcePhoneNumberArn'];

export interface NativeOutcome {
  readonly physicalId: string;
  readonly attributes: Record<string, string>;
}

type Props = Record<string, unknown>;

/** Runs AWS::Connect::PhoneNumber against the Connect endpoint the engine's functions use. */
export class NativeConnect {
  private readonly clients = new Map<string, ConnectClient>();

  /** `endpoint`: the emulator; `timeScale` multiplies the native handler's waits. */
  constructor(private readonly endpoint: string | undefined, private readonly timeScale: number) {}

  public handles(type: string): boolean {
    return type === NATIVE_PHONE_NUMBER_TYPE;
  }

  public async create(props: Props): Promise<NativeOutcome> {
    const targetArn = String(props.TargetArn ?? '');
    const connect = this.client(regionOf(targetArn));
    const tags = tagMap(props.Tags);
    let arn: string;
    if (props.SourcePhoneNumberArn !== undefined) {
      const out = await connect.send(new ImportPhoneNumberCommand({
        InstanceId: targetArn,
        SourcePhoneNumberArn: String(props.SourcePhoneNumberArn),
        PhoneNumberDescription: str(props.Description),
        Tags: tags,
      }));
      arn = out.PhoneNumberArn!;
    } else {
      const found = await connect.send(new SearchAvailablePhoneNumbersCommand({
        TargetArn: targetArn,
        PhoneNumberCountryCode: String(props.CountryCode) as PhoneNumberCountryCode,
        PhoneNumberType: String(props.Type) as PhoneNumberType,
        PhoneNumberPrefix: str(props.Prefix),
        MaxResults: 10,
      }));
      const candidates = (found.AvailableNumbersList ?? []).map(n => n.PhoneNumber!);
      if (candidates.length === 0) {
        throw new Error('NotFound: no available phone number matches');
      }
      const pick = candidates[Math.floor(Math.random() * candidates.length)];
      const out = await connect.send(new ClaimPhoneNumberCommand({
        TargetArn: targetArn, PhoneNumber: pick, PhoneNumberDescription: str(props.Description), Tags: tags,
      }));
      arn = out.PhoneNumberArn!;
    }
    const n = await this.stabilize(connect, arn, s => s.Status === 'CLAIMED');
    return { physicalId: arn, attributes: { PhoneNumberArn: arn, Address: n.PhoneNumber ?? '' } };
  }

  /** An update in place, or (a create-only property changed) the new number of a replacement. */
  public async update(physicalId: string, old: Props, props: Props): Promise<NativeOutcome> {
    if (CREATE_ONLY.some(k => JSON.stringify(old[k]) !== JSON.stringify(props[k]))) {
      return this.create(props);
    }
    const connect = this.client(regionOf(physicalId));
    if (old.TargetArn !== props.TargetArn) {
      await connect.send(new UpdatePhoneNumberCommand({ PhoneNumberId: physicalId, TargetArn: String(props.TargetArn) }));
      await this.stabilize(connect, physicalId, (_s, n) => n.TargetArn === props.TargetArn);
    }
    if (old.Description !== props.Description) {
      await connect.send(new UpdatePhoneNumberMetadataCommand({ PhoneNumberId: physicalId, PhoneNumberDescription: str(props.Description) ?? '' }));
      await this.stabilize(connect, physicalId, s => s.Status === 'CLAIMED');
    }
    const before = tagMap(old.Tags) ?? {};
    const after = tagMap(props.Tags) ?? {};
    const removed = Object.keys(before).filter(k => !(k in after));
    if (removed.length > 0) {
      await connect.send(new UntagResourceCommand({ resourceArn: physicalId, tagKeys: removed }));
    }
    if (Object.keys(after).length > 0) {
      await connect.send(new TagResourceCommand({ resourceArn: physicalId, tags: after }));
    }
    const n = (await connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: physicalId }))).ClaimedPhoneNumberSummary!;
    return { physicalId, attributes: { PhoneNumberArn: physicalId, Address: n.PhoneNumber ?? '' } };
  }

  public async delete(physicalId: string): Promise<void> {
    try {
      await this.client(regionOf(physicalId)).send(new ReleasePhoneNumberCommand({ PhoneNumberId: physicalId }));
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException') {
        throw e;
      }
    }
  }

  private async stabilize(
    connect: ConnectClient, arn: string,
    done: (status: { Status?: string }, n: { TargetArn?: string }) => boolean,
  ): Promise<{ PhoneNumber?: string }> {
    const stopAt = Date.now() + STABILIZE_SECONDS * 1000 * this.timeScale;
    for (;;) {
      await new Promise(r => setTimeout(r, POLL_SECONDS * 1000 * this.timeScale));
      const n = (await connect.send(new DescribePhoneNumberCommand({ PhoneNumberId: arn }))).ClaimedPhoneNumberSummary!;
      const status = n.PhoneNumberStatus ?? {};
      if (status.Status === 'FAILED') {
        throw new Error(`NotStabilized: phone number ${arn} is FAILED`);
      }
      if (done(status, n)) {
        return n;
      }
      if (Date.now() > stopAt) {
        throw new Error(`NotStabilized: phone number ${arn} did not stabilize in ${STABILIZE_SECONDS} s`);
      }
    }
  }

  private client(region: string): ConnectClient {
    let c = this.clients.get(region);
    if (c === undefined) {
      c = new ConnectClient({
        region,
        endpoint: this.endpoint,
        credentials: { accessKeyId: 'AKIALOCALENGINE', secretAccessKey: 'local' },
      });
      this.clients.set(region, c);
    }
    return c;
  }
}

function regionOf(arn: string): string {
  return arn.split(':')[3] ?? 'us-east-1';
}

function str(v: unknown): string | undefined {
  return v === undefined ? undefined : String(v);
}

/** CloudFormation's tag list ([{Key, Value}]) as the API's map. */
function tagMap(tags: unknown): Record<string, string> | undefined {
  if (!Array.isArray(tags) || tags.length === 0) {
    return undefined;
  }
  return Object.fromEntries(tags.map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
}
