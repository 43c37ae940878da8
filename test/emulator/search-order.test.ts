/**
 * SearchAvailablePhoneNumbers' two readings of its undocumented order (local/emulator/README.md, "Two undocumented
 * readings"): 'sorted', every caller the same E.164 order; 'shuffled', each call its own order, over the same matches.
 */
import { SearchAvailablePhoneNumbersCommand } from '@aws-sdk/client-connect';
import { clientFor } from './helpers';
import { ConnectEmulator, SEED, SearchOrder } from '../../local/emulator';

async function firstPages(searchOrder: SearchOrder | undefined, calls: number): Promise<string[][]> {
  const emulator = await ConnectEmulator.start({ rateLimit: false, ...(searchOrder === undefined ? {} : { searchOrder }) });
  const client = clientFor(emulator, SEED.sourceRegion);
  try {
    const pages: string[][] = [];
    for (let i = 0; i < calls; i++) {
      const out = await client.send(new SearchAvailablePhoneNumbersCommand({
        TargetArn: SEED.instanceArn, PhoneNumberCountryCode: 'US', PhoneNumberType: 'DID', PhoneNumberPrefix: '+1206', MaxResults: 10,
      }));
      pages.push(out.AvailableNumbersList!.map(n => n.PhoneNumber!));
    }
    return pages;
  } finally {
    client.destroy();
    await emulator.stop();
  }
}

test('sorted (the default, the harsher reading): every call the same first page, in E.164 order', async () => {
  const pages = await firstPages(undefined, 3);
  const lowest = Array.from({ length: 10 }, (_, i) => `+1206555${String(100 + i).padStart(4, '0')}`);
  expect(pages).toEqual([lowest, lowest, lowest]);
  expect(await firstPages('sorted', 1)).toEqual([lowest]);
});

test('shuffled: each call its own first page, drawn from all the matches', async () => {
  const pages = await firstPages('shuffled', 3);
  for (const page of pages) {
    expect(page).toHaveLength(10);
    expect(new Set(page).size).toBe(10);
    expect(page.every(n => /^\+1206555(0[1-5]\d\d)$/.test(n))).toBe(true);
  }
  expect(new Set(pages.map(p => p.join())).size).toBe(3);
  // Beyond the ten lowest: from 500 matches, ten drawn at random are almost never the ten lowest.
  expect(pages.flat().some(n => n > '+12065550109')).toBe(true);
});

test('an unknown reading is refused at start', async () => {
  await expect(ConnectEmulator.start({ searchOrder: 'random' as SearchOrder })).rejects.toThrow(/searchOrder must be 'sorted' or 'shuffled'/);
});
