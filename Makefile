# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
# `make` alone lists the targets.
.DEFAULT_GOAL := help
.PHONY: help run test check unit hooks setup train evaluate actions shell lint bench scale corrections console-bench

# The code each environment lints and type-checks (one list, used by `check` and scripts/test.sh).
RASA_CODE := actions assistant evaluation curation launcher bench
WEB_CODE := web console_tools

help:    ## this list
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2; next} \
	  /^ +## / {sub(/^ +## /, ""); printf "  %-19s %s\n", "", $$0}' $(MAKEFILE_LIST)

run:     ## install what is missing, train if data changed, start everything
	scripts/run.sh

test:    ## the whole suite, as CI runs it (~25 min: setup, audit, check, unit, train, model, scale, web)
	scripts/test.sh

check:   ## lint (ruff) and types (mypy) on both environments' code
	.venv/bin/ruff check $(RASA_CODE) tests --exclude tests/web
	.venv-web/bin/ruff check $(WEB_CODE) tests/web
	.venv/bin/ruff format --check $(RASA_CODE) $(WEB_CODE) tests
	.venv-web/bin/mypy --python-executable .venv/bin/python --python-version 3.10 $(RASA_CODE)
	.venv-web/bin/mypy $(WEB_CODE)

hooks:   ## pre-commit (pinned, into var/hook-tools) with the same checks as `make check`, as a git hook
	[ -x var/hook-tools/bin/pre-commit ] || { python3 -m venv var/hook-tools && \
	  var/hook-tools/bin/pip install -q pre-commit==4.0.1; }
	var/hook-tools/bin/pre-commit install

UNIT_TESTS := tests/contract tests/assistant tests/actions tests/evaluation tests/launcher tests/curation tests/bench
UNIT_MARK ?= not slow
unit:    ## contract and unit tests, no training, root or browser, in under a minute (UNIT_MARK= for the slow ones too)
	.venv/bin/python -m pytest -q -m "$(UNIT_MARK)" $(UNIT_TESTS)

setup:   ## virtualenvs, packages, the spaCy pipeline, Chromium
	scripts/setup.sh && scripts/setup_web.sh

train:   ## train models/crs.tar.gz (skipped when nothing changed)
	scripts/setup.sh && scripts/train.sh

evaluate: ## the trained model on the held-out and red-flag sets, per label, with the misses;
          ## add sets in the dev-set format: make evaluate SETS="dev=../shared/dev-set/parents.yml"
	scripts/setup.sh && scripts/train.sh && .venv/bin/python -m evaluation $(foreach s,$(SETS),--set $(s))

corrections: ## review the console's corrections export, merge the accepted ones into data/nlu/, retrain, evaluate:
             ## make corrections FILE=console_corrections.yml [ARGS="--accept-all | --dry-run | --no-train"]
	$(if $(FILE),,$(error usage: make corrections FILE=console_corrections.yml [ARGS=--dry-run]))
	scripts/setup.sh && .venv/bin/python -m curation "$(FILE)" $(ARGS)

actions: ## only the action server, for `rasa shell` in another terminal
	scripts/setup.sh && SANIC_HOST=127.0.0.1 .venv/bin/rasa run actions --actions actions

shell:   ## talk to the bot in the terminal (start `make actions` first)
	scripts/setup.sh && scripts/train.sh && .venv/bin/rasa shell --model models/crs.tar.gz

bench:   ## project vs Rasa's default config, one run, then a 20-min soak (~50 min): results/bench.md
	scripts/bench.sh

scale:   ## 2 Rasa replicas + actions behind nginx, PostgreSQL + Redis (Ctrl-C stops)
	scripts/scale.sh

console-bench: ## the staff console with 10k/50k/100k seeded conversations on SQLite and
               ## PostgreSQL (~25 min; SIZES=1000,5000 for less): results/console-scale.md
	.venv-web/bin/python -m console_tools.scale_bench --database-url sqlite \
	  --database-url $${CRS_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}/postgres \
	  $(if $(SIZES),--sizes $(SIZES))

lint: check ## the same as `make check`
