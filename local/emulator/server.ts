/**
 * The HTTP side of the emulator: reads a request, finds its operation (wire.ts), checks the Region
 * outage, IAM, the rate limit and injected faults, dispatches to the operation, logs the call and
 * writes the restJson1 answer.
 */
import * as crypto from 'crypto';
import * as http from 'http';
import { injected, throttle } from './faults';
import { associateFlow, describeFlow, disassociateFlow, listFlowAssociations } from './flows';
import {
  associateUser, createGroup, deleteGroup, describeGroup, disassociateUser, getDistribution, listGroups, listUsers, updateDistribution,
} from './groups';
import { accessKeyOf, resourcesOf } from './iam';
import { importPhoneNumber } from './import';
import { deleteInstance, describeInstance, getCrossRegionRouting, replicate, updateCrossRegionRouting } from './instances';
import { Body, Request } from './model';
import { claim, describeNumber, importHost, listNumbers, move, release, search, updateMetadata } from './numbers';
import { EmulatorState } from './state';
import { tag, untag } from './tags';
import { ConnectError, matchRoute, regionOfRequest } from './wire';

export function serve(s: EmulatorState, req: http.IncomingMessage, res: http.ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    if (s.requestGate === undefined) {
      answer(s, req, res, chunks);
    } else {
      // Who sent it (the caller's access key and Region), what and where: the same requests order the same way in every run.
      const auth = req.headers.authorization;
      const key = `${accessKeyOf(auth) ?? ''} ${/Credential=[^/]+\/[^/]+\/([^/]+)\//.exec(auth ?? '')?.[1] ?? ''} ${req.method} ${req.url} ${Buffer.concat(chunks).toString('utf8')}`;
      s.requestGate(key, () => answer(s, req, res, chunks));
    }
  });
}

/** An AWS Query request (a form POST to /, signed for another service than connect): answered by a registered server. */
function answerQuery(s: EmulatorState, req: http.IncomingMessage, res: http.ServerResponse, chunks: Buffer[]): boolean {
  const scope = /Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/.exec(req.headers.authorization ?? '');
  if (req.method !== 'POST' || scope === null || scope[2] === 'connect') {
    return false;
  }
  const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const request = { service: scope[2], region: scope[1], accessKeyId: accessKeyOf(req.headers.authorization), params };
  let out: { status: number; xml: string } | undefined;
  for (const server of s.queryServers) {
    out = out ?? server(request);
  }
  out = out ?? { status: 400, xml: `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>The emulator serves no ${scope[2]} action ${params.get('Action')}.</Message></Error></ErrorResponse>` };
  s.log.push({ operation: `${scope[2]}:${params.get('Action') ?? '?'}`, region: scope[1], status: out.status, at: Date.now() });
  res.writeHead(out.status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(out.xml), 'x-amzn-requestid': crypto.randomUUID(), 'date': new Date().toUTCString() });
  res.end(out.xml);
  return true;
}

function answer(s: EmulatorState, req: http.IncomingMessage, res: http.ServerResponse, chunks: Buffer[]): void {
  if (answerQuery(s, req, res, chunks)) {
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const matched = matchRoute(req.method ?? 'GET', url.pathname);
  const operation = matched?.operation ?? 'UnknownOperation';
  let region = '';
  let status = 200;
  let out: Body = {};
  let errorType: string | undefined;
  try {
    region = regionOfRequest(req.headers.authorization);
    if (matched === undefined) {
      throw new ConnectError(404, 'UnknownOperationException', `The emulator serves no operation at ${req.method} ${url.pathname}.`);
    }
    if (s.downRegions.has(region)) {
      throw new ConnectError(503, 'ServiceUnavailableException', `Region ${region} is unavailable (scripted outage).`);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Body = {};
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ConnectError(400, 'SerializationException', 'The request body is not valid JSON.');
      }
    }
    const request = { region, labels: matched.labels, query: url.searchParams, body };
    authorize(s, accessKeyOf(req.headers.authorization), operation, request);
    injected(s, operation, 'throttle');
    throttle(s, region);
    injected(s, operation, 'admitted');
    s.advance();
    out = dispatch(s, operation, request);
  } catch (e) {
    // A fault of the emulator itself is answered, under its own name, rather than crashing the test process.
    const err = e instanceof ConnectError ? e : new ConnectError(500, 'EmulatorBugException', String((e as Error)?.stack ?? e));
    status = err.status;
    errorType = err.type;
    out = { Message: err.message, message: err.message, ...err.extra };
  }
  s.log.push({ operation, region, status, errorType, at: Date.now() });
  const payload = JSON.stringify(out);
  const headers: http.OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': crypto.randomUUID(),
    // The service's clock, as the SDK reads it to correct its own: this world's time (Node's automatic Date
    // header is the machine's; on the virtual clock the two differ, and the SDK would "correct" a skew that
    // is not there and retry every refused call as if the skew had caused it).
    'date': new Date().toUTCString(),
  };
  if (errorType !== undefined) {
    headers['x-amzn-errortype'] = errorType;
  }
  res.writeHead(status, headers);
  res.end(payload);
}

/**
 * Enforces the caller's IAM policy: an authorizer registered by the local CloudFormation engine
 * decides for the access keys it gave its functions; a refusal is AWS's 403
 * AccessDeniedException (connect-api.md: error shapes). A key no authorizer knows is the
 * test's own client, let through as the account's administrator.
 */
function authorize(s: EmulatorState, accessKeyId: string | undefined, operation: string, r: Request): void {
  if (accessKeyId === undefined || s.authorizers.length === 0) {
    return;
  }
  const request = { accessKeyId, action: `connect:${operation}`, resources: resourcesOf(operation, r, s.world.account) };
  for (const authorizer of s.authorizers) {
    const decision = authorizer(request);
    if (decision !== undefined) {
      if (!decision.allowed) {
        throw new ConnectError(403, 'AccessDeniedException', decision.message);
      }
      return;
    }
  }
}

function dispatch(s: EmulatorState, operation: string, r: Request): Body {
  switch (operation) {
    case 'CreateTrafficDistributionGroup': return createGroup(s, r);
    case 'DescribeTrafficDistributionGroup': return describeGroup(s, r);
    case 'DeleteTrafficDistributionGroup': return deleteGroup(s, r);
    case 'ListTrafficDistributionGroups': return listGroups(s, r);
    case 'AssociateTrafficDistributionGroupUser': return associateUser(s, r);
    case 'DisassociateTrafficDistributionGroupUser': return disassociateUser(s, r);
    case 'ListTrafficDistributionGroupUsers': return listUsers(s, r);
    case 'GetTrafficDistribution': return getDistribution(s, r);
    case 'UpdateTrafficDistribution': return updateDistribution(s, r);
    case 'ClaimPhoneNumber': return claim(s, r);
    case 'ImportPhoneNumber': return importPhoneNumber(importHost(s), r.region, r.body);
    case 'SearchAvailablePhoneNumbers': return search(s, r);
    case 'ListPhoneNumbersV2': return listNumbers(s, r);
    case 'DescribePhoneNumber': return describeNumber(s, r);
    case 'UpdatePhoneNumber': return move(s, r);
    case 'UpdatePhoneNumberMetadata': return updateMetadata(s, r);
    case 'ReleasePhoneNumber': return release(s, r);
    case 'AssociatePhoneNumberContactFlow': return associateFlow(s, r);
    case 'DisassociatePhoneNumberContactFlow': return disassociateFlow(s, r);
    case 'DescribeContactFlow': return describeFlow(s, r);
    case 'ListFlowAssociations': return listFlowAssociations(s, r);
    case 'DescribeInstance': return describeInstance(s, r);
    case 'ReplicateInstance': return replicate(s, r);
    case 'DeleteInstance': return deleteInstance(s, r);
    case 'GetCrossRegionRouting': return getCrossRegionRouting(s, r);
    case 'UpdateCrossRegionRouting': return updateCrossRegionRouting(s, r);
    case 'TagResource': return tag(s, r);
    case 'UntagResource': return untag(s, r);
    default: throw new Error(`no handler for ${operation}`);
  }
}
