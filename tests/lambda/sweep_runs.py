"""Successive periodic sweeps of N training jobs with a short deadline and the state table, as
AWS Config would run them: each run is `sagerules-config-rule --event sweep.json
--deadline-seconds D` (local mode, PutEvaluations in TestMode). Prints the runs it took until
every job had a verdict, the calls per run (moto's recorder), and what one more run with no
new job described. Exits 1 when a job never got a verdict within MAX_RUNS, when a job was
reported COMPLIANT that the seed made non-compliant, or when the last run described a job
it had already judged.

    sweep_runs.py BINARY JOBS DEADLINE_SECONDS MAX_RUNS WORK
"""
import json
import os
import subprocess
import sys

from recorded import last_log_line, moto_api as moto, operations


def sweep(binary, path, deadline, env):
    moto("recorder/reset-recording")
    moto("recorder/start-recording")
    done = subprocess.run([binary, "--event", path, "--deadline-seconds", str(deadline)], capture_output=True, text=True, env=env)
    moto("recorder/stop-recording")
    recorded = operations(moto("recorder/download-recording", "GET"))
    calls = {op: recorded.count(op) for op in dict.fromkeys(recorded)}
    if done.returncode != 0:
        raise SystemExit(f"sweep failed: {done.stderr[-800:]}")
    return json.loads(done.stdout), last_log_line(done.stderr, "invocation done"), calls


def main(binary, jobs, deadline, max_runs, work):
    jobs, deadline, max_runs = int(jobs), int(deadline), int(max_runs)
    event = {"invokingEvent": json.dumps({"messageType": "ScheduledNotification", "notificationCreationTime": "2026-12-03T10:00:00.000Z"}),
             "ruleParameters": json.dumps({"families": "training", "describeConcurrency": "8"}), "resultToken": "TESTMODE",
             "accountId": "123456789012", "configRuleName": "sagerules-jobs"}
    path = os.path.join(work, "sweep.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(event, f)
    env = dict(os.environ, SAGERULES_STATE_TABLE="sagerules-state")
    verdicts, runs, problems = {}, 0, []
    while len(verdicts) < jobs and runs < max_runs:
        runs += 1
        evaluations, summary, calls = sweep(binary, path, deadline, env)
        for e in evaluations:
            verdicts[e["ComplianceResourceId"]] = e["ComplianceType"]
        print(f"run {runs:>3}: described {summary.get('jobs_described')}, listed {summary.get('jobs_listed')}, "
              f"skipped for the deadline {summary.get('skipped_for_deadline')}, judged so far {len(verdicts)}/{jobs}, "
              f"{summary.get('total_ms')} ms, calls {sum(calls.values())} {calls}")
    if len(verdicts) < jobs:
        problems.append(f"{jobs - len(verdicts)} jobs without a verdict after {runs} runs")
    # The seed alternates compliant (even) and bare (odd) jobs.
    wrong = [name for name, verdict in verdicts.items()
             if name.startswith("bulk-") and int(name[5:]) % 2 == 1 and verdict != "NON_COMPLIANT"]
    if wrong:
        problems.append(f"bare jobs not reported NON_COMPLIANT: {wrong[:5]}")
    evaluations, summary, calls = sweep(binary, path, deadline, env)
    again = summary.get("jobs_described")
    print(f"one more run, nothing new: described {again}, listed {summary.get('jobs_listed')}, calls {sum(calls.values())} {calls}")
    if again:
        problems.append(f"the run after full coverage described {again} jobs again")
    print(f"sweep-runs: {jobs} jobs, full coverage after {runs} runs of {deadline} s" if not problems else "sweep-runs: " + "; ".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))
