/** The lanes of a stack's ClaimedPhoneNumbers: how many CloudFormation creates or deletes at once. */
import { CustomResource, Stack } from 'aws-cdk-lib';

/**
 * How many numbers of one stack CloudFormation works on at once. Every call of every number shares
 * Amazon Connect's 2 requests/s per account and Region, and each concurrent Lambda invocation
 * retries on its own: with hundreds of numbers started at once, each would wait minutes for its
 * few calls (longer than onEvent's timeout), and numbers searched side by side would race for the
 * same candidates. Ten lanes keep the shared budget busy (measured: bench/scale.ts) with few
 * waiting calls.
 */
const CONCURRENT_NUMBERS = 10;
const numbersOfStack = new WeakMap<Stack, CustomResource[]>();

/**
 * Number i of a stack depends on number i - CONCURRENT_NUMBERS (in construct order, so the same
 * template on every synth): at most that many are created, or deleted (in reverse), at once.
 */
export function chainInLanes(stack: Stack, resource: CustomResource): void {
  const numbers = numbersOfStack.get(stack) ?? [];
  numbersOfStack.set(stack, numbers);
  if (numbers.length >= CONCURRENT_NUMBERS) {
    resource.node.addDependency(numbers[numbers.length - CONCURRENT_NUMBERS]);
  }
  numbers.push(resource);
}
