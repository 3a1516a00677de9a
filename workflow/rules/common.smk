# Imports, constants and input functions of the rules (workflow/rules/*.smk), apart from
# the rules, as the Snakemake workflow template has them.
from pathlib import Path

from harness import paths
from harness.bpf import metadata as bpf_metadata
from harness.bpf.compile import object_path as bpf_object_path
from harness.dpdk.build import BINARY as DPDK_ENGINE, SOURCE as DPDK_ENGINE_SOURCE
from harness.figures import FIGURES
from harness.ovs.build import CONFIGURE_FLAGS
from harness.ovs.variant import load_variant
from harness.report import figure_labels

# build.smk


def variant_inputs(wildcards):
    """Files that define a variant: its variant.yaml, and each layer's patches and new files."""
    variant = load_variant(wildcards.variant)
    files = [str(paths.STRATEGIES / wildcards.variant / "variant.yaml")]
    for layer in variant.layers:
        files += [str(f) for f in layer.inputs()]
    return files


# extensions.smk

EXTENSION_OBJECTS = [
    str(bpf_object_path(ext.name, role).relative_to(paths.ROOT))
    for ext in bpf_metadata.load_all()
    for role in ext.roles
]
EXTENSION_HEADERS = sorted(str(p) for p in Path("extensions/include").glob("*.h"))

# trials.smk: the chain of each configuration's trials (harness.matrix.run_order).

RUN_ORDER = matrix.run_order(TRIALS)


def trial_args(wildcards):
    """extbench trial arguments read back from the trial's path."""
    t = matrix.parse_trial(wildcards.trial)
    rate = "" if t["rate"] == "max" else f"--rate {t['rate']}"
    extension = "" if t["extension"] == "none" else f"--extension {t['extension']}"
    latency = f"--latency-pps {config['latency_pps']}" if config["latency_pps"] else ""
    return (
        f"--experiment {t['experiment']} "
        f"--variant {t['variant']} --topology {t['topology']} --profile {t['profile']} "
        f"--flows {t['flows']} --pkt-size {t['pkt_size']} --rep {t['rep']} "
        f"--port-type {t['port_type']} --cache {t['cache']} "
        f"--duration {config['duration_s']} --engine {config['engine']} {rate} {extension} "
        f"{latency}"
    )


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
    return (
        [str(DPDK_ENGINE)]
        if matrix.parse_trial(wildcards.trial)["port_type"] == "dpdk"
        else []
    )


def previous_trial(wildcards):
    """The record of the trial before this one in its configuration's chain."""
    prev = RUN_ORDER.get(wildcards.trial)
    return [ancient(f"{RESULTS}/trials/{prev}.json")] if prev else []
