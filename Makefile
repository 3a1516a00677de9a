# extbench: the two commands are `make all` (reproduce the figures) and `make test`.
# The workflow is workflow/Snakefile; its default profile (workflow/profiles/default) sets
# the cores and --resources testbed=1, and each target passes its config explicitly.
VENV := .venv/bin
# The target comes first: --configfile takes several values.
SNAKEMAKE = $(VENV)/snakemake $(1) --cores 2 --resources testbed=1 --printshellcmds

.PHONY: all smoke report test lint setup clean slurm-local

all: setup
	$(call SNAKEMAKE,all) --configfile config/config.yaml

smoke: setup
	$(call SNAKEMAKE,all) --configfile config/smoke.yaml

report: setup
	$(call SNAKEMAKE,all) --configfile config/config.yaml --report results/full/report.html

test: setup lint
	$(VENV)/pytest -ra tests

lint: setup
	$(VENV)/ruff check .
	$(VENV)/snakefmt --check workflow

setup:
	bash scripts/setup.sh

clean:
	$(VENV)/extbench clean
