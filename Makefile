# extbench: the two commands are `make all` (reproduce the figures) and `make test`.
VENV := .venv/bin
# The target comes first: --resources and --configfile take several values.
SNAKEMAKE = $(VENV)/snakemake $(1) --cores 2 --resources testbed=1 --printshellcmds

.PHONY: all smoke report test lint setup clean

all: setup
	$(call SNAKEMAKE,all) --configfile config/config.yaml

smoke: setup
	$(call SNAKEMAKE,all) --configfile config/smoke.yaml

report: setup
	$(call SNAKEMAKE,all) --configfile config/config.yaml --report results/full/report.html

test: setup lint
	$(VENV)/pytest -ra tests

lint: setup
	$(VENV)/ruff check harness tests profiles topologies benchmarks

setup:
	bash scripts/setup.sh

clean:
	$(VENV)/extbench clean
