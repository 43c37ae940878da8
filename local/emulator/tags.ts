/**
 * TagResource and UntagResource, on groups and phone numbers.
 */
import { groupIn, numberIn, validateTags } from './lookups';
import { Body, GROUP_ARN_RE, NUMBER_ARN_RE, Request } from './model';
import { EmulatorState } from './state';
import { fail } from './wire';

function taggable(s: EmulatorState, r: Request): { tags: Record<string, string> } {
  const arn = r.labels.resourceArn;
  if (GROUP_ARN_RE.test(arn)) {
    return groupIn(s, r.region, arn);
  }
  if (NUMBER_ARN_RE.test(arn)) {
    return numberIn(s, r.region, arn);
  }
  return fail('ResourceNotFoundException', `No taggable resource ${arn} (the emulator tags groups and phone numbers).`);
}

/** connect-api.md: TagResource — POST /tags/{resourceArn}, body `tags`; at most 50 tags per resource. */
export function tag(s: EmulatorState, r: Request): Body {
  const resource = taggable(s, r);
  const tags = validateTags(r.body.tags, 'InvalidParameterException');
  if (Object.keys(tags).length === 0) {
    return fail('InvalidParameterException', 'tags is required.');
  }
  const merged = { ...resource.tags, ...tags };
  if (Object.keys(merged).length > 50) {
    return fail('InvalidParameterException', 'A resource has at most 50 tags.');
  }
  resource.tags = merged;
  return {};
}

/** connect-api.md: UntagResource — DELETE /tags/{resourceArn}?tagKeys=a&tagKeys=b. */
export function untag(s: EmulatorState, r: Request): Body {
  const resource = taggable(s, r);
  const keys = r.query.getAll('tagKeys');
  if (keys.length === 0) {
    return fail('InvalidParameterException', 'tagKeys is required.');
  }
  const rest = { ...resource.tags };
  keys.forEach(k => delete rest[k]);
  resource.tags = rest;
  return {};
}
