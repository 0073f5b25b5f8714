"""Creates the SageMaker (and S3) resources the Lambda end-to-end tests and the benchmark run
against, in the moto_server named by AWS_ENDPOINT_URL.

    seed.py e2e          three training jobs (compliant, bare, no VPC) and one S3 bucket
    seed.py bulk N       N training jobs, alternating compliant and bare
    seed.py respond-bench N   N running bare training jobs, the topic and the table
    seed.py table        the state table
    seed.py respond      jobs of every kind (running or not, compliant or bare, one exempt),
                         notebook instances, the SNS topic and the state table (run against
                         moto_running.py, which keeps `running-*` resources running)
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


VPC = {"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-0123456789abcdef0"]}
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/job:1"


def processing_job(sm, name, secure):
    request = {
        "ProcessingJobName": name,
        "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10}},
        "AppSpecification": {"ImageUri": IMAGE},
        "RoleArn": ROLE,
        "StoppingCondition": {"MaxRuntimeInSeconds": 432000},
        "Tags": [{"Key": "team", "Value": "ml"}],
    }
    if secure:
        request["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] = KMS
        request["ProcessingOutputConfig"] = {"KmsKeyId": KMS, "Outputs": [{"OutputName": "o", "S3Output": {"S3Uri": "s3://b/o", "LocalPath": "/opt/ml/processing/o", "S3UploadMode": "EndOfJob"}}]}
        request["NetworkConfig"] = {"EnableNetworkIsolation": True, "EnableInterContainerTrafficEncryption": True, "VpcConfig": VPC}
        request["StoppingCondition"]["MaxRuntimeInSeconds"] = 3600
    sm.create_processing_job(**request)


def transform_job(sm, name, secure):
    request = {
        "TransformJobName": name,
        "ModelName": "model-1",
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}},
        "TransformOutput": {"S3OutputPath": "s3://b/out"},
        "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
        # moto's ListTags fails on a transform or tuning job created without tags.
        "Tags": [{"Key": "team", "Value": "ml"}],
    }
    if secure:
        request["TransformOutput"]["KmsKeyId"] = KMS
        request["TransformResources"]["VolumeKmsKeyId"] = KMS
    sm.create_transform_job(**request)


def tuning_job(sm, name, secure):
    definition = {
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        "StoppingCondition": {"MaxRuntimeInSeconds": 432000},
    }
    if secure:
        definition["OutputDataConfig"]["KmsKeyId"] = KMS
        definition["ResourceConfig"]["VolumeKmsKeyId"] = KMS
        definition["StoppingCondition"]["MaxRuntimeInSeconds"] = 3600
        definition["EnableNetworkIsolation"] = True
        definition["EnableInterContainerTrafficEncryption"] = True
        definition["VpcConfig"] = VPC
    sm.create_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=name,
        HyperParameterTuningJobConfig={"Strategy": "Bayesian", "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1}},
        TrainingJobDefinition=definition,
        Tags=[{"Key": "team", "Value": "ml"}],
    )


def respond():
    sm = client("sagemaker")
    for make, kind in [(training_job, "training"), (processing_job, "processing"), (transform_job, "transform"), (tuning_job, "tuning")]:
        make(sm, f"running-good-{kind}", secure=True)
        make(sm, f"running-bare-{kind}", secure=False)
        make(sm, f"done-bare-{kind}", secure=False)
        make(sm, f"running-exempt-{kind}", secure=False)
    exempt = [("training", "describe_training_job", "TrainingJobName", "TrainingJobArn"),
              ("processing", "describe_processing_job", "ProcessingJobName", "ProcessingJobArn"),
              ("transform", "describe_transform_job", "TransformJobName", "TransformJobArn"),
              ("tuning", "describe_hyper_parameter_tuning_job", "HyperParameterTuningJobName", "HyperParameterTuningJobArn")]
    for kind, describe, name_key, arn_key in exempt:
        arn = getattr(sm, describe)(**{name_key: f"running-exempt-{kind}"})[arn_key]
        sm.add_tags(ResourceArn=arn, Tags=[{"Key": "sagerules:exempt", "Value": "load test approved by carol until 2027-01"}])
    # moto reports a new notebook instance InService at once.
    sm.create_notebook_instance(NotebookInstanceName="created-nb-open", InstanceType="ml.t3.medium", RoleArn=ROLE,
                                DirectInternetAccess="Enabled", RootAccess="Enabled")
    sm.create_notebook_instance(NotebookInstanceName="running-nb-open", InstanceType="ml.t3.medium", RoleArn=ROLE,
                                DirectInternetAccess="Enabled", RootAccess="Enabled")
    topic_and_table()


def topic_and_table():
    client("sns").create_topic(Name="sagerules-responses")
    client("dynamodb").create_table(TableName="sagerules-state", BillingMode="PAY_PER_REQUEST",
                                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])


def bulk(count):
    sm = client("sagemaker")
    for i in range(count):
        training_job(sm, f"bulk-{i:05d}", secure=i % 2 == 0)


if __name__ == "__main__":
    if sys.argv[1:2] == ["e2e"]:
        e2e()
    elif sys.argv[1:2] == ["table"]:
        client("dynamodb").create_table(TableName="sagerules-state", BillingMode="PAY_PER_REQUEST",
                                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    elif sys.argv[1:2] == ["respond-bench"]:
        sm = client("sagemaker")
        for i in range(int(sys.argv[2])):
            training_job(sm, f"running-bench-{i:02d}", secure=False)
        topic_and_table()
    elif sys.argv[1:2] == ["respond"]:
        respond()
    elif sys.argv[1:2] == ["bulk"]:
        bulk(int(sys.argv[2]))
    else:
        sys.exit(__doc__)
