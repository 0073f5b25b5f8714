"""Creates the SageMaker (and S3) resources the Lambda end-to-end tests and the benchmark run
against, in the moto_server named by AWS_ENDPOINT_URL.

    seed.py e2e          three training jobs (compliant, bare, no VPC) and one S3 bucket
    seed.py bulk N       N training jobs, alternating compliant and bare
"""
import os
import sys

import boto3

KMS = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"
ROLE = "arn:aws:iam::123456789012:role/sagerules-training"


def client(service):
    return boto3.client(service, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")


def training_job(sm, name, secure, vpc=True):
    request = {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1", "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "OutputDataConfig": {"S3OutputPath": "s3://sagerules-e2e/output"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        "StoppingCondition": {"MaxRuntimeInSeconds": 432000},
        "Tags": [{"Key": "team", "Value": "ml"}],
    }
    if secure:
        request["OutputDataConfig"]["KmsKeyId"] = KMS
        request["ResourceConfig"]["VolumeKmsKeyId"] = KMS
        request["StoppingCondition"]["MaxRuntimeInSeconds"] = 3600
        request["EnableNetworkIsolation"] = True
        request["EnableInterContainerTrafficEncryption"] = True
        if vpc:
            request["VpcConfig"] = {"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-0123456789abcdef0"]}
    sm.create_training_job(**request)


def e2e():
    sm = client("sagemaker")
    training_job(sm, "train-good", secure=True)
    training_job(sm, "train-bare", secure=False)
    training_job(sm, "train-no-vpc", secure=True, vpc=False)
    client("s3").create_bucket(Bucket="sagerules-e2e-bucket")


def bulk(count):
    sm = client("sagemaker")
    for i in range(count):
        training_job(sm, f"bulk-{i:05d}", secure=i % 2 == 0)


if __name__ == "__main__":
    if sys.argv[1:2] == ["e2e"]:
        e2e()
    elif sys.argv[1:2] == ["bulk"]:
        bulk(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
