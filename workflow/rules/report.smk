# Tidy table of every trial, the figures drawn from it, and the report's overview page.


rule tidy_table:
    input:
        expand(f"{RESULTS}/trials/{{trial}}.json", trial=TRIALS),
    output:
        f"{RESULTS}/trials.csv",
    log:
        f"logs/tidy_table/{RESULT_SET}.log",
    script:
        "../scripts/tidy_table.py"


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
    log:
        f"logs/figure/{RESULT_SET}/{{figure}}.log",
    params:
        doc=lambda wildcards: " ".join(FIGURES[wildcards.figure].__doc__.split()),
    script:
        "../scripts/figure.py"


rule report_overview:
    input:
        f"{RESULTS}/trials.csv",
    output:
        report(
            f"{RESULTS}/report/overview.html",
            caption="../report/overview.rst",
            category="1. Overview",
        ),
    log:
        f"logs/report_overview/{RESULT_SET}.log",
    script:
        "../scripts/report_overview.py"
