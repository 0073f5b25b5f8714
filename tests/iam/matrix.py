#!/usr/bin/env python3
"""Writes rules/iam-condition-keys.json: for every SageMaker Create*/Update* action, the
condition keys IAM evaluates for it, as the AWS Service Authorization Reference lists them.

The reference is read from the copy `parliament` (PyPI) bundles (`iam_definition.json`), so the
matrix the policy generator checks against is the one parliament lints with. Run it again after
upgrading parliament and commit the result:

    .venv/bin/python tests/iam/matrix.py
"""

import datetime
import json
import os
import pathlib

import parliament

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "rules" / "iam-condition-keys.json"


def main():
    path = pathlib.Path(os.path.dirname(parliament.__file__)) / "iam_definition.json"
    services = json.loads(path.read_text())
    sagemaker = next(s for s in services if s["prefix"] == "sagemaker")
    actions = {}
    for privilege in sagemaker["privileges"]:
        name = privilege["privilege"]
        if not name.startswith(("Create", "Update")):
            continue
        keys = sorted({k for rt in privilege["resource_types"] for k in rt["condition_keys"]})
        actions[name] = keys
    version = getattr(parliament, "__version__", "unknown")
    doc = {
        "source": "AWS Service Authorization Reference, SageMaker (service prefix sagemaker), "
        f"as bundled by parliament {version} (iam_definition.json)",
        "extracted": datetime.date.today().isoformat(),
        "actions": dict(sorted(actions.items())),
    }
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(actions)} actions")


if __name__ == "__main__":
    main()
