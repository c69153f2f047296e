# Development tasks. `make test` is the one gate (CI runs it through .ci/run).
PY ?= python3
VENV = .venv
BIN = $(VENV)/bin
PORT ?= 8000
# Test processes: the suite waits on sockets and subprocesses much of the time, so two
# workers halve its wall time on a 2-core machine. Modules stay whole on one worker
# (--dist loadscope): their shared emulators start once.
TEST_WORKERS ?= 2

.DEFAULT_GOAL := test
.PHONY: install test lint format sync api demo serve clean bench

install: $(VENV)/.installed

# (Re)install whenever pyproject.toml changes; the stamp records the last install.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

test: $(VENV)/.installed
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope
	@$(MAKE) --no-print-directory lint

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed
	$(BIN)/ruff check --select I --fix src tests scripts bench
	$(BIN)/ruff format src tests scripts bench

# The sync client is generated from the async source in src/esperclient/_async.
sync: $(VENV)/.installed
	$(BIN)/python scripts/gen_sync.py

# Esper's current API (src/esperclient/_generated), its async client families
# (_async/_api*.py, then their sync twins) and docs/api-coverage.md come from spec/esper-openapi.
api: $(VENV)/.installed
	$(BIN)/python scripts/gen_api.py
	$(BIN)/python scripts/gen_sync.py

demo: $(VENV)/.installed
	$(BIN)/python -m esper_emulator.demo

serve: $(VENV)/.installed
	$(BIN)/esper-emulator serve --port $(PORT) --db .esper-emulator.db --seed demo --control

# Benchmarks against esperclient 0.1.3 and the raw transports (see bench/README.md); not in `make test`.
bench: $(VENV)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache .esper-emulator
	rm -f .esper-emulator.db .esper-emulator.db-wal .esper-emulator.db-shm
	find src tests -depth \( -name __pycache__ -o -name '*.egg-info' -o -name .ruff_cache \
		-o -name .mypy_cache -o -name .pytest_cache \) -type d -exec rm -rf {} + 2>/dev/null || true
