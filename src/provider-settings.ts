import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { ConnectProvider } from './provider/connect-provider';

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

/**
 * The custom-resource provider that every construct of this library in a stack shares.
 *
 * The first construct of the library in a stack creates it; to change its settings, call
 * {@link GlobalResiliencyProvider.configure} before that.
 */
export class GlobalResiliencyProvider {
  /**
   * Sets the provider settings of the stack that contains `scope`.
   *
   * Call it once per stack, before the first construct of this library is added to the stack:
   * the provider is created with the settings in force at that moment, so a later call throws
   * rather than being silently ignored.
   *
   * @param scope any construct in the stack (or the stack itself)
   * @param settings the settings
   */
  public static configure(scope: IConstruct, settings: GlobalResiliencyProviderSettings): void {
    ConnectProvider.configure(scope, settings);
  }

  private constructor() {
  }
}
