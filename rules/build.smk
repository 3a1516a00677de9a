# Build every variant the config uses from the OVS tarball plus its layers.
from harness import paths
from harness.dpdk.build import BINARY as DPDK_ENGINE, SOURCE as DPDK_ENGINE_SOURCE
from harness.ovs.build import CONFIGURE_FLAGS
from harness.ovs.variant import load_variant


def variant_inputs(wildcards):
    """Files that define a variant: its variant.yaml, and each layer's patches and new files."""
    variant = load_variant(wildcards.variant)
    files = [str(paths.STRATEGIES / wildcards.variant / "variant.yaml")]
    for layer in variant.layers:
        files += [str(f) for f in layer.inputs()]
    return files


rule build_variant:
    input:
        variant_inputs,
    output:
        "build/ovs/{variant}/manifest.json",
    log:
        "logs/build_variant/{variant}.log",
    benchmark:
        "logs/benchmarks/build_variant/{variant}.tsv"
    params:
        # A change of configure flags makes the builds outdated (Snakemake's params trigger).
        configure_flags=" ".join(CONFIGURE_FLAGS),
    threads: 2
    shell:
        ".venv/bin/extbench build {wildcards.variant} --jobs {threads} > {log} 2>&1"


rule build_dpdk_engine:
    input:
        DPDK_ENGINE_SOURCE,
    output:
        str(DPDK_ENGINE),
    log:
        "logs/build_dpdk_engine/engine.log",
    benchmark:
        "logs/benchmarks/build_dpdk_engine/engine.tsv"
    shell:
        ".venv/bin/extbench build-engine > {log} 2>&1"
