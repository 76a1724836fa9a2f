# The two commands a newcomer needs: `make up` runs Guanxi, `make test` runs the whole test suite.
# Both set everything up from a machine that has only Python 3.11.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: up test lint bench install browser clean messages

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found). Set PYTHON=/path/to/python3.11."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

up: install
	$(BIN)/guanxi up

browser:
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-gettext.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: install browser lint
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/signup.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/config.py --scale 0.1

messages: install
	$(BIN)/guanxi makemessages -l zh_Hans -l en --ignore=.venv --ignore=tests --ignore=bench --ignore=.data --no-obsolete
	$(BIN)/guanxi compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) .data .pytest_cache
