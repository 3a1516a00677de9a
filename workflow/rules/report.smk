# Tidy table of every trial, and the figures drawn from it.


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
            category="Figures",
        ),
        pdf=f"{RESULTS}/figures/{{figure}}.pdf",
    log:
        f"logs/figure/{RESULT_SET}/{{figure}}.log",
    params:
        machine=machine_description(),
        doc=lambda wildcards: " ".join(FIGURES[wildcards.figure].__doc__.split()),
    script:
        "../scripts/figure.py"
