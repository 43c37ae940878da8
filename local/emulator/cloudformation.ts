/**
 * CloudFormation's DescribeStacks, served beside Connect on the emulator's endpoint for the handlers
 * (AWS_ENDPOINT_URL_CLOUDFORMATION): a Delete reads its stack's status to tell a rollback from a
 * removal. The awsQuery protocol: a form-encoded POST to `/`, answered in XML. The stacks are the
 * local engine's, which registers itself (ConnectEmulator.setStackSource).
 */
import type * as http from 'http';

/** The status of a stack by its name or id, undefined when no such stack exists. */
export type StackSource = (nameOrId: string) => { stackId: string; name: string; status: string } | undefined;

/** True when the request is a CloudFormation (awsQuery) call rather than a Connect one. */
export function isCloudFormationRequest(req: http.IncomingMessage): boolean {
  return req.method === 'POST' && (req.url ?? '/').split('?')[0] === '/'
    && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

const escape = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Answers a CloudFormation call: DescribeStacks of the stack named (ValidationError "Stack with id X
 * does not exist" otherwise, as CloudFormation does); any other action is refused. `authorize` checks
 * the caller's policy for `cloudformation:<Action>` on the stack's ARN and returns a refusal message.
 */
export function answerCloudFormation(
  body: string, source: StackSource | undefined, authorize: (action: string, resource: string) => string | undefined,
): { status: number; xml: string } {
  const params = new URLSearchParams(body);
  const action = params.get('Action') ?? '';
  const error = (status: number, code: string, message: string) => ({
    status,
    xml: `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>${code}</Code>`
      + `<Message>${escape(message)}</Message></Error><RequestId>emulated</RequestId></ErrorResponse>`,
  });
  if (action !== 'DescribeStacks') {
    return error(400, 'InvalidAction', `The emulator serves no CloudFormation action ${action}.`);
  }
  const name = params.get('StackName') ?? '';
  const stack = source?.(name);
  const denied = authorize(`cloudformation:${action}`, stack?.stackId ?? name);
  if (denied !== undefined) {
    return error(403, 'AccessDenied', denied);
  }
  if (stack === undefined) {
    return error(400, 'ValidationError', `Stack with id ${name} does not exist`);
  }
  return {
    status: 200,
    xml: '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>'
      + `<StackId>${escape(stack.stackId)}</StackId><StackName>${escape(stack.name)}</StackName>`
      + `<CreationTime>${new Date(0).toISOString()}</CreationTime><StackStatus>${stack.status}</StackStatus>`
      + '</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>emulated</RequestId></ResponseMetadata></DescribeStacksResponse>',
  };
}
