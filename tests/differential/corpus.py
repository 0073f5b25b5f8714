#!/usr/bin/env python3
"""Compares sagerules' and cfn-guard 3.2.1's verdicts, file by file and rule by rule, over a
corpus of templates (not part of CI: it needs cfn-guard and the corpus).

    cargo build --release -p sagerules-core --example verdicts
    tests/differential/corpus.py tests/bench/eight.guard ../shared/corpus/templates

Prints every disagreement and a summary line.
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

GUARD = os.environ.get("CFN_GUARD", "/work/tools/cfn-guard/bin/cfn-guard")
ROOT = Path(__file__).resolve().parents[2]


def ours(rules, data):
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    out = subprocess.run([str(target / "release/examples/verdicts"), rules, data], capture_output=True, text=True, check=True)
    verdicts = {}
    for line in out.stdout.splitlines():
        path, rule, status = line.split("\t")
        verdicts.setdefault(path, {})[rule] = status
    return verdicts


def guard(rules, path):
    run = subprocess.run([GUARD, "validate", "-r", rules, "-d", path, "-o", "json", "-S", "none"], capture_output=True, text=True)
    if run.returncode not in (0, 19):
        return None
    report = json.loads(run.stdout)
    verdicts = {name: "PASS" for name in report.get("compliant", [])}
    verdicts.update({name: "SKIP" for name in report.get("not_applicable", [])})
    verdicts.update({entry["Rule"]["name"]: "FAIL" for entry in report.get("not_compliant", [])})
    return verdicts


def main():
    rules, data = sys.argv[1], sys.argv[2]
    mine = ours(rules, data)
    paths = sorted(mine)
    with ThreadPoolExecutor(4) as pool:
        theirs = dict(zip(paths, pool.map(lambda p: guard(rules, p), paths)))
    agree = differ = unreadable = 0
    for path in paths:
        if theirs[path] is None:
            unreadable += 1
            print(f"cfn-guard cannot read {path}")
            continue
        for rule, status in sorted(mine[path].items()):
            if theirs[path].get(rule) == status:
                agree += 1
            else:
                differ += 1
                print(f"{path}\t{rule}\tsagerules {status}\tcfn-guard {theirs[path].get(rule)}")
    print(f"{agree} verdicts agree, {differ} differ, {len(paths)} files ({unreadable} cfn-guard cannot read)")


if __name__ == "__main__":
    main()
