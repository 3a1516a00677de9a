# Tidy table of every trial, the figures drawn from it, and the report's overview page.
from harness.figures import FIGURES
from harness.report import figure_labels


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
            category="2. Figures",
            # Evaluated when the report is made, from the records the figure draws.
            labels=lambda wildcards, input: figure_labels(input[0], wildcards.figure),
        ),
        pdf=f"{RESULTS}/figures/{{figure}}.pdf",
    params:
        doc=lambda wildcards: " ".join(FIGURES[wildcards.figure].__doc__.split()),
    log:
        f"logs/figure/{config['name']}/{{figure}}.log",
    run:
        import pandas as pd

        FIGURES[wildcards.figure](pd.read_csv(input[0]), output.png)


rule report_overview:
    input:
        f"{RESULTS}/trials.csv",
    output:
        report(
            f"{RESULTS}/report/overview.html",
            caption="../report/overview.rst",
            category="1. Overview",
        ),
    run:
        from pathlib import Path

        import pandas as pd

        from harness.report import overview_html

        Path(output[0]).write_text(overview_html(pd.read_csv(input[0]), config))
