/** What the ClaimedPhoneNumber handler tests (claimed-phone-number-*.test.ts) share: the Connect mock's defaults, the number, its properties and its summaries. */
import {
  DescribeContactFlowCommand, InvalidParameterException, ListPhoneNumbersV2Command, ResourceNotFoundException,
} from '@aws-sdk/client-connect';
import { phoneArn, sdkError, useConnectMock } from './events';
import { FLOW_ARN, GROUP_ARN, INSTANCE_ARN, REPLICA_FLOW_ARN } from '../fixtures/arns';

/** The Connect mock of these tests (useConnectMock, events.ts), with the defaults of every test below. */
export function usePhoneNumberMock(): ReturnType<typeof useConnectMock> {
  const cm = useConnectMock();
  // Every declared flow exists unless a test says otherwise (the check before a claim).
  // The account holds no other number unless a test says so (the look-up of a number to take back).
  beforeEach(() => {
    cm.on(DescribeContactFlowCommand).callsFake((input: { ContactFlowId: string }) => ({ ContactFlow: { Id: input.ContactFlowId } }));
    cm.on(ListPhoneNumbersV2Command).resolves({ ListPhoneNumbersSummaryList: [] });
  });
  return cm;
}

export const LOGICAL_ID = 'MainLine';
export const o = { logicalId: LOGICAL_ID };

export const NUMBER = '+12065550100';
export const PN_ARN = phoneArn(1);
export const PN_ID = PN_ARN.split('/')[1];
export const DATA = { PhoneNumber: NUMBER, PhoneNumberArn: PN_ARN, PhoneNumberId: PN_ID };

/** A specific number on the group, with a flow in each Region. */
export const ON_GROUP = {
  TargetArn: GROUP_ARN,
  PhoneNumber: NUMBER,
  Description: 'Main line',
  ContactFlowArns: [FLOW_ARN, REPLICA_FLOW_ARN],
  RemovalPolicy: 'retain',
  Tags: { team: 'support' },
};

/** A searched number on the instance. */
export const SEARCHED = {
  TargetArn: INSTANCE_ARN,
  CountryCode: 'US',
  PhoneNumberType: 'DID',
  Prefix: '+1206',
  RemovalPolicy: 'destroy',
};

export function summary(status: 'CLAIMED' | 'IN_PROGRESS' | 'FAILED', extra: Record<string, unknown> = {}) {
  return {
    ClaimedPhoneNumberSummary: {
      PhoneNumberId: PN_ID, PhoneNumberArn: PN_ARN, PhoneNumber: NUMBER, TargetArn: GROUP_ARN, PhoneNumberStatus: { Status: status }, ...extra,
    },
  };
}

export const taken = (n: string) => sdkError(InvalidParameterException, `Phone number not available: ${n}`);
export const gone = () => sdkError(ResourceNotFoundException, 'Phone number not found');
