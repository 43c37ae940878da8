/** `npx projen integ:snapshot`: rewrites the snapshot of every integration test (see snapshots.ts). */
import { integTests, snapshotDir, updateSnapshot } from './snapshots';

for (const testFile of integTests()) {
  updateSnapshot(testFile);
  console.log(`updated ${snapshotDir(testFile)}`);
}
