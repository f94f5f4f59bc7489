# Wismo — the two commands:
#   make demo            run the demo (make demo ARGS="--port 5001")
#   make test            run the test suite (make test ARGS="-k webhook -x")
# and for contributors:
#   make lint            ruff, mypy, the import contracts, the PHP standards and the translations
#   make venv            only create/refresh .venv
#   make clean           remove .venv and caches

SHELL := /bin/bash
ARGS ?=

.PHONY: help demo test lint venv clean

help:
	@sed -n 's/^#   //p' Makefile

venv:
	@scripts/bootstrap

demo: venv
	.venv/bin/wismo demo $(ARGS)

test:
	@scripts/test $(ARGS)

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy core adapters webapp wismo
	.venv/bin/lint-imports
	scripts/phpcs -q
	scripts/i18n check

clean:
	rm -rf .venv .pytest_cache .mypy_cache .ruff_cache .import_linter_cache .hypothesis
