# Compile every extension into build/extensions/<name>.<role>.o: one object per role that
# its metadata's kind allows (action, filter, or both). The flags and the checks against
# the OVS runtime's limits live in harness/bpf/compile.py, which also runs them by hand.


rule extension:
    input:
        source="extensions/{name}.c",
        meta="extensions/{name}.yaml",
        headers=EXTENSION_HEADERS,
        compiler="harness/bpf/compile.py",
    output:
        "build/extensions/{name}.{role}.o",
    log:
        "logs/extension/{name}.{role}.log",
    benchmark:
        "logs/benchmarks/extension/{name}.{role}.tsv"
    wildcard_constraints:
        name=r"[a-z0-9_]+",
        role="action|filter",
    shell:
        ".venv/bin/python -m harness.bpf.compile {wildcards.name} {wildcards.role}"
        " -o {output} > {log} 2>&1"


rule extensions:
    input:
        EXTENSION_OBJECTS,
