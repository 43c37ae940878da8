export * from './traffic-distribution-group';
export * from './claimed-phone-number';
