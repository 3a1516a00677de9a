# extbench: the two commands are `make all` (reproduce the figures) and `make test`.
VENV := .venv/bin
SNAKEMAKE := $(VENV)/snakemake --cores 2 --resources testbed=1 --printshellcmds

.PHONY: all smoke test lint setup clean

all: setup
	$(SNAKEMAKE) all --configfile config/config.yaml

smoke: setup
	$(SNAKEMAKE) all --configfile config/smoke.yaml

test: setup lint
	$(VENV)/pytest -ra tests

lint: setup
	$(VENV)/ruff check harness tests profiles topologies benchmarks

setup:
	bash scripts/setup.sh

clean:
	$(VENV)/extbench clean
