"""Sweeps under injected faults: for each fault mode, fault_proxy.py sits between the Lambda and
moto_server, and successive sweeps (`--deadline-seconds D`, state table) run until every job
has a verdict. What AWS Config received is read from moto's recorder (PutEvaluations bodies).

    sweep_faults.py BINARY JOBS DEADLINE_SECONDS MAX_RUNS RATE WORK [MODE ...]

Checks, per mode: no panic; every job judged within MAX_RUNS; no job reported COMPLIANT that
the seed made non-compliant (odd-numbered `bulk-` jobs); when a fault cost a verdict or a run,
it is visible: a WARN/ERROR log line, and for a failed run the InvocationErrors metric line.
"""
import json
import os
import socket
import subprocess
import sys
import time

from recorded import moto_api as moto, put_evaluation_calls

MODES = ["throttle", "server", "slow", "drop", "truncate"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port):
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"fault proxy on {port} did not start")


def run_mode(binary, mode, jobs, deadline, max_runs, rate, work):
    port = free_port()
    proxy_log = open(os.path.join(work, f"proxy-{mode}.log"), "w", encoding="utf-8")
    proxy = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "fault_proxy.py"), str(port),
                              os.environ["AWS_ENDPOINT_URL"], mode, str(rate), "7"], stderr=proxy_log)
    try:
        wait_port(port)
        rule = f"sagerules-jobs-{mode}"
        event = {"invokingEvent": json.dumps({"messageType": "ScheduledNotification", "notificationCreationTime": "2026-12-03T10:00:00.000Z"}),
                 "ruleParameters": json.dumps({"families": "training"}), "resultToken": "TESTMODE",
                 "accountId": "123456789012", "configRuleName": rule}
        path = os.path.join(work, f"sweep-{mode}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(event, f)
        env = dict(os.environ, SAGERULES_STATE_TABLE="sagerules-state", AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}")
        verdicts, problems = {}, []
        runs = failed_runs = warnings = errors = metrics = unjudged_runs = 0
        while len(verdicts) < jobs and runs < max_runs:
            runs += 1
            moto("recorder/reset-recording")
            moto("recorder/start-recording")
            done = subprocess.run([binary, "--event", path, "--deadline-seconds", str(deadline)], capture_output=True, text=True, env=env)
            moto("recorder/stop-recording")
            calls = put_evaluation_calls(moto("recorder/download-recording", "GET"))
            for e in (e for call in calls for e in call.get("Evaluations", [])):
                verdicts[e["ComplianceResourceId"]] = e["ComplianceType"]
            log = done.stderr
            if "panicked" in log or done.returncode not in (0, 1):
                problems.append(f"run {runs}: exit {done.returncode}, panic or crash: {log[-300:]}")
            failed_runs += done.returncode != 0
            warnings += log.count('"level":"WARN"')
            errors += log.count('"level":"ERROR"')
            metrics += log.count('"InvocationErrors":1')
            summary = [json.loads(l) for l in log.splitlines() if '"invocation done"' in l]
            if summary and (summary[-1].get("describe_failed") or 0) > 0:
                unjudged_runs += 1
            if done.returncode != 0 and '"InvocationErrors":1' not in log:
                problems.append(f"run {runs} failed without the InvocationErrors metric line")
        proxy_log.flush()
        injected = sum(1 for line in open(proxy_log.name, encoding="utf-8") if line.startswith("fault "))
        if len(verdicts) < jobs:
            problems.append(f"{jobs - len(verdicts)} jobs without a verdict after {runs} runs")
        wrong = [n for n, v in verdicts.items() if n.startswith("bulk-") and int(n[5:]) % 2 == 1 and v != "NON_COMPLIANT"]
        if wrong:
            problems.append(f"bare jobs reported {verdicts[wrong[0]]}: {wrong[:3]}")
        if (failed_runs or unjudged_runs) and not (warnings or errors):
            problems.append("faults cost verdicts or runs, but no WARN/ERROR line says so")
        if injected == 0:
            problems.append("no fault was injected")
        status = "FAIL" if problems else "ok  "
        print(f"{status} {mode:<9} faults injected {injected:>4}, runs to full coverage {runs:>2}, failed runs {failed_runs}, "
              f"runs with a failed Describe {unjudged_runs}, WARN {warnings}, ERROR {errors}, InvocationErrors {metrics}"
              + ("".join(f"\n       {p}" for p in problems)))
        return not problems
    finally:
        proxy.terminate()
        proxy.wait()
        proxy_log.close()


def main(binary, jobs, deadline, max_runs, rate, work, *modes):
    results = [run_mode(binary, mode, int(jobs), int(deadline), int(max_runs), float(rate), work) for mode in (modes or MODES)]
    print(f"sweep-faults: {sum(results)} modes passed, {len(results) - sum(results)} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
