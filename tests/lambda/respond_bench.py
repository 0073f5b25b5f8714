"""Benchmark of responses (run by respond-bench.sh): 100 SageMaker events against an account
with 1,000 existing training jobs, each handled by the release binary in local mode
(`sagerules-config-rule --event FILE`, report mode, topic and state table set), then the
periodic sweep twice with the state table. Prints the AWS calls per event (moto's recorder and
the decision's own list), the time from event to decision, and what each sweep described.

    respond_bench.py BOOTSTRAP WORK
"""
import json
import os
import statistics
import subprocess
import sys
import time

from recorded import last_log_line, moto_api as moto, operations

ACCOUNT, REGION = "123456789012", "us-east-1"


def state_change(name, status):
    return {"source": "aws.sagemaker", "detail-type": "SageMaker Training Job State Change", "account": ACCOUNT,
            "region": REGION, "detail": {"TrainingJobName": name, "TrainingJobStatus": status}}


def create_call(name, secure):
    request = {"trainingJobName": name, "resourceConfig": {"instanceType": "ml.m5.xlarge", "instanceCount": 1, "volumeSizeInGB": 10},
               "stoppingCondition": {"maxRuntimeInSeconds": 432000}, "outputDataConfig": {"s3OutputPath": "s3://b/o"}}
    if secure:
        key = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-bbbb-3333-cccc4444dddd"
        request["resourceConfig"]["volumeKmsKeyId"] = key
        request["outputDataConfig"]["kmsKeyId"] = key
        request["stoppingCondition"]["maxRuntimeInSeconds"] = 3600
        request["enableNetworkIsolation"] = True
        request["enableInterContainerTrafficEncryption"] = True
        request["vpcConfig"] = {"securityGroupIds": ["sg-0123456789abcdef0"], "subnets": ["subnet-0123456789abcdef0"]}
    return {"source": "aws.sagemaker", "detail-type": "AWS API Call via CloudTrail", "account": ACCOUNT, "region": REGION,
            "detail": {"eventSource": "sagemaker.amazonaws.com", "eventName": "CreateTrainingJob", "awsRegion": REGION,
                       "recipientAccountId": ACCOUNT, "requestParameters": request,
                       "responseElements": {"trainingJobArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/{name}"}}}


def events():
    """100 events: 20 running non-compliant jobs (state change), 20 repeats of those, 20 state
    changes of completed jobs, 20 CloudTrail creates of compliant jobs, 20 of bare ones."""
    out = []
    out += [("running non-compliant", state_change(f"running-bench-{i:02d}", "InProgress")) for i in range(20)]
    out += [("repeat of a running one", state_change(f"running-bench-{i:02d}", "InProgress")) for i in range(20)]
    out += [("completed (event)", state_change(f"bulk-{i:05d}", "Completed")) for i in range(20)]
    out += [("CloudTrail compliant", create_call(f"bulk-{i:05d}", True)) for i in range(0, 40, 2)]
    out += [("CloudTrail non-compliant", create_call(f"bulk-{i:05d}", False)) for i in range(1, 41, 2)]
    return out


def run(boot, path, env):
    started = time.monotonic()
    done = subprocess.run([boot, "--event", path], capture_output=True, text=True, env=env)
    return done, time.monotonic() - started


def main(boot, work):
    env = dict(os.environ, SAGERULES_TOPIC_ARN=f"arn:aws:sns:{REGION}:{ACCOUNT}:sagerules-responses",
               SAGERULES_STATE_TABLE="sagerules-state", SAGERULES_PERIODIC_RULE="sagerules-jobs")
    by_kind, decision_ms, wall = {}, [], []
    moto("recorder/reset-recording")
    moto("recorder/start-recording")
    for number, (kind, event) in enumerate(events()):
        path = os.path.join(work, f"bench-event-{number}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(event, f)
        done, seconds = run(boot, path, env)
        decided = last_log_line(done.stderr, "response decided")
        if done.returncode != 0 or not decided:
            print(f"event {number} ({kind}) failed: {done.stderr[-400:]}", file=sys.stderr)
            return 1
        calls = [c for c in decided.get("calls", "").split(",") if c]
        by_kind.setdefault(kind, []).append(len(calls))
        decision_ms.append(decided.get("decision_ms", 0))
        wall.append(seconds * 1000)
    moto("recorder/stop-recording")
    ops = operations(moto("recorder/download-recording", "GET"))
    counts = {op: ops.count(op) for op in sorted(set(ops))}
    print(f"events:                        {len(wall)} against 1,000 existing training jobs (report mode)")
    for kind, calls in by_kind.items():
        print(f"  {kind:<26} {len(calls):>3} events, calls per event: mean {statistics.mean(calls):.1f}, max {max(calls)}")
    print(f"AWS calls recorded by moto:    {len(ops)} in all, {len(ops) / len(wall):.2f} per event: {counts}")
    print(f"event to decision (in handler): median {statistics.median(decision_ms):.0f} ms, max {max(decision_ms)} ms")
    print(f"process per event (wall):      median {statistics.median(wall):.0f} ms (includes start-up and rule-pack load)")
    sweep = {"invokingEvent": json.dumps({"messageType": "ScheduledNotification", "notificationCreationTime": "2026-12-03T10:00:00.000Z"}),
             "ruleParameters": json.dumps({"families": "training"}), "resultToken": "TESTMODE", "accountId": ACCOUNT,
             "configRuleName": "sagerules-jobs"}
    path = os.path.join(work, "bench-sweep.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(sweep, f)
    for label in ("first sweep (no watermark)", "second sweep (after the first)"):
        done, seconds = run(boot, path, env)
        summary = last_log_line(done.stderr, "invocation done")
        if done.returncode != 0:
            print(f"{label} failed: {done.stderr[-400:]}", file=sys.stderr)
            return 1
        print(f"{label + ':':<31}listed {summary.get('jobs_listed')}, described {summary.get('jobs_described')}, "
              f"incremental kinds {summary.get('incremental_kinds')}, {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
