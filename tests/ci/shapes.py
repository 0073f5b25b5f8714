"""Checks that action.yml, .pre-commit-hooks.yaml and examples/codebuild/buildspec.yml carry
the names tests/ci/run.sh and their users rely on; prints each problem and exits 1 on any."""
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return yaml.safe_load(f)


problems = []
action = load("action.yml")
if action.get("runs", {}).get("using") != "composite":
    problems.append("action.yml: not a composite action")
for name in ["paths", "args", "version", "sarif-file", "upload-sarif"]:
    if name not in action.get("inputs", {}):
        problems.append(f"action.yml: no input {name}")
steps = action.get("runs", {}).get("steps", [])
scripts = [s.get("run", "") for s in steps]
for script in ["tests/ci/install.sh", "tests/ci/check.sh"]:
    if not any(script in s for s in scripts):
        problems.append(f"action.yml: no step runs {script}")
    if not os.path.exists(os.path.join(ROOT, script)):
        problems.append(f"{script} is missing")
if not any("upload-sarif" in str(s.get("uses", "")) for s in steps):
    problems.append("action.yml: no SARIF upload step")
hooks = load(".pre-commit-hooks.yaml")
ids = {h.get("id") for h in hooks}
if ids != {"sagerules-check", "sagerules-check-system"}:
    problems.append(f".pre-commit-hooks.yaml: ids {sorted(ids)}")
for hook in hooks:
    if hook.get("entry") != "sagerules check":
        problems.append(f".pre-commit-hooks.yaml: {hook.get('id')} entry {hook.get('entry')!r}")
spec = load("examples/codebuild/buildspec.yml")
if str(spec.get("version")) != "0.2" or "build" not in spec.get("phases", {}):
    problems.append("buildspec.yml: not a 0.2 buildspec with a build phase")
if spec.get("reports", {}).get("sagerules", {}).get("file-format") != "JUNITXML":
    problems.append("buildspec.yml: no JUnit report")
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
