"""What the README's walkthrough expects to exist in the account, made in moto: an organization
with an OU and an audit account, a VPC with two subnets, a KMS key and the data scientists'
role. Prints the variables the README names, as `export` lines for `eval`.
"""
import os

import boto3


def client(service):
    return boto3.client(service, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")


def main():
    org = client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="ml")["OrganizationalUnit"]["Id"]
    status = org.create_account(Email="audit@example.com", AccountName="audit")["CreateAccountStatus"]
    audit = org.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24")["Subnet"]["SubnetId"] for i in (1, 2)]
    key = client("kms").create_key(Description="sagerules walkthrough")["KeyMetadata"]["Arn"]
    role = client("iam").create_role(
        RoleName="data-scientists",
        AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}',
    )["Role"]["Arn"]
    exports = {
        "BUCKET": "sagerules-code-walkthrough",
        "AUDIT_ACCOUNT": audit,
        "OU": ou,
        "KMS_KEY_ARN": key,
        "SUBNET_IDS": ",".join(subnets),
        "DATA_SCIENTISTS_ROLE_ARN": role,
    }
    for name, value in exports.items():
        print(f"export {name}='{value}'")


if __name__ == "__main__":
    main()
