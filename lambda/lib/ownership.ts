/** The owner record on numbers and groups (issue 24): whose a resource is, read back from its tags. */
import * as crypto from 'crypto';
import { CfnEvent, ownerOf } from './events';
import { ADOPTED_FROM_TAG, ADOPTED_OWNER_TAG, OWNER_TAG, STACK_TAG } from '../../src/shared/names';

/** The stack tag's value: the same for every resource of the stack, different for any other stack. */
export function stackOf(event: Pick<CfnEvent, 'StackId'>): string {
  return crypto.createHash('sha256').update(event.StackId).digest('hex').slice(0, 32);
}

/** The owner record a resource gets when this logical resource claims or creates it. */
export function ownerTags(event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId'>): Record<string, string> {
  return { [OWNER_TAG]: ownerOf(event), [STACK_TAG]: stackOf(event) };
}

/**
 * Whose the resource is, for a Delete of `event`'s logical resource:
 * - `mine`: this logical resource claimed or created it (or a number of before the owner tag: as before);
 * - `adopted`: this logical resource adopted it (it existed before): a Delete puts it back;
 * - `taken-over`: another logical resource adopted it from this one (a refactor): this one lets go;
 * - `another`: another logical resource, stack, or nobody owns it: leave it exactly as it is.
 */
export type Ownership = 'mine' | 'adopted' | 'taken-over' | 'another';

export function ownershipOf(tags: Record<string, string> | undefined, event: Pick<CfnEvent, 'StackId' | 'LogicalResourceId'>): Ownership {
  const me = ownerOf(event);
  const owner = tags?.[OWNER_TAG];
  if (owner === undefined) {
    return 'mine';
  }
  if (owner !== me) {
    return tags?.[ADOPTED_OWNER_TAG] === me ? 'taken-over' : 'another';
  }
  return tags?.[ADOPTED_FROM_TAG] !== undefined ? 'adopted' : 'mine';
}

/** True when the tags say this stack created the resource (a group it may delete, and park numbers off). */
export function ownedByStack(tags: Record<string, string> | undefined, event: Pick<CfnEvent, 'StackId'>): boolean {
  return tags?.[STACK_TAG] === stackOf(event);
}
