# sagerules: every job a newcomer or CI needs. `make test` is what .ci/run calls.
#
# Tools installed here (not assumed on the machine): a Python venv in .venv with
# moto[server] (brings cfn-lint), cargo-lambda (brings zig), parliament, checkov and the AWS CLI
# (awscli), pinned in tests/requirements.txt.

SHELL := /bin/bash
VENV ?= .venv
PY ?= python3
CARGO ?= cargo
SAGERULES := target/debug/sagerules

.PHONY: all build run package lint test test-rust test-adversarial test-rules test-iam test-cfn test-lambda test-sarif test-ci test-deploy bench fuzz venv clean-venv deploy-templates

all: build

build:
	$(CARGO) build --workspace

## venv: the Python tools the tests drive (moto_server, cfn-lint, cargo-lambda).
venv: $(VENV)/.installed

$(VENV)/.installed: tests/requirements.txt
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r tests/requirements.txt
	touch $@

## run: check the bundled example templates with the bundled SageMaker rule pack, then with the
## example rules file (plain Guard syntax).
run:
	$(CARGO) build -p sagerules-cli
	-$(SAGERULES) check examples/templates/
	-$(SAGERULES) check --rules examples/rules/notebook.rules examples/templates/

## test: every test (Rust unit/integration/snapshot/proptest, rule-pack tests, cfn-lint, Lambda end to end).
test: venv
	$(MAKE) lint
	$(CARGO) build --workspace --all-targets
	$(MAKE) test-rust test-adversarial test-rules test-iam test-cfn test-lambda test-sarif test-ci test-deploy

## lint: the house rules, enforced: rustfmt's layout, and clippy with the workspace lints
## (no unwrap/expect/panic/indexing outside tests) as errors.
lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) nextest run --workspace --no-fail-fast
	$(CARGO) test --workspace --doc

## test-adversarial: hostile and broken inputs (FIFO, device, alias bomb, deep nesting, huge
## lines, bad UTF-8, unknown tags, non-templates, path escapes), each with its exit code and message.
test-adversarial:
	bash tests/adversarial/run.sh

test-rules:
	$(SAGERULES) test rules/
	$(SAGERULES) fmt --check rules/*.rules
	@# docs/controls.md is `sagerules rules --format markdown` followed by hand-written corpus results
	$(SAGERULES) rules --format markdown | diff -u - <(sed '/^<!-- corpus results/,$$d' docs/controls.md)

## test-iam: the generated IAM policies (identity, SCP, boundary) linted by parliament.
test-iam: venv
	PYTHON=$(CURDIR)/$(VENV)/bin/python bash tests/iam/run.sh

test-cfn: venv
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash tests/deploy/templates.sh
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash tests/service-catalog/run.sh

## deploy-templates: regenerate cfn/ and docs/config-rules.md from the rule pack (test-cfn fails
## when they are stale).
deploy-templates:
	$(CARGO) run --quiet --package sagerules-cli --bin sagerules -- deploy-template --out-dir cfn
	$(CARGO) run --quiet --package sagerules-cli --bin sagerules -- deploy-template --kind docs > docs/config-rules.md

test-lambda: venv
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash tests/lambda/run.sh

## test-sarif: `sagerules check --format sarif` validated by Microsoft's SARIF multitool (npm,
## installed into .tools/sarif).
SARIF_MULTITOOL := .tools/sarif/node_modules/.bin/sarif-multitool

$(SARIF_MULTITOOL):
	npm install --silent --no-audit --no-fund --prefix .tools/sarif @microsoft/sarif-multitool@5.7.0
	chmod u+x .tools/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool

test-sarif: $(SARIF_MULTITOOL)
	SARIF_MULTITOOL=$(CURDIR)/$(SARIF_MULTITOOL) $(CARGO) test -p sagerules-cli --test sarif -- --ignored

## package: the Lambda zips for provided.al2023 (dist/sagerules-config-rule-{arm64,x86_64}.zip),
## cross-built with cargo-lambda and zig, checked for AL2023's glibc and the 10 MiB limit.
package: venv
	VENV=$(CURDIR)/$(VENV) bash tests/package/build.sh

## test-deploy: the README's "Deploying to AWS" commands, run unchanged with the AWS CLI against
## moto (after make package, whose zip they upload).
test-deploy: package
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" VENV=$(CURDIR)/$(VENV) bash tests/deploy/walkthrough.sh

## test-ci: the GitHub Action's steps, the pre-commit hooks and the CodeBuild buildspec, run as a
## pipeline runs them (with `cargo install --path crates/sagerules-cli` as the install).
test-ci: venv
	VENV=$(VENV) bash tests/ci/run.sh

## bench: release builds, figures and ratios against cfn-guard when it is installed; then the
## Lambda's responses: 100 events against 1,000 jobs in moto, calls per event and two sweeps;
## then 20,000 jobs swept by successive 4-second invocations until every one has a verdict, and
## 1,000 jobs under each injected fault.
bench:
	bash tests/bench/run.sh
	bash tests/lambda/respond-bench.sh
	JOBS=20000 DEADLINE=4 MAX_RUNS=400 PROFILE=release bash tests/lambda/sweep-runs.sh
	JOBS=1000 DEADLINE=4 MAX_RUNS=100 RATE=0.2 SLOW=2 PROFILE=release bash tests/lambda/sweep-faults.sh

## fuzz: time-boxed cargo-fuzz runs of every parser of untrusted input.
fuzz:
	bash tests/fuzz/run.sh

clean-venv:
	rm -rf $(VENV)
