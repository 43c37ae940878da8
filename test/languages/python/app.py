# app.py
from aws_cdk import App, CfnOutput, Environment, Stack
from cdk_connect_global_resiliency import ClaimedPhoneNumber, PhoneNumberTarget, TrafficDistributionGroup

INSTANCE_ARN = "arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555"
FLOW = "contact-flow/aaaaaaaa-0000-4000-8000-000000000001"

app = App()
stack = Stack(app, "MyConnectStack", env=Environment(account="111122223333", region="us-east-1"))
group = TrafficDistributionGroup(stack, "Group",
    instance_arn=INSTANCE_ARN,  # an instance already replicated to us-west-2
    traffic_distribution_group_name="support",
    telephony_distribution={"us-east-1": 70, "us-west-2": 30})
line = ClaimedPhoneNumber(stack, "Main",
    target=PhoneNumberTarget.traffic_distribution_group(group),
    phone_number="+12065550123",
    contact_flow_arns=[f"{INSTANCE_ARN}/{FLOW}", f"{INSTANCE_ARN.replace('us-east-1', 'us-west-2')}/{FLOW}"])
CfnOutput(stack, "MainNumber", value=line.phone_number)
app.synth()
