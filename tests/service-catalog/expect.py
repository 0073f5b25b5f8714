"""Asserts the verdicts of tests/service-catalog/run.sh: every control each secure product is
built for PASSes in its file (so the check followed LoadTemplateFromURL into it), nothing fails, the one
suppression carries its reason; each insecure copy fails exactly the expected rules.

    expect.py SECURE_JSON INSECURE_JSON
"""
import json
import sys

PRODUCTS = "cfn/service-catalog/products/"
SECURE_PASSES = {
    "notebook-instance.yaml": {
        "SAGEMAKER_NOTEBOOK_KMS", "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET", "SAGEMAKER_NOTEBOOK_ROOT_ACCESS_DISABLED",
        "SAGEMAKER_NOTEBOOK_IN_VPC", "SAGEMAKER_NOTEBOOK_PLATFORM", "SAGEMAKER_NOTEBOOK_IMDSV2",
        "SAGEMAKER_NOTEBOOK_INSTANCE_TYPE_ALLOWED", "SAGEMAKER_NOTEBOOK_REQUIRED_TAGS", "SAGEMAKER_REQUIRED_TAGS"},
    "endpoint.yaml": {
        "SAGEMAKER_MODEL_NETWORK_ISOLATION", "SAGEMAKER_MODEL_IN_VPC",
        "SAGEMAKER_ENDPOINT_CONFIG_KMS", "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT",
        "SAGEMAKER_ENDPOINT_CONFIG_DATA_CAPTURE_KMS", "SAGEMAKER_ENDPOINT_CONFIG_INSTANCE_TYPE_ALLOWED",
        "SAGEMAKER_REQUIRED_TAGS"},
    # SAGEMAKER_TRAINING_JOB_INTER_CONTAINER_ENCRYPTION passes in the combinations where the
    # InstanceCount parameter is 2 or 4 (its `when InstanceCount > 1` guard holds there).
    "training-pipeline.yaml": {
        "SAGEMAKER_TRAINING_JOB_VOLUME_KMS", "SAGEMAKER_TRAINING_JOB_OUTPUT_KMS", "SAGEMAKER_TRAINING_JOB_IN_VPC",
        "SAGEMAKER_TRAINING_JOB_NETWORK_ISOLATION", "SAGEMAKER_TRAINING_JOB_MAX_RUNTIME",
        "SAGEMAKER_TRAINING_JOB_INTER_CONTAINER_ENCRYPTION",
        "SAGEMAKER_TRAINING_JOB_INSTANCE_TYPE_ALLOWED", "SAGEMAKER_REQUIRED_TAGS"},
}
INSECURE = "tests/service-catalog/insecure/"
# (file, resource, rule, line) of every expected failure.
INSECURE_FAILS = {
    ("notebook-instance.yaml", "Notebook", "SAGEMAKER_NOTEBOOK_KMS"),
    ("notebook-instance.yaml", "Notebook", "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET"),
    ("notebook-instance.yaml", "Notebook", "SAGEMAKER_NOTEBOOK_ROOT_ACCESS_DISABLED"),
    ("notebook-instance.yaml", "Notebook", "SAGEMAKER_NOTEBOOK_IMDSV2"),
    ("notebook-instance.yaml", "Notebook", "SAGEMAKER_NOTEBOOK_INSTANCE_TYPE_ALLOWED"),
    ("endpoint.yaml", "Model", "SAGEMAKER_MODEL_NETWORK_ISOLATION"),
    ("endpoint.yaml", "EndpointConfig", "SAGEMAKER_ENDPOINT_CONFIG_KMS"),
    ("endpoint.yaml", "EndpointConfig", "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT"),
    ("endpoint.yaml", "EndpointConfig", "SAGEMAKER_ENDPOINT_CONFIG_DATA_CAPTURE_KMS"),
    ("training-pipeline.yaml", "Pipeline/Train", "SAGEMAKER_TRAINING_JOB_VOLUME_KMS"),
    ("training-pipeline.yaml", "Pipeline/Train", "SAGEMAKER_TRAINING_JOB_IN_VPC"),
    ("training-pipeline.yaml", "Pipeline/Train", "SAGEMAKER_TRAINING_JOB_NETWORK_ISOLATION"),
    ("training-pipeline.yaml", "Pipeline/Train", "SAGEMAKER_TRAINING_JOB_MAX_RUNTIME"),
    # Only in the combinations with InstanceCount 2 or 4 (its `when` guard).
    ("training-pipeline.yaml", "Pipeline/Train", "SAGEMAKER_TRAINING_JOB_INTER_CONTAINER_ENCRYPTION"),
}


def main():
    problems = []
    secure = json.load(open(sys.argv[1]))
    results = secure["results"]
    failed = [r for r in results if r["status"] in ("FAIL", "ERROR", "UNKNOWN")]
    if failed:
        problems.append(f"secure portfolio: {[(r['file'], r['resource'], r['rule'], r['status']) for r in failed]}")
    for name, rules in SECURE_PASSES.items():
        passed = {r["rule"] for r in results if r["status"] == "PASS" and r["file"].endswith(PRODUCTS + name)}
        if rules - passed:
            problems.append(f"{name}: expected PASS for {sorted(rules - passed)}")
    suppressed = secure.get("suppressed", [])
    if [(s.get("rule"), s.get("resource")) for s in suppressed] != [("SAGEMAKER_MODEL_PRIVATE_REGISTRY", "Model")] or \
            "private ECR repository" not in suppressed[0].get("reason", ""):
        problems.append(f"secure portfolio suppressions: {suppressed}")
    insecure = json.load(open(sys.argv[2]))["results"]
    fails = {(r["file"].rsplit("/", 1)[-1], r["resource"], r["rule"]) for r in insecure if r["status"] == "FAIL"}
    if fails != INSECURE_FAILS:
        problems.append(f"insecure products: missing {sorted(INSECURE_FAILS - fails)}, unexpected {sorted(fails - INSECURE_FAILS)}")
    for r in insecure:
        if r["status"] == "FAIL" and not (r["line"] and r["message"]):
            problems.append(f"a failure without a line or message: {r}")
        if r["rule"] == "SAGEMAKER_TRAINING_JOB_INTER_CONTAINER_ENCRYPTION" and r["status"] == "FAIL" \
                and "(with InstanceCount=2" not in r["message"]:
            problems.append(f"the inter-container failure does not name its combination: {r['message']}")
    for problem in problems:
        print(f"FAIL service-catalog: {problem}", file=sys.stderr)
    if problems:
        return 1
    count = sum(len(v) for v in SECURE_PASSES.values())
    print(f"service catalog: the portfolio's 3 products pass ({count} expected PASS verdicts, 0 failures, 1 suppression "
          f"with its reason); the insecure copies fail exactly {len(INSECURE_FAILS)} expected rules, each with a line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
