# Two entry points: `make app` and `make test`. Both bootstrap .venv from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PYBAMM_DISABLE_TELEMETRY := true

.PHONY: app test lint bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@# pip compiles what it installs, not an editable project: Sortie's own bytecode now, so
	@# that no process (each sweep worker) compiles it again where PYTHONDONTWRITEBYTECODE is set.
	$(BIN)/python -m compileall -q sortie ui app.py
	touch $(STAMP)

app: $(STAMP)
	$(BIN)/streamlit run app.py

# The browser test drives Debian's Chromium; install it where we may (CI runs as root).
chromium:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the browser test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "no chromium and no root to install it: the browser test will skip (it fails under CI)"; \
	fi

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_mission.py
	$(BIN)/python benchmarks/bench_design.py
	$(BIN)/python benchmarks/bench_explorer.py
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_sweep.py --sweep examples/sweeps/spme-1000.toml --skip-dask
	$(BIN)/python benchmarks/bench_pack_thermal.py
	$(BIN)/python benchmarks/bench_life.py
	$(BIN)/python benchmarks/bench_life_cycle.py
	$(BIN)/python benchmarks/bench_browser.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
