/**
 * What every request goes through: the Region from the SigV4 credential scope, routing (unknown
 * operations), the token bucket per account and Region, injected errors, and the call log.
 */
import * as http from 'http';
import { ConnectClient, DescribeInstanceCommand, ListInstancesCommand, ListTrafficDistributionGroupsCommand } from '@aws-sdk/client-connect';
import { clientFor, failure, sleep, useVirtualClock } from './helpers';
import { ConnectEmulator, EmulatorOptions, SEED } from '../../local/emulator';

useVirtualClock();

let emulator: ConnectEmulator;
const clients: ConnectClient[] = [];

async function start(options: EmulatorOptions) {
  emulator = await ConnectEmulator.start(options);
}

function client(region: string = SEED.sourceRegion, maxAttempts = 1): ConnectClient {
  const c = clientFor(emulator, region, maxAttempts);
  clients.push(c);
  return c;
}

afterEach(async () => {
  clients.splice(0).forEach(c => c.destroy());
  await emulator.stop();
});

/** A raw request, for what the SDK would never send. */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; errorType?: string; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${emulator.endpoint}${path}`, { method: 'GET', headers }, res => {
      let text = '';
      res.on('data', c => text += c);
      res.on('end', () => resolve({ status: res.statusCode!, errorType: res.headers['x-amzn-errortype'] as string | undefined, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const describeInstance = (c: ConnectClient) => c.send(new DescribeInstanceCommand({ InstanceId: SEED.instanceId }));

describe('Region and routing', () => {
  test('the Region comes from the credential scope; a missing or garbled Authorization header is a 403', async () => {
    await start({ rateLimit: false });
    const missing = await raw(`/instance/${SEED.instanceId}`, {});
    expect(missing).toMatchObject({ status: 403, errorType: 'MissingAuthenticationTokenException' });
    const garbled = await raw(`/instance/${SEED.instanceId}`, { Authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261123/connect' });
    expect(garbled).toMatchObject({ status: 403, errorType: 'IncompleteSignatureException' });
    expect(garbled.body.Message).toMatch(/credential scope/);
    const scope = 'Credential=AKID/20261123/us-east-1/connect/aws4_request';
    const ok = await raw(`/instance/${SEED.instanceId}`, { Authorization: `AWS4-HMAC-SHA256 ${scope}, Signature=x` });
    expect(ok.status).toBe(200);
    await describeInstance(client(SEED.sourceRegion));
    expect((await failure(describeInstance(client('eu-west-2')))).name).toBe('ResourceNotFoundException');
    expect(emulator.calls.map(c => [c.operation, c.region, c.status, c.errorType])).toEqual([
      ['DescribeInstance', '', 403, 'MissingAuthenticationTokenException'],
      ['DescribeInstance', '', 403, 'IncompleteSignatureException'],
      ['DescribeInstance', 'us-east-1', 200, undefined],
      ['DescribeInstance', 'us-east-1', 200, undefined],
      ['DescribeInstance', 'eu-west-2', 404, 'ResourceNotFoundException'],
    ]);
  });

  test('an operation the emulator does not serve → 404 UnknownOperationException', async () => {
    await start({ rateLimit: false });
    const e = await failure(client().send(new ListInstancesCommand({})));
    expect(e).toMatchObject({ name: 'UnknownOperationException', status: 404 });
    expect(e.message).toMatch(/GET \/instance/);
    expect(emulator.callCount('UnknownOperation')).toBe(1);
  });
});

describe('token bucket (connect-api.md: 2 requests/s, burst 5, per account and Region)', () => {
  test('a burst of 10: 5 pass, 5 are throttled (429 ThrottlingException); another Region has its own bucket; it refills at 2/s (scaled)', async () => {
    // At timeScale 4 a token comes every 2 s instead of every 500 ms: the same bucket, with room for
    // a loaded CI machine's delays between the calls of the burst (at real speed this test was flaky there).
    await start({ timeScale: 4 });
    const c = client();
    const outcome = (e: Error & { $metadata: { httpStatusCode?: number } }) => `${e.name} ${e.$metadata.httpStatusCode}`;
    // Shared by every operation: alternate two of them.
    const call = (i: number) => i % 2 === 0 ? describeInstance(c) : c.send(new ListTrafficDistributionGroupsCommand({}));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => call(i).then(() => 'ok', outcome)));
    expect(results.filter(r => r === 'ok')).toHaveLength(5);
    expect(results.filter(r => r === 'ThrottlingException 429')).toHaveLength(5);
    await describeInstance(client(SEED.replicaRegion)).catch(() => undefined);
    expect(emulator.calls.at(-1)).toMatchObject({ region: SEED.replicaRegion, errorType: 'ResourceNotFoundException' });
    await sleep(2_100);
    await describeInstance(c);
    expect((await failure(describeInstance(c))).name).toBe('ThrottlingException');
    expect(emulator.callCount('DescribeInstance')).toBe(8);
    expect(emulator.callCount('ListTrafficDistributionGroups')).toBe(5);
    expect(emulator.callCount()).toBe(13);
  });

  test('timeScale divides the refill interval; the SDK\'s own retries get through', async () => {
    // 2/s at 0.4: a token every 200 ms instead of 500 ms.
    await start({ timeScale: 0.4, rateLimit: { perSecond: 2, burst: 1 } });
    const c = client();
    await describeInstance(c);
    expect((await failure(describeInstance(c))).name).toBe('ThrottlingException');
    await sleep(220);
    await describeInstance(c);
    const retrying = client(SEED.sourceRegion, 5);
    await describeInstance(retrying);
    await describeInstance(retrying);
    expect(emulator.calls.filter(x => x.status === 200)).toHaveLength(4);
  });

  test('an injected 429 takes no token (a throttled request is refused, not admitted); an injected 500 takes one', async () => {
    await start({ timeScale: 4, rateLimit: { perSecond: 2, burst: 3 } });
    const c = client();
    emulator.injectErrors({ count: 3, status: 429 });
    for (let i = 0; i < 3; i++) {
      expect((await failure(describeInstance(c))).name).toBe('ThrottlingException');
    }
    // The bucket is still full: three calls pass, the fourth is throttled by the bucket itself.
    for (let i = 0; i < 3; i++) {
      await describeInstance(c);
    }
    expect(await failure(describeInstance(c))).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });

    await emulator.stop();
    await start({ timeScale: 4, rateLimit: { perSecond: 2, burst: 3 } });
    const d = client();
    emulator.injectErrors({ count: 2, status: 500 });
    expect((await failure(describeInstance(d))).name).toBe('InternalServiceException');
    expect((await failure(describeInstance(d))).name).toBe('InternalServiceException');
    await describeInstance(d);
    expect(await failure(describeInstance(d))).toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
  });

  test('rateLimit false turns it off', async () => {
    await start({ timeScale: 1, rateLimit: false });
    const c = client();
    await Promise.all(Array.from({ length: 10 }, () => describeInstance(c)));
    expect(emulator.calls.every(x => x.status === 200)).toBe(true);
  });
});

describe('injected errors', () => {
  test('the next matching calls fail with the given status, then clear; other operations are untouched', async () => {
    await start({ rateLimit: false });
    emulator.injectErrors({ operation: 'DescribeInstance', count: 2, status: 500 });
    emulator.injectErrors({ count: 1, status: 503 });
    emulator.injectErrors({ operation: 'DescribeInstance', count: 1, status: 429, errorType: 'TooManyRequestsException' });
    const c = client();
    expect(await failure(describeInstance(c))).toMatchObject({ name: 'InternalServiceException', status: 500 });
    expect(await failure(describeInstance(c))).toMatchObject({ name: 'InternalServiceException', status: 500 });
    expect(await failure(c.send(new ListInstancesCommand({})))).toMatchObject({ name: 'UnknownOperationException' });
    expect(await failure(describeInstance(c))).toMatchObject({ name: 'ServiceUnavailableException', status: 503 });
    expect(await failure(describeInstance(c))).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
    await describeInstance(c);
    // A retrying client gets through an injected 500.
    emulator.injectErrors({ count: 1, status: 500 });
    await describeInstance(client(SEED.sourceRegion, 3));
    expect(emulator.calls.slice(-2).map(x => x.status)).toEqual([500, 200]);
  });

  test('stop() closes the server', async () => {
    await start({ rateLimit: false });
    const endpoint = emulator.endpoint;
    await describeInstance(client());
    await emulator.stop();
    await expect(fetch(`${endpoint}/instance/x`)).rejects.toThrow();
    emulator = await ConnectEmulator.start({}); // for afterEach
  });
});
