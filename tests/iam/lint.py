#!/usr/bin/env python3
"""Lints policies `sagerules iam-policy` wrote with parliament (PyPI): every finding is printed,
and the run fails on any finding above LOW, and on any unknown action or condition key.

    python tests/iam/lint.py POLICY.json [...]   # a document, or a JSON list of documents
"""

import json
import sys

import parliament
from parliament import analyze_policy_string

# Issues that mean the generator named something IAM does not know, whatever their severity.
ALWAYS_FATAL = {
    "UNKNOWN_ACTION",
    "UNKNOWN_PREFIX",
    "UNKNOWN_CONDITION_FOR_ACTION",
    "UNKNOWN_OPERATOR",
    "MISMATCHED_TYPE",
    "MISMATCHED_TYPE_OPERATION_TO_NULL",
    "MALFORMED",
}
SEVERITY_ORDER = ["INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]


def severity(issue):
    config = parliament.config.get(issue, {})
    return config.get("severity", "MEDIUM")


def main(paths):
    fatal = 0
    documents = 0
    for path in paths:
        loaded = json.load(open(path))
        for doc in loaded if isinstance(loaded, list) else [loaded]:
            documents += 1
            policy = analyze_policy_string(json.dumps(doc))
            for finding in policy.findings:
                level = severity(finding.issue)
                bad = finding.issue in ALWAYS_FATAL or SEVERITY_ORDER.index(level) > 1
                fatal += bad
                print(f"{'FAIL' if bad else 'note'} {path}: {finding.issue} ({level}) {finding.detail}")
    print(f"parliament {parliament.__version__}: {documents} documents, {fatal} findings above LOW")
    return 1 if fatal else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
