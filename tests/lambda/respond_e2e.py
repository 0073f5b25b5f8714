"""Responses end to end: sends each step's SageMaker event to the Lambda under `cargo lambda
watch` and compares the AWS calls moto's recorder saw during it with the step's expectation
(the calls in order, the Publish subject, which invocations fail). Steps of one mode only:

    respond_e2e.py MODE INVOKE_PORT WORK

A call moto does not implement (StopTrainingJob, StopTransformJob,
StopHyperParameterTuningJob) is still recorded as a request: the step asserts that request
and treats moto's error as the answer, so the invocation fails and says the stop failed.
"""
import json
import os
import subprocess
import sys
import urllib.parse

from recorded import moto_api as moto, requests

ACCOUNT, REGION = "123456789012", "us-east-1"
DETAIL = {
    "training": ("SageMaker Training Job State Change", "TrainingJobName", "TrainingJobStatus", "training-job"),
    "processing": ("SageMaker Processing Job State Change", "ProcessingJobName", "ProcessingJobStatus", "processing-job"),
    "transform": ("SageMaker Transform Job State Change", "TransformJobName", "TransformJobStatus", "transform-job"),
    "tuning": ("SageMaker HyperParameter Tuning Job State Change", "HyperParameterTuningJobName", "HyperParameterTuningJobStatus", "hyper-parameter-tuning-job"),
    "notebook": ("SageMaker Notebook Instance State Change", "NotebookInstanceName", "NotebookInstanceStatus", "notebook-instance"),
}
JOB_KINDS = ["training", "processing", "transform", "tuning"]
LABEL = {"training": "training job", "processing": "processing job", "transform": "transform job", "tuning": "HPO job",
         "notebook": "notebook instance"}
STOP = {"training": "StopTrainingJob", "processing": "StopProcessingJob", "transform": "StopTransformJob",
        "tuning": "StopHyperParameterTuningJob", "notebook": "StopNotebookInstance"}
DESCRIBE = {"training": "DescribeTrainingJob", "processing": "DescribeProcessingJob", "transform": "DescribeTransformJob",
            "tuning": "DescribeHyperParameterTuningJob", "notebook": "DescribeNotebookInstance"}


def state_change(kind, name, status):
    detail_type, name_key, status_key, arn_part = DETAIL[kind]
    return {"version": "0", "id": f"e2e-{kind}-{name}-{status}", "detail-type": detail_type, "source": "aws.sagemaker",
            "account": ACCOUNT, "time": "2026-12-03T10:00:00Z", "region": REGION,
            "resources": [f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:{arn_part}/{name}"],
            "detail": {name_key: name, status_key: status, "Tags": {}}}


def create_notebook_call(name):
    return {"version": "0", "id": "e2e-ct", "detail-type": "AWS API Call via CloudTrail", "source": "aws.sagemaker",
            "account": ACCOUNT, "region": REGION, "time": "2026-12-03T10:00:00Z",
            "detail": {"eventSource": "sagemaker.amazonaws.com", "eventName": "CreateNotebookInstance", "awsRegion": REGION,
                       "recipientAccountId": ACCOUNT, "userIdentity": {"arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/DataScientist/alice"},
                       "requestParameters": {"notebookInstanceName": name, "instanceType": "ml.t3.medium",
                                             "roleArn": f"arn:aws:iam::{ACCOUNT}:role/nb", "directInternetAccess": "Enabled"},
                       "responseElements": {"notebookInstanceArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/{name}"}}}


def compliant(kind, name):
    return {"event": state_change(kind, name, "InProgress"), "calls": [DESCRIBE[kind]]}


def stopped(kind, name, implemented):
    calls = [DESCRIBE[kind], "ListTags", "PutItem", STOP[kind], "Publish"]
    label = LABEL[kind]
    status = "InService" if kind == "notebook" else "InProgress"
    if implemented:
        return {"event": state_change(kind, name, status), "calls": calls, "subject": f"[sagerules] STOPPED {label} {name}: "}
    return {"event": state_change(kind, name, status), "calls": calls + ["DeleteItem"], "fails": True,
            "subject": f"[sagerules] STOP FAILED for {label} {name}: "}


STEPS = {
    "enforce": [
        ("compliant training job", compliant("training", "running-good-training")),
        # No compliant processing job here: moto drops ProcessingResources from
        # DescribeProcessingJob, so its volume key is never set (tests/responses.rs covers it).
        ("compliant transform job", compliant("transform", "running-good-transform")),
        ("compliant HPO job", compliant("tuning", "running-good-tuning")),
    ] + [
        (f"terminal {kind} job (event says Completed)", {"event": state_change(kind, f"done-bare-{kind}", "Completed"), "calls": []})
        for kind in JOB_KINDS
    ] + [
        (f"out-of-order event of a completed {kind} job", {"event": state_change(kind, f"done-bare-{kind}", "InProgress"), "calls": [DESCRIBE[kind]]})
        for kind in JOB_KINDS
    ] + [
        (f"unknown {kind} job: Describe fails, nothing stopped", {"event": state_change(kind, f"no-such-{kind}", "InProgress"),
                                                                 "calls": [DESCRIBE[kind]], "fails": True})
        for kind in JOB_KINDS
    ] + [
        (f"exempt {kind} job: reported", {"event": state_change(kind, f"running-exempt-{kind}", "InProgress"),
                                          "calls": [DESCRIBE[kind], "ListTags", "PutItem", "Publish"],
                                          "subject": f"[sagerules] Non-compliant {LABEL[kind]} running-exempt-{kind}: "})
        for kind in JOB_KINDS
    ] + [
        ("non-compliant processing job: stopped", stopped("processing", "running-bare-processing", True)),
        ("the same event again: already stopped", {"event": state_change("processing", "running-bare-processing", "InProgress"), "calls": ["DescribeProcessingJob"]}),
        ("non-compliant training job (moto lacks StopTrainingJob)", stopped("training", "running-bare-training", False)),
        ("non-compliant transform job (moto lacks StopTransformJob)", stopped("transform", "running-bare-transform", False)),
        ("non-compliant HPO job (moto lacks StopHyperParameterTuningJob)", stopped("tuning", "running-bare-tuning", False)),
        ("non-compliant notebook instance InService: stopped", stopped("notebook", "running-nb-open", True)),
        ("CloudTrail CreateNotebookInstance, judged from the request, InService in moto: stopped",
         {"event": create_notebook_call("created-nb-open"),
          "calls": ["ListTags", "DescribeNotebookInstance", "PutItem", "StopNotebookInstance", "Publish"],
          "subject": "[sagerules] STOPPED notebook instance created-nb-open: "}),
        ("bad event: a state change without its name", {"event": {"source": "aws.sagemaker", "detail-type": "SageMaker Training Job State Change",
                                                                  "detail": {"TrainingJobStatus": "InProgress"}}, "calls": [], "fails": True}),
    ],
    "report": [
        ("non-compliant training job: reported, not stopped", {"event": state_change("training", "running-bare-training", "InProgress"),
                                                               "calls": ["DescribeTrainingJob", "ListTags", "PutItem", "Publish"],
                                                               "subject": "[sagerules] Non-compliant training job running-bare-training: "}),
        ("the same event again: a repeat, no message", {"event": state_change("training", "running-bare-training", "InProgress"),
                                                        "calls": ["DescribeTrainingJob", "ListTags", "PutItem"]}),
        ("non-compliant HPO job: reported", {"event": state_change("tuning", "running-bare-tuning", "InProgress"),
                                             "calls": ["DescribeHyperParameterTuningJob", "ListTags", "PutItem", "Publish"],
                                             "subject": "[sagerules] Non-compliant HPO job running-bare-tuning: "}),
        ("CloudTrail CreateNotebookInstance: judged from the request", {"event": create_notebook_call("running-nb-open"),
                                                                        "calls": ["ListTags", "PutItem", "Publish"],
                                                                        "subject": "[sagerules] Non-compliant notebook instance running-nb-open: "}),
    ],
}


def recorded_calls(text):
    """(operation, Publish subject or None) of every recorded request, in order."""
    return [(operation, urllib.parse.parse_qs(body).get("Subject", [None])[0] if operation == "Publish" else None)
            for operation, body in requests(text)]


def merged(names):
    """Consecutive repeats (the SDK's retries of a 5xx answer) counted once."""
    out = []
    for name in names:
        if not out or out[-1] != name:
            out.append(name)
    return out


def main(mode, port, work):
    failed = 0
    for number, (title, step) in enumerate(STEPS[mode], 1):
        path = os.path.join(work, f"respond-{mode}-{number}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(step["event"], f)
        moto("recorder/reset-recording")
        moto("recorder/start-recording")
        run = subprocess.run([os.path.join(os.environ["VENV"], "bin", "cargo-lambda"), "lambda", "invoke", "--invoke-address", "127.0.0.1",
                              "--invoke-port", port, "--data-file", path, "sagerules-config-rule"], capture_output=True, text=True)
        moto("recorder/stop-recording")
        calls = recorded_calls(moto("recorder/download-recording", "GET"))
        names = merged([name for name, _ in calls])
        problems = []
        if names != step["calls"]:
            problems.append(f"calls {names}, expected {step['calls']}")
        subjects = [subject for name, subject in calls if name == "Publish"]
        if "subject" in step and not (subjects and subjects[0].startswith(step["subject"])):
            problems.append(f"Publish subject {subjects}, expected to start with {step['subject']!r}")
        if (run.returncode != 0) != step.get("fails", False):
            problems.append(f"invocation {'failed' if run.returncode else 'succeeded'}: {run.stdout[-600:]} {run.stderr[-600:]}")
        stops = [n for n in names if n.startswith("Stop")]
        if mode == "report" and stops:
            problems.append(f"report mode made {stops}")
        if problems:
            failed += 1
            print(f"FAIL {mode} {number}. {title}: " + "; ".join(problems), file=sys.stderr)
        else:
            print(f"ok   {mode} {number}. {title}: {' '.join(names) or 'no call'}")
    print(f"respond-e2e {mode}: {len(STEPS[mode]) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
