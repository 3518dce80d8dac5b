# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Reinstall when the dependencies or the set of packages change (the editable install maps packages once).
STAMP := $(VENV)/.installed-$(shell { cat pyproject.toml; ls -d */__init__.py services/*/__init__.py; } | sha1sum | cut -c1-12)

.PHONY: run test bench chaos broker setup clean rebuild-index

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'pip==26.3'
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

# `make test` runs every test, the chaos ones included; `make chaos` runs only those.
# Starts a local RabbitMQ when AMQP_URI is unset and one is installed but stopped.
broker:
	@bash deploy/rabbitmq/ensure-local.sh

run: setup broker
	$(BIN)/clearinghouse run

test: setup broker
	$(BIN)/nameko test $(PYTEST_ARGS)

chaos: setup broker
	$(BIN)/nameko test -m chaos $(PYTEST_ARGS)

bench: setup broker
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Reindex search from the owning services on a running platform (progress on stderr).
rebuild-index: setup
	$(BIN)/clearinghouse search rebuild

clean:
	rm -rf $(VENV) .data
