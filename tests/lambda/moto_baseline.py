"""The time moto_server itself needs to answer a sweep's List and Describe calls: the same
calls the Lambda makes (ListTrainingJobs 100 per page, for the window and for in-progress jobs,
then DescribeTrainingJob per job), sent one after another over one keep-alive connection with
no SDK in between. Prints {"calls": N, "seconds": S, "jobs": J} as JSON.

    moto_baseline.py
"""
import http.client
import json
import os
import time
import urllib.parse

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDSAGERULESTEST/20260101/us-east-1/sagemaker/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0")


def call(conn, operation, body):
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"SageMaker.{operation}",
               "Authorization": AUTH, "X-Amz-Date": "20260101T000000Z"}
    conn.request("POST", "/", body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"{operation}: HTTP {response.status} {data[:200]!r}")
    return json.loads(data)


def list_all(conn, filters):
    names, token, calls = [], None, 0
    while True:
        body = dict(filters, MaxResults=100)
        if token:
            body["NextToken"] = token
        page = call(conn, "ListTrainingJobs", body)
        calls += 1
        names += [s["TrainingJobName"] for s in page.get("TrainingJobSummaries", [])]
        token = page.get("NextToken")
        if not token:
            return names, calls


def main():
    url = urllib.parse.urlparse(os.environ["AWS_ENDPOINT_URL"])
    conn = http.client.HTTPConnection(url.hostname, url.port)
    started = time.perf_counter()
    window, calls_a = list_all(conn, {"CreationTimeAfter": time.time() - 7 * 86400})
    running, calls_b = list_all(conn, {"StatusEquals": "InProgress"})
    jobs = sorted(set(window) | set(running))
    for name in jobs:
        call(conn, "DescribeTrainingJob", {"TrainingJobName": name})
    seconds = time.perf_counter() - started
    print(json.dumps({"calls": calls_a + calls_b + len(jobs), "seconds": round(seconds, 3), "jobs": len(jobs)}))


if __name__ == "__main__":
    main()
