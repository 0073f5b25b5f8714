#!/usr/bin/env python3
"""Records cfn-guard 3.2.1's verdicts for every differential case.

Each `tests/differential/*.yaml` file holds a list of cases:

    - name: exists_on_missing_key
      rules: |
        rule r { Resources.*.Properties.X exists }
      data: {Resources: {A: {Properties: {}}}}
      params: {...}            # optional, passed with --input-params
      deviation: "why"         # optional: sagerules differs on purpose
      expected: {r: FAIL}      # only kept for deviations (our verdict)

This script runs `cfn-guard validate` on each case and writes what Guard said into `guard:`
(`{RULE: PASS|FAIL|SKIP}`, or `ERROR` when Guard rejected the rules or aborted). The Rust test
`crates/sagerules-core/tests/differential.rs` then asserts that sagerules gives `expected`
where a case has a `deviation`, and Guard's recorded verdicts everywhere else. CI only needs
the recorded files, not cfn-guard.

Usage: tests/differential/record.py [--guard PATH] [FILE.yaml ...]
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

import yaml

HERE = pathlib.Path(__file__).resolve().parent
DEFAULT_GUARD = "/work/tools/cfn-guard/bin/cfn-guard"


class BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings (rule text) as `|` blocks so the files stay readable."""


def _str_presenter(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


BlockDumper.add_representer(str, _str_presenter)


def guard_verdicts(guard, case):
    """Runs Guard on one case; returns {rule: status} or the string "ERROR"."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        rules = tmp / "case.guard"
        data = tmp / "data.json"
        rules.write_text(case["rules"])
        data.write_text(json.dumps(case["data"]))
        cmd = [guard, "validate", "-r", str(rules), "-d", str(data), "-o", "json", "-S", "none"]
        if "params" in case:
            params = tmp / "params.json"
            params.write_text(json.dumps(case["params"]))
            cmd += ["-i", str(params)]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if run.returncode not in (0, 19):
            return "ERROR"
        report = json.loads(run.stdout)
        return dict(_statuses(report))


def _statuses(report):
    for rule in report.get("compliant", []):
        yield _rule_name(rule), "PASS"
    for rule in report.get("not_applicable", []):
        yield _rule_name(rule), "SKIP"
    for entry in report.get("not_compliant", []):
        yield _rule_name(entry["Rule"]["name"]), "FAIL"


def _rule_name(name):
    """Guard calls the implicit rule `<file>/default`; sagerules calls it `default`."""
    return "default" if name.endswith("/default") else name


def record(path, guard):
    cases = yaml.safe_load(path.read_text()) or []
    for case in cases:
        case["guard"] = guard_verdicts(guard, case)
        if "deviation" not in case:
            case.pop("expected", None)
    path.write_text(yaml.dump(cases, Dumper=BlockDumper, sort_keys=False, width=100))
    return len(cases)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guard", default=DEFAULT_GUARD)
    parser.add_argument("files", nargs="*", type=pathlib.Path)
    args = parser.parse_args()
    files = args.files or sorted(HERE.glob("*.yaml"))
    total = sum(record(path, args.guard) for path in files)
    print(f"recorded {total} cases in {len(files)} files", file=sys.stderr)


if __name__ == "__main__":
    main()
