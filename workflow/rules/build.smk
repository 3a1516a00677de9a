# Build every variant the config uses from the OVS tarball plus its layers.


rule build_variant:
    input:
        variant_inputs,
    output:
        "build/ovs/{variant}/manifest.json",
    log:
        "logs/build_variant/{variant}.log",
    benchmark:
        "logs/benchmarks/build_variant/{variant}.tsv"
    threads: 2
    params:
        # A change of configure flags makes the builds outdated (Snakemake's params trigger).
        configure_flags=" ".join(CONFIGURE_FLAGS),
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
