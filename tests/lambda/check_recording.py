"""Compares the PutEvaluations calls in a moto recording with an expected file and exits 1 on
any difference, printing both.

    check_recording.py RECORDING EXPECTED.json

EXPECTED: {"calls": N, "token": "TESTMODE", "evaluations": [{...}]}. Each expected evaluation
gives ComplianceResourceType, ComplianceResourceId, ComplianceType, OrderingTimestamp (RFC 3339,
or "*" for "any") and Annotation (exact), AnnotationPrefix, or FailingRules (the exact set of
rule names the annotation lists before " failed: ", leaving the rule pack's reason free). Evaluations are matched by resource, since the sweep
describes jobs concurrently and their order is not fixed.
"""
import datetime
import json
import sys

from recorded import put_evaluations


def epoch(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def failing_rules(annotation):
    head, sep, _ = annotation.partition(" failed: ")
    return sorted(n.strip() for n in head.split(",")) if sep else None


def mismatches(expected, actual):
    problems = []
    for key in ("ComplianceResourceType", "ComplianceResourceId", "ComplianceType"):
        if expected[key] != actual.get(key):
            problems.append(f"{key}: expected {expected[key]!r}, sent {actual.get(key)!r}")
    stamp = expected.get("OrderingTimestamp", "*")
    if stamp != "*" and abs(epoch(stamp) - float(actual.get("OrderingTimestamp", 0))) > 0.0005:
        problems.append(f"OrderingTimestamp: expected {stamp}, sent {actual.get('OrderingTimestamp')}")
    annotation = actual.get("Annotation", "")
    if not 1 <= len(annotation) <= 256:
        problems.append(f"Annotation length {len(annotation)} outside 1..=256")
    if "Annotation" in expected and expected["Annotation"] != annotation:
        problems.append(f"Annotation: expected {expected['Annotation']!r}, sent {annotation!r}")
    if "AnnotationPrefix" in expected and not annotation.startswith(expected["AnnotationPrefix"]):
        problems.append(f"Annotation: expected to start with {expected['AnnotationPrefix']!r}, sent {annotation!r}")
    if "FailingRules" in expected and sorted(expected["FailingRules"]) != failing_rules(annotation):
        problems.append(f"failing rules: expected {sorted(expected['FailingRules'])}, annotation {annotation!r}")
    return problems


def main(recording, expected_path):
    with open(expected_path, encoding="utf-8") as f:
        expected = json.load(f)
    calls = put_evaluations(recording)
    problems = []
    if len(calls) != expected["calls"]:
        problems.append(f"PutEvaluations calls: expected {expected['calls']}, recorded {len(calls)}")
    for call in calls:
        if call.get("ResultToken") != expected.get("token", "TESTMODE") or call.get("TestMode") is not True:
            problems.append(f"call without the TESTMODE token and TestMode=true: {call.get('ResultToken')!r} {call.get('TestMode')!r}")
        if not 1 <= len(call.get("Evaluations", [])) <= 100:
            problems.append(f"batch of {len(call.get('Evaluations', []))} evaluations")
    sent = {(e["ComplianceResourceType"], e["ComplianceResourceId"]): e for c in calls for e in c.get("Evaluations", [])}
    if len(sent) != sum(len(c.get("Evaluations", [])) for c in calls):
        problems.append("the same resource was evaluated twice")
    for want in expected["evaluations"]:
        key = (want["ComplianceResourceType"], want["ComplianceResourceId"])
        got = sent.pop(key, None)
        if got is None:
            problems.append(f"no evaluation sent for {key}")
        else:
            problems.extend(f"{key[1]}: {p}" for p in mismatches(want, got))
    problems.extend(f"unexpected evaluation {e}" for e in sent.values())
    if problems:
        print(f"FAIL {expected_path}:\n  " + "\n  ".join(problems), file=sys.stderr)
        print(json.dumps(calls, indent=1), file=sys.stderr)
        return 1
    print(f"ok {expected_path}: {sum(len(c['Evaluations']) for c in calls)} evaluation(s) in {len(calls)} call(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
