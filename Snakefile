# extbench workflow: build OVS variants, run trials, tidy the records, draw the figures.
# `make all` runs it on config/config.yaml, `make smoke` on config/smoke.yaml.
from snakemake.utils import validate

from harness import matrix


configfile: "config/config.yaml"


validate(config, "config/schema.yaml")


report: "report/workflow.rst"

RESULTS = f"results/{config['name']}"
TRIALS = matrix.trials(config)


wildcard_constraints:
    variant=r"[a-z0-9_-]+",
    trial=matrix.TRIAL_CONSTRAINT,
    figure=r"[a-z_]+",


include: "rules/build.smk"
include: "rules/extensions.smk"
include: "rules/trials.smk"
include: "rules/report.smk"


rule all:
    input:
        f"{RESULTS}/trials.csv",
        f"{RESULTS}/report/overview.html",
        expand(f"{RESULTS}/figures/{{figure}}.png", figure=config["figures"] or list(FIGURES)),
