# One job per trial; measurement jobs hold the 'testbed' resource so that two never run
# at once on one machine (workflow/profiles/default and make pass --resources testbed=1),
# while builds run in parallel.
# The trials of one configuration form a chain (harness.matrix.run_order): each waits for
# the record of the one before, so variants run interleaved (A B C A B C …) whatever order
# the scheduler picks. The link is ancient(): it orders the jobs, and a rerun of one trial
# does not make the rest of its chain outdated.


rule trial:
    input:
        manifest=trial_manifest,
        extension=trial_extension_objects,
        engine=trial_engine,
        previous=previous_trial,
    output:
        f"{RESULTS}/trials/{{trial}}.json",
    log:
        f"logs/trial/{RESULT_SET}/{{trial}}.log",
    benchmark:
        f"logs/benchmarks/trial/{RESULT_SET}/{{trial}}.tsv"
    resources:
        testbed=1,
    params:
        args=trial_args,
        # fixed: one trial at the rate in the path; ndr/pdr: a rate search (from the max).
        command=(
            "trial"
            if config["trial_kind"] == "fixed"
            else (
                f"ndr --kind {config['trial_kind']} "
                f"--trials-per-rate {config['search_trials_per_rate']}"
            )
        ),
    shell:
        ".venv/bin/extbench {params.command} {params.args} --out {output} > {log} 2>&1"


# Instructions per packet in the datapath's input path, counted by callgrind
# (benchmarks/datapath_instructions.py: vanilla, oko and oko-fold with fold-chain's chains
# of 1 and 10, EMC and megaflow hits). Deterministic, so one run; a target of its own,
# not part of 'all': snakemake … results/<config>/<measurement>/datapath_instructions.json
rule datapath_instructions:
    input:
        expand(
            "build/ovs/{variant}/manifest.json", variant=["vanilla", "oko", "oko-fold"]
        ),
    output:
        f"{RESULTS}/datapath_instructions.json",
    log:
        f"logs/datapath_instructions/{RESULT_SET}.log",
    benchmark:
        f"logs/benchmarks/datapath_instructions/{RESULT_SET}.tsv"
    resources:
        testbed=1,
    shell:
        ".venv/bin/python -m benchmarks.datapath_instructions --out {output} > {log} 2>&1"
