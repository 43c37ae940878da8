import { connectOperationsCalled } from './connect-operations';
import * as actions from '../../src/shared/actions';

test('every Connect operation the handlers call over the example app\'s lifecycle is one the constructs grant', async () => {
  const called = await connectOperationsCalled();
  const granted = new Set(Object.values(actions).flat().map(a => a.replace(/^connect:/, '')));

  // The lifecycle reaches every resource type: replication, groups and splits, claims, flows, agents, releases.
  expect(called).toEqual(expect.arrayContaining([
    'ReplicateInstance', 'CreateTrafficDistributionGroup', 'DeleteTrafficDistributionGroup', 'UpdateTrafficDistribution',
    'SearchAvailablePhoneNumbers', 'ClaimPhoneNumber', 'UpdatePhoneNumber', 'ReleasePhoneNumber',
    'AssociatePhoneNumberContactFlow', 'AssociateTrafficDistributionGroupUser', 'DisassociateTrafficDistributionGroupUser',
  ]));
  expect(called.filter(op => !granted.has(op))).toEqual([]);
});
