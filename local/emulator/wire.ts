/**
 * The restJson1 wire details of the emulated service: errors as the SDK parses them, the caller's
 * Region from the SigV4 credential scope, the routing table, and the throttling token bucket.
 */

/**
 * An error answered to the caller.
 * connect-api.md (Wire format, error shapes): status per type, `x-amzn-ErrorType` header, JSON body
 * with `Message` (the SDK also reads lowercase `message`), extra members (ResourceType, ResourceId)
 * mapped onto the exception.
 */
export class ConnectError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** connect-api.md error table: HTTP status of each error type. */
const STATUS: Record<string, number> = {
  AccessDeniedException: 403,
  InvalidRequestException: 400,
  InvalidParameterException: 400,
  ResourceNotFoundException: 404,
  ResourceConflictException: 409,
  ResourceNotReadyException: 409,
  ResourceInUseException: 409,
  IdempotencyException: 409,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  InternalServiceException: 500,
};

export type ErrorType = keyof typeof STATUS;

export function fail(type: ErrorType, message: string, extra: Record<string, string> = {}): never {
  throw new ConnectError(STATUS[type], type, message, extra);
}

/**
 * The Region of a request, from `Credential=<key>/<date>/<region>/connect/aws4_request`.
 * connect-api.md: signing is SigV4 (service `connect`); signatures are not verified. A missing or
 * garbled header is answered with the generic AWS 403 errors (not in connect-api.md: AWS's common
 * `MissingAuthenticationTokenException` / `IncompleteSignatureException`).
 */
export function regionOfRequest(authorization: string | undefined): string {
  if (authorization === undefined || authorization === '') {
    throw new ConnectError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token: the emulator needs a SigV4 Authorization header (it reads the Region from its credential scope).');
  }
  const m = /Credential=[^/,\s]+\/\d{8}\/([a-z]{2}(?:-[a-z]+){1,2}-\d)\/connect\/aws4_request/.exec(authorization);
  if (m === null) {
    throw new ConnectError(403, 'IncompleteSignatureException', 'Authorization header has no credential scope of the form Credential=<key>/<date>/<region>/connect/aws4_request.');
  }
  return m[1];
}

/** One operation of the routing table: method, path template, and the labels it binds. */
export interface Route {
  readonly operation: string;
  readonly method: string;
  readonly path: string;
}

/** connect-api.md (Wire format table): method and path of each operation the emulator serves. */
export const ROUTES: ReadonlyArray<Route> = [
  { operation: 'CreateTrafficDistributionGroup', method: 'PUT', path: '/traffic-distribution-group' },
  { operation: 'DescribeTrafficDistributionGroup', method: 'GET', path: '/traffic-distribution-group/{TrafficDistributionGroupId}' },
  { operation: 'DeleteTrafficDistributionGroup', method: 'DELETE', path: '/traffic-distribution-group/{TrafficDistributionGroupId}' },
  { operation: 'AssociateTrafficDistributionGroupUser', method: 'PUT', path: '/traffic-distribution-group/{TrafficDistributionGroupId}/user' },
  { operation: 'DisassociateTrafficDistributionGroupUser', method: 'DELETE', path: '/traffic-distribution-group/{TrafficDistributionGroupId}/user' },
  { operation: 'ListTrafficDistributionGroupUsers', method: 'GET', path: '/traffic-distribution-group/{TrafficDistributionGroupId}/user' },
  { operation: 'ListTrafficDistributionGroups', method: 'GET', path: '/traffic-distribution-groups' },
  { operation: 'GetTrafficDistribution', method: 'GET', path: '/traffic-distribution/{Id}' },
  { operation: 'UpdateTrafficDistribution', method: 'PUT', path: '/traffic-distribution/{Id}' },
  { operation: 'GetCrossRegionRouting', method: 'GET', path: '/cross-region-routing/{InstanceId}' },
  { operation: 'UpdateCrossRegionRouting', method: 'PUT', path: '/cross-region-routing/{InstanceId}' },
  { operation: 'ClaimPhoneNumber', method: 'POST', path: '/phone-number/claim' },
  { operation: 'ImportPhoneNumber', method: 'POST', path: '/phone-number/import' },
  { operation: 'SearchAvailablePhoneNumbers', method: 'POST', path: '/phone-number/search-available' },
  { operation: 'ListPhoneNumbersV2', method: 'POST', path: '/phone-number/list' },
  { operation: 'DescribePhoneNumber', method: 'GET', path: '/phone-number/{PhoneNumberId}' },
  { operation: 'UpdatePhoneNumber', method: 'PUT', path: '/phone-number/{PhoneNumberId}' },
  { operation: 'ReleasePhoneNumber', method: 'DELETE', path: '/phone-number/{PhoneNumberId}' },
  { operation: 'UpdatePhoneNumberMetadata', method: 'PUT', path: '/phone-number/{PhoneNumberId}/metadata' },
  { operation: 'AssociatePhoneNumberContactFlow', method: 'PUT', path: '/phone-number/{PhoneNumberId}/contact-flow' },
  { operation: 'DisassociatePhoneNumberContactFlow', method: 'DELETE', path: '/phone-number/{PhoneNumberId}/contact-flow' },
  { operation: 'ListFlowAssociations', method: 'GET', path: '/flow-associations-summary/{InstanceId}' },
  { operation: 'DescribeContactFlow', method: 'GET', path: '/contact-flows/{InstanceId}/{ContactFlowId}' },
  { operation: 'DescribeInstance', method: 'GET', path: '/instance/{InstanceId}' },
  { operation: 'DeleteInstance', method: 'DELETE', path: '/instance/{InstanceId}' },
  { operation: 'ReplicateInstance', method: 'POST', path: '/instance/{InstanceId}/replicate' },
  { operation: 'TagResource', method: 'POST', path: '/tags/{resourceArn}' },
  { operation: 'UntagResource', method: 'DELETE', path: '/tags/{resourceArn}' },
];

/** The operation a request names, and its path labels decoded. */
export interface Matched {
  readonly operation: string;
  readonly labels: Record<string, string>;
}

/**
 * Matches a request against ROUTES. Segments are split before decoding: the SDK URL-encodes ARNs
 * in path labels, slashes included (connect-api.md: "an emulator must decode").
 */
export function matchRoute(method: string, rawPath: string): Matched | undefined {
  const segments = rawPath.split('/').slice(1);
  for (const route of ROUTES) {
    if (route.method !== method) {
      continue;
    }
    const template = route.path.split('/').slice(1);
    if (template.length !== segments.length) {
      continue;
    }
    const labels: Record<string, string> = {};
    const ok = template.every((t, i) => {
      if (t.startsWith('{')) {
        try {
          labels[t.slice(1, -1)] = decodeURIComponent(segments[i]);
        } catch {
          return false;
        }
        return segments[i] !== '';
      }
      return t === segments[i];
    });
    if (ok) {
      return { operation: route.operation, labels };
    }
  }
  return undefined;
}

/**
 * A token bucket: `burst` tokens, refilled at `perSecond` per second of emulated time.
 * connect-api.md (Rate limits): "RateLimit of 2 requests per second, and a BurstLimit of 5",
 * per account per Region, shared by every operation.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly perMs: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    if (this.tokens < 1) {
      return false;
    }
    this.tokens -= 1;
    return true;
  }
}

/** An opaque pagination token over a list position. Any other value is rejected. */
export function pageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

export function offsetOf(token: string | undefined, invalid: ErrorType): number {
  if (token === undefined || token === '') {
    return 0;
  }
  try {
    const o = JSON.parse(Buffer.from(token, 'base64').toString('utf8')).offset;
    if (Number.isInteger(o) && o >= 0) {
      return o;
    }
  } catch {
    // answered below
  }
  return fail(invalid, 'The NextToken is not valid.');
}
