# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCALES := locales
POT := $(LOCALES)/messages.pot
KEYWORDS := -k gettext -k ngettext:1,2 -k N_
EXTRACT := $(BIN)/pybabel extract -F $(LOCALES)/babel.cfg $(KEYWORDS) --no-location --sort-output \
	--project=Kaikubot --copyright-holder="Kaikubot developers" --no-wrap -o
PO := $(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test install install-test catalogs extract update-catalogs lint typecheck pytest migrate bench clean

# Without a bot token (environment or .env) `make run` opens the sandbox instead of failing.
run: install catalogs migrate
	@if [ -n "$$KAIKUBOT_TOKEN" ] || \
		grep -Eqs '^[[:space:]]*(export[[:space:]]+)?KAIKUBOT_TOKEN[[:space:]]*=[[:space:]]*"?[^[:space:]#"]' .env; then \
		$(BIN)/kaikubot run; \
	else \
		echo "No bot token configured, so this is the sandbox (demo data, no Telegram). For the real bot, get a token from @BotFather and put it in KAIKUBOT_TOKEN (environment or .env)."; \
		$(BIN)/kaikubot sandbox; \
	fi

test: install-test catalogs lint typecheck pytest

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Compiled catalogs are build products, never committed; compile refuses fuzzy entries.
catalogs: $(MO)

$(LOCALES)/%/LC_MESSAGES/messages.mo: $(LOCALES)/%/LC_MESSAGES/messages.po | $(BIN)/python
	$(BIN)/pybabel compile --statistics -i $< -o $@

# For translators: refresh messages.pot from the code, then merge it into every catalog.
extract: install
	$(EXTRACT) $(POT) .

update-catalogs: extract
	$(BIN)/pybabel update -i $(POT) -d $(LOCALES) -D messages --no-wrap --ignore-obsolete

migrate: install
	@$(BIN)/kaikubot db upgrade

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	$(BIN)/mypy

pytest: install-test catalogs
	$(BIN)/pytest

# Benchmarks print figures (they are not tests); the README shows the latest.
bench: install-test catalogs
	$(BIN)/python -m bench.throughput
	$(BIN)/python -m bench.issuing
	$(BIN)/python -m bench.guideline_quality
	$(BIN)/python -m bench.guideline_speed
	$(BIN)/python -m bench.summary
	$(BIN)/python -m bench.privacy

clean:
	rm -rf $(VENV) $(MO) .pytest_cache .mypy_cache .ruff_cache
