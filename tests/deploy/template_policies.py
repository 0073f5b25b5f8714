"""Writes every identity policy of the deployment templates (the `Policies` of each
`AWS::IAM::Role`) as a JSON document for tests/iam/lint.py (parliament), with the intrinsics
resolved to sample values: `${AWS::Partition}` aws, the Region us-east-1, the account
123456789012, a parameter its default, a resource of the template an ARN of its type; `!If` keeps both branches' statements (each can
be deployed), `AWS::NoValue` drops one.

    template_policies.py OUT_DIR TEMPLATE...
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lambda"))
import cfn_yaml  # noqa: E402

PSEUDO = {"AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012",
          "AWS::StackName": "sagerules"}


NO_VALUE = object()


# What a Ref or GetAtt of a resource of this type names, as IAM reads it.
ARNS = {
    "AWS::SNS::Topic": "arn:aws:sns:us-east-1:123456789012:sample",
    "AWS::KMS::Key": "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555",
    "AWS::DynamoDB::Table": "arn:aws:dynamodb:us-east-1:123456789012:table/sample",
    "AWS::SQS::Queue": "arn:aws:sqs:us-east-1:123456789012:sample",
    "AWS::Lambda::Function": "arn:aws:lambda:us-east-1:123456789012:function:sample",
    "AWS::IAM::Role": "arn:aws:iam::123456789012:role/sample",
}
# Parameters without a default, by what their name says they hold.
PARAMETER_ARNS = [("Kms", ARNS["AWS::KMS::Key"]), ("Function", ARNS["AWS::Lambda::Function"]),
                  ("Role", ARNS["AWS::IAM::Role"]), ("Topic", ARNS["AWS::SNS::Topic"])]
TEMPLATE = {}


def sample(name, in_text=False):
    """A plausible value for a reference: the pseudo parameter, a parameter's default (or an ARN
    its name suggests), the ARN of a resource of the template by its type."""
    if name in PSEUDO:
        return PSEUDO[name]
    logical = name.split(".")[0]
    parameter = (TEMPLATE.get("Parameters") or {}).get(logical)
    if parameter is not None:
        if parameter.get("Default"):
            return str(parameter["Default"])
        if in_text:
            return "sample"
        return next((arn for word, arn in PARAMETER_ARNS if word in logical), "sample")
    resource = (TEMPLATE.get("Resources") or {}).get(logical, {})
    return ARNS.get(resource.get("Type"), "sample")


def resolve(value):
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref":
            return NO_VALUE if arg == "AWS::NoValue" else sample(arg)
        if key == "Fn::GetAtt":
            return sample(arg if isinstance(arg, str) else ".".join(arg))
        if key == "Fn::Sub":
            text = arg if isinstance(arg, str) else arg[0]
            return re.sub(r"\$\{([^}]+)\}", lambda m: sample(m.group(1), in_text=True), text)
        if key == "Fn::If":
            return [resolve(arg[1]), resolve(arg[2])]
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        out = []
        for item in value:
            resolved = resolve(item)
            if isinstance(item, dict) and "Fn::If" in item and isinstance(resolved, list):
                out.extend(r for r in resolved if r is not NO_VALUE)
            elif resolved is not NO_VALUE:
                out.append(resolved)
        return out
    return value


def main():
    out_dir, templates = sys.argv[1], sys.argv[2:]
    written = 0
    for path in templates:
        template = cfn_yaml.load(path)
        TEMPLATE.clear()
        TEMPLATE.update(template)
        for logical, resource in (template.get("Resources") or {}).items():
            if resource.get("Type") != "AWS::IAM::Role":
                continue
            for policy in resource.get("Properties", {}).get("Policies", []):
                document = resolve(policy["PolicyDocument"])
                name = f"{os.path.basename(path).rsplit('.', 1)[0]}-{logical}-{policy['PolicyName']}.json"
                with open(os.path.join(out_dir, name), "w", encoding="utf-8") as out:
                    json.dump(document, out, indent=1)
                written += 1
    print(f"{written} role policies from {len(templates)} templates")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
