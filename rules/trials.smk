# One job per trial; measurement jobs hold the 'testbed' resource so that two never run
# at once on one machine (make passes --resources testbed=1), while builds run in parallel.
# The trials of one configuration form a chain (harness.matrix.run_order): each waits for
# the record of the one before, so variants run interleaved (A B C A B C …) whatever order
# the scheduler picks. The link is ancient(): it orders the jobs, and a rerun of one trial
# does not make the rest of its chain outdated.
RUN_ORDER = matrix.run_order(TRIALS)


def trial_args(wildcards):
    """extbench trial arguments read back from the trial's path."""
    t = matrix.parse_trial(wildcards.trial)
    rate = "" if t["rate"] == "max" else f"--rate {t['rate']}"
    extension = "" if t["extension"] == "none" else f"--extension {t['extension']}"
    latency = f"--latency-pps {config['latency_pps']}" if config["latency_pps"] else ""
    return (f"--experiment {t['experiment']} "
            f"--variant {t['variant']} --topology {t['topology']} --profile {t['profile']} "
            f"--flows {t['flows']} --pkt-size {t['pkt_size']} --rep {t['rep']} "
            f"--port-type {t['port_type']} --cache {t['cache']} "
            f"--duration {config['duration_s']} --engine {config['engine']} {rate} {extension} "
            f"{latency}")


def trial_manifest(wildcards):
    """The build the trial runs on."""
    return f"build/ovs/{matrix.parse_trial(wildcards.trial)['variant']}/manifest.json"


def trial_extension_objects(wildcards):
    """The compiled objects of the trial's extension, every role (none without one)."""
    from harness.placement import ExtensionUse

    text = matrix.parse_trial(wildcards.trial)["extension"]
    if text == "none":
        return []
    ext = bpf_metadata.load(ExtensionUse.parse(text).name)
    return [f"build/extensions/{ext.name}.{role}.o" for role in ext.roles]


def trial_engine(wildcards):
    """The DPDK engine, for trials on dpdk ports."""
    return ([str(DPDK_ENGINE)] if matrix.parse_trial(wildcards.trial)["port_type"] == "dpdk"
            else [])


def previous_trial(wildcards):
    """The record of the trial before this one in its configuration's chain."""
    prev = RUN_ORDER.get(wildcards.trial)
    return [ancient(f"{RESULTS}/trials/{prev}.json")] if prev else []


rule trial:
    input:
        manifest=trial_manifest,
        extension=trial_extension_objects,
        engine=trial_engine,
        previous=previous_trial,
    output:
        f"{RESULTS}/trials/{{trial}}.json",
    log:
        f"logs/trial/{config['name']}/{{trial}}.log",
    benchmark:
        f"logs/benchmarks/trial/{config['name']}/{{trial}}.tsv"
    resources:
        testbed=1,
    params:
        args=trial_args,
        # fixed: one trial at the rate in the path; ndr/pdr: a rate search (from the max).
        command="trial" if config["trial_kind"] == "fixed" else (
            f"ndr --kind {config['trial_kind']} "
            f"--trials-per-rate {config['search_trials_per_rate']}"),
    shell:
        ".venv/bin/extbench {params.command} {params.args} --out {output} > {log} 2>&1"
