/** CloudFormation's DescribeStacks as the engine's functions call it (AWS Query, XML), for their own stack only as IAM allows. */
import type { StackState } from './stack-state';
import type { AuthorizationDecision } from '../emulator/iam';
import type { QueryRequest } from '../emulator/state';

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function error(status: number, code: string, message: string): { status: number; xml: string } {
  return {
    status,
    xml: `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escape(message)}</Message></Error>`
      + '<RequestId>00000000-0000-4000-8000-000000000000</RequestId></ErrorResponse>',
  };
}

/**
 * Answers DescribeStacks for one stack (by name or id) with its status, after the caller's IAM policy
 * allows `cloudformation:DescribeStacks` on the stack's id (a refusal is 403 AccessDenied, as AWS
 * answers). Other CloudFormation actions and other services are not served (undefined).
 */
export function describeStacks(
  req: QueryRequest, stacks: ReadonlyMap<string, StackState>,
  authorize: (r: { accessKeyId: string; action: string; resources: string[] }) => AuthorizationDecision | undefined,
): { status: number; xml: string } | undefined {
  if (req.service !== 'cloudformation' || req.params.get('Action') !== 'DescribeStacks') {
    return undefined;
  }
  const name = req.params.get('StackName') ?? '';
  const st = [...stacks.values()].find(s => s.stackId === name || s.name === name);
  const resource = st?.stackId ?? `arn:aws:cloudformation:${req.region}:000000000000:stack/${name}/*`;
  const decision = req.accessKeyId === undefined ? undefined
    : authorize({ accessKeyId: req.accessKeyId, action: 'cloudformation:DescribeStacks', resources: [resource] });
  if (decision !== undefined && !decision.allowed) {
    return error(403, 'AccessDenied', decision.message);
  }
  if (st === undefined || st.region !== req.region) {
    return error(400, 'ValidationError', `Stack with id ${name} does not exist`);
  }
  return {
    status: 200,
    xml: `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks><member>`
      + `<StackId>${escape(st.stackId)}</StackId><StackName>${escape(st.name)}</StackName>`
      + `<CreationTime>${new Date(0).toISOString()}</CreationTime><StackStatus>${st.status ?? 'CREATE_COMPLETE'}</StackStatus>`
      + '</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ResponseMetadata>'
      + '</DescribeStacksResponse>',
  };
}
