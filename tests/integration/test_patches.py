"""Every variant's series is one an OVS developer can take: it applies with ``git am`` to
the pristine tarball (and to OVS's git tag v3.1.0 when $XB_OVS_GIT names a clone of
OVS), every patch passes utilities/checkpatch.py, and the editing round trip is exact:
the tree ``extbench ovs-tree`` makes from the series, exported again, gives the same
patches byte for byte. Commits of another identity are refused by the export.

That each patch builds takes one make per patch (tens of minutes): XB_PATCH_BUILD=1 runs
it for the variants in $XB_PATCH_BUILD_VARIANTS (default: verifier), as
benchmarks/patch_builds.py does.

Trees are unpacked inside the project's checkout, as builds are: a git apply that took
paths relative to the project's repository would skip every file and still succeed.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import paths
from harness.errors import ExtbenchError
from harness.ovs import build, series, tree
from harness.ovs.variant import load_variant

pytestmark = pytest.mark.skipif(not paths.OVS_TARBALL.exists(),
                                reason="openvswitch-source is not installed")

VARIANTS = [v for v in paths.variant_names() if v != "vanilla"]
WORK = paths.BUILD / "test-patches"


def layers() -> list[str]:
    """Every layer that some variant stacks, once."""
    return sorted({layer.name for v in VARIANTS for layer in load_variant(v).layers
                   if layer.patches})


@pytest.fixture(scope="module")
def pristine():
    """The tarball, unpacked once for the module."""
    dest = WORK / "pristine"
    build.unpack(dest)
    yield dest
    shutil.rmtree(WORK, ignore_errors=True)


def places(name: str) -> tuple[Path, Path]:
    """Where a test's editing tree and its git directory go."""
    return WORK / name, WORK / f"{name}.git"


def test_layers_hold_only_patches():
    for name in paths.variant_names():
        for layer in load_variant(name).layers:
            assert not (layer.root / "src").exists(), f"{layer.root}/src: not in the series"


@pytest.mark.parametrize("layer", layers())
def test_every_patch_passes_checkpatch(layer, pristine):
    for patch in sorted((paths.STRATEGIES / layer / "patches").glob("*.patch")):
        p = subprocess.run(["python3", "utilities/checkpatch.py", str(patch)], cwd=pristine,
                           capture_output=True, text=True)
        assert p.returncode == 0 and "WARNING" not in p.stdout, \
            f"{layer}/{patch.name}: {p.stdout[-3000:]}"


@pytest.mark.parametrize("variant", VARIANTS)
def test_series_applies_with_git_am_and_round_trips(variant, pristine, tmp_path):
    v = load_variant(variant)
    work, gdir = places(variant)
    try:
        # The editing tree: the tarball, then every layer's series with git am.
        tree.make_tree(v, work, gdir)
        count = int(series.git(work, gdir, "rev-list", "--count", "pristine..HEAD"))
        assert count == sum(len(layer.patches) for layer in v.layers)
        for layer in v.layers:
            out = tmp_path / layer.name
            patches = tree.export_layer(v, layer.name, work, gdir, out)
            assert [p.name for p in patches] == [p.name for p in layer.patches]
            for new, old in zip(patches, layer.patches, strict=True):
                assert new.read_bytes() == old.read_bytes(), \
                    f"{layer.name}/{old.name}: re-exported differently"
        assert not series.git(work, gdir, "status", "--porcelain", "--untracked-files=no")
        # Every new file of the series is in the tree that the build makes with git apply.
        applied = WORK / f"{variant}.apply"
        build.unpack(applied)
        for layer in v.layers:
            for patch in layer.patches:
                build.apply_patch(patch, applied)
        diff = subprocess.run(["diff", "-r", "-q", "-x", ".extbench-inputs.json",
                               str(applied), str(work)], capture_output=True, text=True)
        assert diff.returncode == 0, diff.stdout[-2000:]
    finally:
        for d in (work, gdir, WORK / f"{variant}.apply"):
            shutil.rmtree(d, ignore_errors=True)


@pytest.mark.skipif(not os.environ.get("XB_OVS_GIT"),
                    reason="XB_OVS_GIT (a git clone of openvswitch/ovs) is not set")
@pytest.mark.parametrize("variant", VARIANTS)
def test_series_applies_to_the_v3_1_0_tag(variant, tmp_path):
    work = tmp_path / "ovs"
    subprocess.run(["git", "clone", "-q", "--shared", "--no-checkout",
                    os.environ["XB_OVS_GIT"], str(work)], check=True)
    subprocess.run(["git", "-C", str(work), "checkout", "-q", "--detach", "v3.1.0"],
                   check=True)
    patches = [p for layer in load_variant(variant).layers for p in layer.patches]
    series.am(work, work / ".git", patches)


def test_export_refuses_another_identity_or_rewrites_it(pristine, tmp_path):
    v = load_variant("runtime")
    work, gdir = places("identity")
    try:
        tree.make_tree(v, work, gdir)
        common = series.git(work, gdir, "rev-list", "pristine..layer-common")
        (work / "lib" / "bpf.h").write_text((work / "lib" / "bpf.h").read_text() +
                                            "/* A hand-made change. */\n")
        series.git(work, gdir, "commit", "-q", "-a", "-m", "lib: A hand-made change.",
                   env={"GIT_AUTHOR_NAME": "Some One", "GIT_AUTHOR_EMAIL": "one@example.org",
                        "GIT_COMMITTER_NAME": "Some One",
                        "GIT_COMMITTER_EMAIL": "one@example.org"})
        with pytest.raises(ExtbenchError, match="Some One <one@example.org>"):
            tree.export_layer(v, "runtime", work, gdir, tmp_path / "refused")
        assert not list((tmp_path / "refused").glob("*.patch"))
        [patch] = tree.export_layer(v, "runtime", work, gdir, tmp_path / "fixed",
                                    fix_identity=True)
        text = patch.read_text()
        assert text.startswith("From 0000000000000000000000000000000000000000 ")
        assert f"\nFrom: {series.IDENTITY}\n" in text
        assert f"\n{series.SIGNOFF}\n" in text and "one@example.org" not in text
        p = subprocess.run(["python3", "utilities/checkpatch.py", str(patch)], cwd=work,
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stdout
        # Only the commits above the layer below were rewritten.
        assert series.git(work, gdir, "rev-list", "pristine..layer-common") == common
        assert series.git(work, gdir, "rev-list", "--count", "layer-common..HEAD") == "1\n"
    finally:
        for d in (work, gdir):
            shutil.rmtree(d, ignore_errors=True)


@pytest.mark.skipif(os.environ.get("XB_PATCH_BUILD") != "1",
                    reason="one make per patch takes long: set XB_PATCH_BUILD=1")
@pytest.mark.parametrize("variant",
                         os.environ.get("XB_PATCH_BUILD_VARIANTS", "verifier").split())
def test_every_patch_builds(variant):
    from benchmarks.patch_builds import build_each_patch
    results = build_each_patch(variant)
    failed = [f"{r['layer']}/{r['patch']}:\n{r['tail']}" for r in results if not r["built"]]
    assert not failed, "\n".join(failed)
    assert len(results) == 1 + sum(len(layer.patches) for layer in load_variant(variant).layers)
