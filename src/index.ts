export * from './traffic-distribution-group';
export * from './claimed-phone-number';
export * from './phone-number/props';
export * from './instance-replica';
export * from './traffic-distribution';
export * from './traffic-distribution-group-users';
export * from './global-resiliency-provider';
export * from './provider/settings';
