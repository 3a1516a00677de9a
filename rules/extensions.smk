# Compile every extension into build/extensions/<name>.<role>.o: one object per role that
# its metadata's kind allows (action, filter, or both). The flags and the checks against
# the OVS runtime's limits live in harness/bpf/compile.py, which also runs them by hand.
from pathlib import Path

from harness.bpf import metadata as bpf_metadata
from harness.bpf.compile import object_path as bpf_object_path
from harness import paths as xb_paths

EXTENSION_OBJECTS = [
    str(bpf_object_path(ext.name, role).relative_to(xb_paths.ROOT))
    for ext in bpf_metadata.load_all()
    for role in ext.roles
]
EXTENSION_HEADERS = sorted(str(p) for p in Path("extensions/include").glob("*.h"))


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
