"""Every variant's patches apply with no fuzz to the pristine tarball, and pass checkpatch.

The tree is unpacked inside the project's checkout, as builds are: a git apply that took
paths relative to the project's repository would skip every file and still succeed.
"""

import shutil
import subprocess

import pytest

from harness import paths
from harness.ovs import build
from harness.ovs.variant import load_variant

pytestmark = pytest.mark.skipif(not paths.OVS_TARBALL.exists(),
                                reason="openvswitch-source is not installed")


@pytest.mark.parametrize("variant", [v for v in paths.variant_names() if v != "vanilla"])
def test_patches_apply_and_pass_checkpatch(variant):
    v = load_variant(variant)
    tree = paths.BUILD / "test-patches" / variant
    try:
        build.unpack(tree)
        build.copy_src_files(v, tree)
        for layer in v.layers:
            for patch in layer.patches:
                build.apply_patch(patch, tree)
                p = subprocess.run(["python3", "utilities/checkpatch.py", str(patch)],
                                   cwd=tree, capture_output=True, text=True)
                assert p.returncode == 0, f"{patch.name}: {p.stdout[-2000:]}"
    finally:
        shutil.rmtree(tree, ignore_errors=True)
