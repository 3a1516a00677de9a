# Tidy table of every trial, and the figures drawn from it.
from harness.figures import FIGURES
from harness.provenance import machine_description


rule tidy_table:
    input:
        expand(f"{RESULTS}/trials/{{trial}}.json", trial=TRIALS),
    output:
        f"{RESULTS}/trials.csv",
    log:
        f"logs/tidy_table/{config['name']}.log",
    run:
        from harness.results import tidy_table

        tidy_table(input).to_csv(output[0], index=False)


rule figure:
    input:
        f"{RESULTS}/trials.csv",
    output:
        png=report(
            f"{RESULTS}/figures/{{figure}}.png",
            caption="../report/figure.rst",
            category="Figures",
        ),
        pdf=f"{RESULTS}/figures/{{figure}}.pdf",
    params:
        machine=machine_description(),
        doc=lambda wildcards: " ".join(FIGURES[wildcards.figure].__doc__.split()),
    log:
        f"logs/figure/{config['name']}/{{figure}}.log",
    run:
        import pandas as pd

        FIGURES[wildcards.figure](pd.read_csv(input[0]), output.png)
