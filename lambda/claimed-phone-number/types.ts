/** The shape of a phone number as the template declares it, shared by the claim's and the import's parsers (spec.ts, import.ts). */
import { ParsedFlowArn, ParsedTarget } from '../../src/shared/validate';

/** A number as declared in the template, checked again (the construct skipped tokens). */
export interface NumberSpec {
  readonly targetArn: string;
  readonly target: ParsedTarget;
  readonly phoneNumber?: string;
  readonly countryCode?: string;
  readonly type?: string;
  readonly prefix?: string;
  readonly description?: string;
  readonly flows: (ParsedFlowArn & { arn: string })[];
  readonly removal: 'retain' | 'destroy';
  readonly tags: Record<string, string>;
}
