import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Settings of the one custom-resource provider of a stack: its two handler functions and the
 * functions of aws-cdk-lib's provider framework.
 */
export interface GlobalResiliencyProviderSettings {
  /**
   * How long the functions' logs are kept. Each handler function logs to a log group of its own,
   * and the provider framework's functions share a third; all three get this retention.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The application log level of the two handler functions (JSON logs). They log every event and
   * each step (claimed, moved, released, ...) at `INFO`, and problems at `WARN` and `ERROR`.
   * The provider framework's functions keep aws-cdk-lib's level.
   *
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly logLevel?: lambda.ApplicationLogLevel;

  /**
   * The VPC to run every function of the provider in (the handlers and the framework's).
   * The selected subnets need a route to the Amazon Connect API of both Regions, to Lambda,
   * Step Functions and to S3 (the CloudFormation response URL): a NAT gateway, for example.
   *
   * @default - the functions do not run in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Where in `vpc` to place the functions. Only with `vpc`.
   *
   * @default - the VPC's private subnets with egress (Lambda's default selection)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * The security groups of the functions. Only with `vpc`.
   *
   * @default - with `vpc`, each function gets a security group of its own that allows all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}
