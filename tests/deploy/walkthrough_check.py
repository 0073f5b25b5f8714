"""Asserts what the README's walkthrough did (tests/deploy/walkthrough.sh): the stacks it
created with the parameters each step names, the AWS Config requests the stub recorded (the
conformance pack carrying the function's ARN and the generated body), the product templates
uploaded and named by URL, and that every step was backed out.

    walkthrough_check.py MOTO_RECORDING CONFIG_STUB_RECORDING WALKTHROUGH_LOG
"""
import json
import os
import sys
import urllib.parse

import boto3

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lambda"))
import recorded  # noqa: E402

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:sagerules-sagerules"
BUCKET = "sagerules-code-walkthrough"


def client(service):
    return boto3.client(service, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")


def stack_creations(moto_text):
    """(stack name, {parameter: value}, template body) of every CreateStack, in order."""
    found = []
    for operation, body in recorded.requests(moto_text):
        if operation != "CreateStack":
            continue
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
        params = {}
        for key, value in form.items():
            if key.startswith("Parameters.member.") and key.endswith(".ParameterKey"):
                params[value] = form.get(key.replace("ParameterKey", "ParameterValue"), "")
        found.append((form["StackName"], params, form.get("TemplateBody", "")))
    return found


def main():
    problems = []
    moto_text = open(sys.argv[1], encoding="utf-8").read()
    stub = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8") if line.strip()]
    creations = stack_creations(moto_text)
    names = [name for name, _, _ in creations]
    if names != ["sagerules", "sagerules", "sagerules", "sagerules-organization", "sagerules-portfolio"]:
        problems.append(f"stacks created: {names}")
    else:
        one, pack_backed, central, organization, portfolio = (params for _, params, _ in creations)
        if one.get("CodeBucket") != BUCKET or "ConfigRules" in one:
            problems.append(f"one-account stack parameters: {one}")
        if pack_backed.get("ConfigRules") != "none":
            problems.append(f"conformance-pack step: ConfigRules {pack_backed.get('ConfigRules')!r}")
        if (central.get("ConfigRules"), central.get("CrossAccountRoleName")) != ("none", "sagerules-evaluator"):
            problems.append(f"central stack parameters: {central}")
        if organization.get("EvaluatorFunctionArn") != FUNCTION_ARN or \
                not organization.get("EvaluatorRoleArn", "").startswith("arn:aws:iam::123456789012:role/") or \
                organization.get("TargetOrganizationalUnitIds", "").split("-")[0] != "ou":
            problems.append(f"organization stack parameters: {organization}")
        if len(portfolio.get("ApprovedSubnetIds", "").split(",")) != 2:
            problems.append(f"portfolio subnets: {portfolio.get('ApprovedSubnetIds')!r}")
        body = creations[4][2]
        for product in ("notebook-instance", "endpoint", "training-pipeline"):
            url = f"LoadTemplateFromURL: https://{BUCKET}.s3.amazonaws.com/sagerules/service-catalog/products/{product}.yaml"
            if url not in body:
                problems.append(f"the deployed portfolio does not name {product} by URL")
    log = open(sys.argv[3], encoding="utf-8").read()
    uploads = sorted(line.split(" to ")[0] for line in log.splitlines()
                     if line.startswith("upload: cfn/service-catalog/products/")
                     and f" to s3://{BUCKET}/sagerules/service-catalog/products/" in line)
    if len(uploads) != 3:
        problems.append(f"product templates uploaded (aws s3 sync): {uploads}")
    operations = [entry["operation"] for entry in stub]
    want = ["DescribeComplianceByConfigRule", "PutConformancePack", "DescribeConformancePackCompliance",
            "DeleteConformancePack", "GetOrganizationConformancePackDetailedStatus"]
    if operations != want:
        problems.append(f"AWS Config requests: {operations}, expected {want}")
    else:
        put = stub[1]["request"]
        params = {p["ParameterName"]: p["ParameterValue"] for p in put.get("ConformancePackInputParameters", [])}
        pack = open(os.path.join(os.path.dirname(__file__), "..", "..", "cfn", "sagerules-conformance-pack.yaml"), encoding="utf-8").read()
        if put.get("ConformancePackName") != "sagerules" or params != {"EvaluatorLambdaArn": FUNCTION_ARN} \
                or put.get("TemplateBody") != pack:
            problems.append(f"PutConformancePack: name {put.get('ConformancePackName')}, parameters {params}, "
                            f"body {'the generated pack' if put.get('TemplateBody') == pack else 'not the generated pack'}")
        if stub[0]["request"].get("ConfigRuleNames") != ["sagerules-notebook", "sagerules-jobs"]:
            problems.append(f"DescribeComplianceByConfigRule: {stub[0]['request']}")
    # Backed out: no stack, bucket, log group or delegated administrator is left.
    cfn = client("cloudformation")
    live = [s["StackName"] for s in cfn.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]
    if live:
        problems.append(f"stacks left: {live}")
    buckets = [b["Name"] for b in client("s3").list_buckets()["Buckets"]]
    if BUCKET in buckets:
        problems.append("the code bucket is left")
    groups = [g["logGroupName"] for g in client("logs").describe_log_groups()["logGroups"]]
    if "/aws/lambda/sagerules-sagerules" in groups:
        problems.append("the function's log group is left")
    admins = client("organizations").list_delegated_administrators()["DelegatedAdministrators"]
    if admins:
        problems.append(f"delegated administrators left: {admins}")
    for problem in problems:
        print(f"FAIL walkthrough: {problem}", file=sys.stderr)
    if problems:
        return 1
    commands = log.count("\n+ aws ") + log.startswith("+ aws ") + log.count("\n+ sagerules ") + log.count("\n+ sed ")
    print(f"README walkthrough: {commands} commands run against moto (5 stacks created and deleted, 3 product "
          f"templates uploaded, {len(stub)} AWS Config requests recorded by the stub as expected); everything backed out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
