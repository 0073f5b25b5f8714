#!/usr/bin/env python3
"""Counts what a `sagerules check` output reports, so `make bench` can show that a timed run
really produced its findings (a fast run that reported nothing would prove nothing).

    count.py json|sarif|junit|text FILE [RULE]

json:  "results N (PASS a, FAIL b, SKIP c), errors e"   (sagerules' --format json)
sarif: "results N"                                       (runs[*].results)
junit: "testcases N, failures F"
text:  "lines naming RULE: N"
"""

import json
import re
import sys


def count_json(text, _rule):
    doc = json.loads(text)
    results = doc.get("results", [])
    by_status = {}
    for result in results:
        status = result.get("status", "?")
        by_status[status] = by_status.get(status, 0) + 1
    statuses = ", ".join(f"{k} {by_status.get(k, 0)}" for k in ("PASS", "FAIL", "SKIP"))
    return f"results {len(results)} ({statuses}), errors {len(doc.get('errors', []))}"


def count_sarif(text, _rule):
    doc = json.loads(text)
    return f"results {sum(len(run.get('results', [])) for run in doc.get('runs', []))}"


def count_junit(text, _rule):
    cases = len(re.findall(r"<testcase\b", text))
    failures = len(re.findall(r"<failure\b", text))
    return f"testcases {cases}, failures {failures}"


def count_text(text, rule):
    return f"lines naming {rule}: {sum(1 for line in text.splitlines() if rule in line)}"


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    kind, path = argv[1], argv[2]
    rule = argv[3] if len(argv) > 3 else ""
    counter = {"json": count_json, "sarif": count_sarif, "junit": count_junit, "text": count_text}
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    try:
        print(counter[kind](text, rule))
    except (ValueError, KeyError, AttributeError, TypeError) as error:
        print(f"unreadable {kind} output ({type(error).__name__}: {error}); {len(text)} bytes")


if __name__ == "__main__":
    main(sys.argv)
