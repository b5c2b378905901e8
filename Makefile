# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: run test install ingest eval bench check clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	# torch first: this exact version takes the local CPU wheel; anything else pulls CUDA builds.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e ".[test]"
	touch $(STAMP)

# axe-core (npm) is injected into pages by the accessibility tests; nothing from npm is served.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch node_modules/.installed

install: $(STAMP)

ingest: $(STAMP)
	$(VENV)/bin/pathways ingest

run: $(STAMP)
	$(VENV)/bin/pathways ingest
	$(VENV)/bin/pathways serve

check: $(STAMP)
	$(VENV)/bin/pathways ingest --check

eval: $(STAMP)
	$(VENV)/bin/pathways eval

bench: $(STAMP)
	$(VENV)/bin/pathways bench

test: $(STAMP) node_modules/.installed
	@command -v chromium >/dev/null 2>&1 || ./scripts/install-chromium.sh
	$(VENV)/bin/pathways ingest --check
	$(VENV)/bin/pathways ingest
	$(VENV)/bin/pathways eval --gate
	# A 60-second soak (32 clients): 0 errors, stable p95, RSS growth <= 10%; exits 1 on FAIL.
	$(VENV)/bin/pathways bench --soak 60 --out data/soak-ci.json
	# pytest last, so its summary line is the run's closing line (CI reads it to count the tests).
	$(VENV)/bin/python -m pytest; status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

clean:
	rm -rf $(VENV) data node_modules
