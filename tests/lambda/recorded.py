"""Reads a moto recorder file (one JSON request per line) and prints the evaluations of every
PutEvaluations request in it as a JSON list, each with the call's ResultToken and TestMode.

    recorded.py RECORDING
"""
import base64
import json
import sys


def put_evaluations(path):
    calls = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            entry = json.loads(line)
            target = {k.lower(): v for k, v in entry.get("headers", {}).items()}.get("x-amz-target", "")
            if not target.endswith(".PutEvaluations"):
                continue
            body = entry.get("body") or ""
            if entry.get("body_encoded"):
                body = base64.b64decode(body).decode("utf-8")
            calls.append(json.loads(body))
    return calls


if __name__ == "__main__":
    print(json.dumps(put_evaluations(sys.argv[1]), indent=1))
