"""Deploys cfn/sagerules-config-rule.yaml into moto_server's CloudFormation (AWS_ENDPOINT_URL):
create, update with changed parameters, delete; checks the resources moto can create by type and
by their configuration, and lists those it cannot (checked by cfn-lint, checkov and sagerules in
tests/lambda/cfn.sh). Exits 1 on any difference.

    deploy.py
"""
import ast
import io
import json
import os
import sys
import urllib.parse
import zipfile

import boto3

REGION = "us-east-1"
TEMPLATE = os.path.join(os.path.dirname(__file__), "..", "..", "cfn", "sagerules-config-rule.yaml")
# Types moto 5.2.5 creates from a template; the rest are accepted but not created.
CREATED = {"AWS::IAM::Role", "AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::Events::Rule",
           "AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::Logs::LogGroup", "AWS::KMS::Key", "AWS::DynamoDB::Table"}


def client(service):
    return boto3.client(service, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name=REGION)


def code_zip():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:
        z.writestr("bootstrap", "#!/bin/sh\necho stand-in for the sagerules binary\n")
    return data.getvalue()


def parameters(**extra):
    base = {"CodeBucket": "sagerules-code", "CodeKey": "sagerules/sagerules-config-rule-arm64.zip"}
    base.update(extra)
    return [{"ParameterKey": k, "ParameterValue": v} for k, v in base.items()]


def resources(cfn, stack):
    found = cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]
    return {r["LogicalResourceId"]: r for r in found if r.get("LogicalResourceId")}


def function_config(stack_resources):
    name = stack_resources["Function"]["PhysicalResourceId"]
    return client("lambda").get_function_configuration(FunctionName=name)


def role_actions(stack_resources):
    iam = client("iam")
    role = stack_resources["FunctionRole"]["PhysicalResourceId"].split("/")[-1]
    actions = set()
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        if isinstance(document, str):
            # moto stores a role policy created by CloudFormation as the text of a Python dict.
            document = ast.literal_eval(urllib.parse.unquote(document))
        # moto leaves AWS::NoValue from an !If in a list as null; CloudFormation drops it.
        for statement in filter(None, document["Statement"]):
            found = statement["Action"]
            actions.update([found] if isinstance(found, str) else found)
    return actions


def main():
    problems = []
    s3 = client("s3")
    s3.create_bucket(Bucket="sagerules-code")
    s3.put_object(Bucket="sagerules-code", Key="sagerules/sagerules-config-rule-arm64.zip", Body=code_zip())
    cfn = client("cloudformation")
    body = open(TEMPLATE, encoding="utf-8").read()
    cfn.create_stack(StackName="sagerules", TemplateBody=body, Parameters=parameters(),
                     Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"])
    status = cfn.describe_stacks(StackName="sagerules")["Stacks"][0]["StackStatus"]
    if status != "CREATE_COMPLETE":
        problems.append(f"create: {status}")
    created = resources(cfn, "sagerules")
    template_types = {}
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    declared = yaml.load(body, Loader=Loader)["Resources"]
    for logical, resource in declared.items():
        template_types[logical] = resource["Type"]
    expected = {l for l, t in template_types.items() if t in CREATED and not declared[l].get("Condition")}
    missing = sorted(expected - set(created))
    if missing:
        problems.append(f"create: resources moto should have created are missing: {missing}")
    not_created = sorted({t for t in template_types.values() if t not in CREATED})
    config = function_config(created)
    # moto's CloudFormation ignores a function's Architectures: the template's default is read.
    if declared["Function"]["Properties"]["Architectures"] != [None] or \
            yaml.load(body, Loader=Loader)["Parameters"]["Architecture"]["Default"] != "arm64":
        problems.append("the function is not arm64 by default")
    want = {"Runtime": "provided.al2023", "Handler": "bootstrap"}
    for key, value in want.items():
        if config.get(key) != value:
            problems.append(f"function {key}: {config.get(key)!r}, expected {value!r}")
    env = config.get("Environment", {}).get("Variables", {})
    if env.get("SAGERULES_RESPONSE") != "report" or env.get("SAGERULES_STATE_TABLE") != created["StateTable"]["PhysicalResourceId"]:
        problems.append(f"function environment: {env}")
    if "sagemaker:StopTrainingJob" in role_actions(created):
        problems.append("report mode: the role may stop jobs")
    table = client("dynamodb").describe_table(TableName=created["StateTable"]["PhysicalResourceId"])["Table"]
    if table["KeySchema"] != [{"AttributeName": "pk", "KeyType": "HASH"}]:
        problems.append(f"state table key: {table['KeySchema']}")
    # Update: enforce mode, a stricter severity; the role gains the stops, the function the mode.
    cfn.update_stack(StackName="sagerules", TemplateBody=body, Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
                     Parameters=parameters(ResponseMode="enforce", MinStopSeverity="high"))
    status = cfn.describe_stacks(StackName="sagerules")["Stacks"][0]["StackStatus"]
    if status != "UPDATE_COMPLETE":
        problems.append(f"update: {status}")
    updated = resources(cfn, "sagerules")
    env = function_config(updated).get("Environment", {}).get("Variables", {})
    if (env.get("SAGERULES_RESPONSE"), env.get("SAGERULES_MIN_SEVERITY")) != ("enforce", "high"):
        problems.append(f"update: function environment {env}")
    function_name = updated["Function"]["PhysicalResourceId"]
    cfn.delete_stack(StackName="sagerules")
    # moto does not apply a role's changed inline policy on update: a stack created in enforce
    # mode shows the Stop permissions, scoped to the account and region.
    cfn.create_stack(StackName="sagerules-enforce", TemplateBody=body, Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
                     Parameters=parameters(ResponseMode="enforce"))
    enforcing = resources(cfn, "sagerules-enforce")
    if "sagemaker:StopTrainingJob" not in role_actions(enforcing):
        problems.append("enforce mode without the Stop permissions")
    cfn.delete_stack(StackName="sagerules-enforce")
    try:
        client("lambda").get_function(FunctionName=function_name)
        problems.append("delete: the function is still there")
    except client("lambda").exceptions.ResourceNotFoundException:
        pass
    for problem in problems:
        print(f"FAIL deploy: {problem}", file=sys.stderr)
    print(f"deploy into moto: create, update (report -> enforce), delete: {'ok' if not problems else 'FAILED'}; "
          f"{len(expected)} resources created and checked, an enforce-mode stack's Stop permissions too; not created by moto (checked by cfn-lint, checkov, sagerules): {', '.join(not_created)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
