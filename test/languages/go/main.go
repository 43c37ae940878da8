// main.go
package main

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	gr "github.com/cdk-connect-global-resiliency/cdk-connect-global-resiliency-go/cdkconnectglobalresiliency"
)

const instanceArn = "arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555"
const flow = "contact-flow/aaaaaaaa-0000-4000-8000-000000000001"

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("MyConnectStack"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111122223333"), Region: jsii.String("us-east-1")},
	})
	group := gr.NewTrafficDistributionGroup(stack, jsii.String("Group"), &gr.TrafficDistributionGroupProps{
		InstanceArn:                  jsii.String(instanceArn), // an instance already replicated to us-west-2
		TrafficDistributionGroupName: jsii.String("support"),
		TelephonyDistribution:        &map[string]*float64{"us-east-1": jsii.Number(70), "us-west-2": jsii.Number(30)},
	})
	line := gr.NewClaimedPhoneNumber(stack, jsii.String("Main"), &gr.ClaimedPhoneNumberProps{
		Target:      gr.PhoneNumberTarget_TrafficDistributionGroup(group),
		PhoneNumber: jsii.String("+12065550123"),
		ContactFlowArns: jsii.Strings(
			instanceArn+"/"+flow,
			strings.Replace(instanceArn, "us-east-1", "us-west-2", 1)+"/"+flow,
		),
	})
	awscdk.NewCfnOutput(stack, jsii.String("MainNumber"), &awscdk.CfnOutputProps{Value: line.PhoneNumber()})
	app.Synth(nil)
}
