"""Deploys cfn/sagerules-config-rule.yaml into moto_server's CloudFormation (AWS_ENDPOINT_URL):
create, update with changed parameters, delete; checks the resources moto can create by type and
by their configuration, and lists those it cannot (checked by cfn-lint, checkov and sagerules in
tests/lambda/cfn.sh). Then the organization pieces: the member role stack (created, its trust
and permissions read back), the conformance pack's rules put through PutConfigRule with its
parameters resolved (moto has no PutConformancePack), and the organization template's embedded
bodies compared with the files they come from. Exits 1 on any difference.

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

import cfn_yaml

REGION = "us-east-1"
CFN = os.path.join(os.path.dirname(__file__), "..", "..", "cfn")
TEMPLATE = os.path.join(CFN, "sagerules-config-rule.yaml")
PACK = os.path.join(CFN, "sagerules-conformance-pack.yaml")
MEMBER_ROLE = os.path.join(CFN, "organization", "sagerules-member-role.yaml")
ORGANIZATION = os.path.join(CFN, "organization", "sagerules-organization.yaml")
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


def check_member_role(cfn, problems):
    """The member role: created by CloudFormation, trusting only the central function's role,
    with the Config and read permissions and no stop."""
    central = "arn:aws:iam::123456789012:role/sagerules-FunctionRole-central"
    body = open(MEMBER_ROLE, encoding="utf-8").read()
    cfn.create_stack(StackName="sagerules-member", TemplateBody=body, Capabilities=["CAPABILITY_NAMED_IAM"],
                     Parameters=[{"ParameterKey": "EvaluatorRoleArn", "ParameterValue": central}])
    iam = client("iam")
    role = iam.get_role(RoleName="sagerules-evaluator")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(urllib.parse.unquote(trust))
    principals = [st["Principal"].get("AWS") for st in trust["Statement"]]
    if principals != [central]:
        problems.append(f"member role trusts {principals}, expected only {central}")
    actions = set()
    for name in iam.list_role_policies(RoleName="sagerules-evaluator")["PolicyNames"]:
        document = iam.get_role_policy(RoleName="sagerules-evaluator", PolicyName=name)["PolicyDocument"]
        if isinstance(document, str):
            document = ast.literal_eval(urllib.parse.unquote(document))
        for statement in filter(None, document["Statement"]):
            found = statement["Action"]
            actions.update([found] if isinstance(found, str) else found)
    for wanted in ["config:PutEvaluations", "sagemaker:DescribeTrainingJob", "sagemaker:ListTags"]:
        if wanted not in actions:
            problems.append(f"member role lacks {wanted}")
    if any(a.startswith("sagemaker:Stop") for a in actions):
        problems.append("member role may stop resources")
    cfn.delete_stack(StackName="sagerules-member")
    return len(actions)


def resolve(value, parameters):
    """A conformance pack value with {Ref: P} replaced by the parameter's value."""
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return parameters[value["Ref"]]
    if isinstance(value, dict):
        return {k: resolve(v, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, parameters) for v in value]
    return value


def check_conformance_pack(function_arn, problems):
    """Each rule of the pack, its parameters at their defaults, through PutConfigRule (moto checks
    the function exists); InputParameters within AWS Config's 1,024 characters."""
    pack = cfn_yaml.load(PACK)
    if set(pack) != {"Parameters", "Resources"}:
        problems.append(f"conformance pack sections: {sorted(pack)}")
    parameters = {name: spec.get("Default", "") for name, spec in pack["Parameters"].items()}
    parameters["EvaluatorLambdaArn"] = function_arn
    config = client("config")
    names = []
    for logical, resource in pack["Resources"].items():
        if resource["Type"] != "AWS::Config::ConfigRule":
            problems.append(f"conformance pack resource {logical} is {resource['Type']}")
            continue
        rule = resolve(resource["Properties"], parameters)
        rule["InputParameters"] = json.dumps(rule["InputParameters"], separators=(",", ":"))
        if len(rule["InputParameters"]) > 1024:
            problems.append(f"{rule['ConfigRuleName']}: InputParameters of {len(rule['InputParameters'])} characters")
        config.put_config_rule(ConfigRule=rule)
        names.append(rule["ConfigRuleName"])
    stored = config.describe_config_rules(ConfigRuleNames=names)["ConfigRules"]
    for rule in stored:
        if rule["Source"]["SourceIdentifier"] != function_arn:
            problems.append(f"{rule['ConfigRuleName']} invokes {rule['Source']['SourceIdentifier']}")
    periodic = [r["ConfigRuleName"] for r in stored
                if any(d.get("MessageType") == "ScheduledNotification" for d in r["Source"]["SourceDetails"])]
    if periodic != ["sagerules-jobs"]:
        problems.append(f"periodic rules of the pack: {periodic}")
    notebook = next(r for r in stored if r["ConfigRuleName"] == "sagerules-notebook")
    if notebook["Scope"]["ComplianceResourceTypes"] != ["AWS::SageMaker::NotebookInstance"] or \
            json.loads(notebook["InputParameters"])["families"] != "notebook,tags":
        problems.append(f"sagerules-notebook as stored: {notebook}")
    for name in names:
        config.delete_config_rule(ConfigRuleName=name)
    return len(names)


def literal_body(text, key):
    """The literal block after `key: |` in the organization template, dedented."""
    import textwrap
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}: |")
    indent = len(lines[start]) - len(lines[start].lstrip()) + 2
    block = []
    for line in lines[start + 1:]:
        if line.strip() and len(line) - len(line.lstrip()) < indent:
            break
        block.append(line)
    return textwrap.dedent("\n".join(block)).strip("\n") + "\n"


def check_organization(problems):
    """The organization template embeds the member role and the pack as generated, and passes
    the pack every parameter that has no default."""
    org = cfn_yaml.load(ORGANIZATION)
    stackset = org["Resources"]["MemberRoleStackSet"]["Properties"]
    pack = org["Resources"]["ConformancePack"]["Properties"]
    if stackset["TemplateBody"] != open(MEMBER_ROLE, encoding="utf-8").read():
        problems.append("organization: the StackSet's TemplateBody is not sagerules-member-role.yaml")
    if pack["TemplateBody"] != open(PACK, encoding="utf-8").read():
        problems.append("organization: the conformance pack's TemplateBody is not sagerules-conformance-pack.yaml")
    if stackset["PermissionModel"] != "SERVICE_MANAGED" or not stackset["AutoDeployment"]["Enabled"]:
        problems.append(f"organization: the StackSet is not service-managed with auto-deployment: {stackset}")
    required = {n for n, spec in cfn_yaml.load(PACK)["Parameters"].items() if "Default" not in spec}
    given = {p["ParameterName"] for p in pack["ConformancePackInputParameters"]}
    if not required <= given:
        problems.append(f"organization: pack parameters without a value: {sorted(required - given)}")


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
    template = cfn_yaml.loads(body)
    declared = template["Resources"]
    for logical, resource in declared.items():
        template_types[logical] = resource["Type"]
    expected = {l for l, t in template_types.items() if t in CREATED and not declared[l].get("Condition")}
    missing = sorted(expected - set(created))
    if missing:
        problems.append(f"create: resources moto should have created are missing: {missing}")
    not_created = sorted({t for t in template_types.values() if t not in CREATED})
    config = function_config(created)
    # moto's CloudFormation ignores a function's Architectures: the template's default is read.
    if declared["Function"]["Properties"]["Architectures"] != [{"Ref": "Architecture"}] or \
            template["Parameters"]["Architecture"]["Default"] != "arm64":
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
    if env.get("SAGERULES_PERIODIC_RULE") != "sagerules-jobs":
        problems.append(f"update: periodic rule {env.get('SAGERULES_PERIODIC_RULE')!r}, expected sagerules-jobs")
    function_name = updated["Function"]["PhysicalResourceId"]
    function_arn = function_config(updated)["FunctionArn"]
    rules_checked = check_conformance_pack(function_arn, problems)
    cfn.delete_stack(StackName="sagerules")
    # Rules left to a conformance pack: the function looks its periodic rule up by prefix. (A
    # new stack: moto does not re-evaluate conditions on update.)
    cfn.create_stack(StackName="sagerules-pack-backed", TemplateBody=body, Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
                     Parameters=parameters(ConfigRules="none"))
    env = function_config(resources(cfn, "sagerules-pack-backed")).get("Environment", {}).get("Variables", {})
    if env.get("SAGERULES_PERIODIC_RULE") != "sagerules-jobs*":
        problems.append(f"ConfigRules=none: periodic rule {env.get('SAGERULES_PERIODIC_RULE')!r}, expected sagerules-jobs*")
    cfn.delete_stack(StackName="sagerules-pack-backed")
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
    member_actions = check_member_role(cfn, problems)
    check_organization(problems)
    for problem in problems:
        print(f"FAIL deploy: {problem}", file=sys.stderr)
    print(f"deploy into moto: create, update (report -> enforce), delete: {'ok' if not problems else 'FAILED'}; "
          f"{len(expected)} resources created and checked, an enforce-mode stack's Stop permissions too; not created by moto (checked by cfn-lint, checkov, sagerules): {', '.join(not_created)}")
    print(f"conformance pack: {rules_checked} rules accepted by PutConfigRule with the function's ARN; "
          f"member role stack: created, trust and {member_actions} actions read back, deleted; "
          f"organization template: StackSet and pack bodies match the generated files")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
