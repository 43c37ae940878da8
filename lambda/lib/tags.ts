/** Applying tag changes to a resource: tag what was added or changed, untag what was removed. */
import { TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-connect';
import { connect } from './clients';
import { step } from './errors';

/** Tags what was added or changed, untags what was removed. Used by every resource type that has tags. */
export async function applyTagChanges(
  region: string, arn: string, oldTags: Record<string, string>, newTags: Record<string, string>, what: string,
): Promise<void> {
  // Own keys only: a tag key may be any string, '__proto__' and 'constructor' included.
  const changed = Object.fromEntries(Object.entries(newTags).filter(([k, v]) => !Object.hasOwn(oldTags, k) || oldTags[k] !== v));
  const removed = Object.keys(oldTags).filter(k => !Object.hasOwn(newTags, k));
  if (Object.keys(changed).length > 0) {
    await step(`${what}: TagResource`, () => connect(region).send(new TagResourceCommand({ resourceArn: arn, tags: changed })));
  }
  if (removed.length > 0) {
    await step(`${what}: UntagResource`, () => connect(region).send(new UntagResourceCommand({ resourceArn: arn, tagKeys: removed })));
  }
}
