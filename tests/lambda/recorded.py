"""Reading what moto_server saw and what the Lambda logged, for the scripts in tests/lambda.

A moto recorder file has one JSON request per line; `body` may be base64 (`body_encoded`).
JSON-protocol services (SageMaker, Config, DynamoDB) name the operation in the X-Amz-Target
header, query-protocol ones (SNS, SQS) as `Action=` in the body.

    recorded.py RECORDING    prints the PutEvaluations calls in RECORDING as a JSON list
"""
import base64
import json
import os
import sys
import urllib.parse
import urllib.request


def moto_api(path, method="POST"):
    """Calls moto's own API (`recorder/start-recording`, ...) at AWS_ENDPOINT_URL."""
    request = urllib.request.Request(os.environ["AWS_ENDPOINT_URL"] + "/moto-api/" + path, method=method)
    with urllib.request.urlopen(request) as answer:
        return answer.read().decode("utf-8")


def requests(text):
    """(operation, body text) of every recorded request, in order; `?` when neither the
    X-Amz-Target header nor an Action names it."""
    found = []
    for line in filter(str.strip, text.splitlines()):
        entry = json.loads(line)
        headers = {k.lower(): v for k, v in entry.get("headers", {}).items()}
        body = entry.get("body") or ""
        if entry.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8", "replace")
        operation = headers.get("x-amz-target", "").rsplit(".", 1)[-1]
        if not operation:
            operation = (urllib.parse.parse_qs(body).get("Action") or ["?"])[0]
        found.append((operation, body))
    return found


def operations(text):
    """The operation of every recorded request, in order."""
    return [operation for operation, _ in requests(text)]


def put_evaluation_calls(text):
    """The body of every PutEvaluations request (ResultToken, TestMode, Evaluations)."""
    return [json.loads(body) for operation, body in requests(text) if operation == "PutEvaluations"]


def put_evaluations(path):
    """The PutEvaluations calls in the recorder file `path`."""
    with open(path, encoding="utf-8") as f:
        return put_evaluation_calls(f.read())


def last_log_line(log, message):
    """The last JSON log line whose `message` is `message` ({} when there is none)."""
    found = {}
    for line in log.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("message") == message:
            found = entry
    return found


if __name__ == "__main__":
    print(json.dumps(put_evaluations(sys.argv[1]), indent=1))
