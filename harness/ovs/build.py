"""Build a variant: unpack the OVS tarball, apply its series, configure with ccache, install.

The tree in build/src/<variant> is re-created only when the variant's inputs change
(tarball, patches); otherwise make rebuilds incrementally, which keeps the edit-build
loop of ``extbench ovs-tree`` fast (edit and commit there, export, build).
"""

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from harness import paths
from harness.dpdk.build import dpdk_version
from harness.errors import CommandError, ExtbenchError
from harness.ovs.variant import Variant, load_variant, sha256_file
from harness.proc import run, run_checked

#: Every variant serves system, afxdp and dpdk ports (DPDK 22.11 from Debian, linked shared).
CONFIGURE_FLAGS = ["--enable-afxdp", "--with-dpdk=shared", "--disable-ssl"]
STAMP = ".extbench-inputs.json"


def tree_dir(variant: str) -> Path:
    """The unpacked, patched source tree of a variant."""
    return paths.BUILD / "src" / variant


def build_env() -> dict[str, str]:
    """Environment for configure and make: ccache shared between the variants' trees."""
    env = dict(os.environ)
    env.update(CC="ccache gcc", CCACHE_BASEDIR=str(paths.BUILD / "src"), CCACHE_NOHASHDIR="1")
    return env


def unpack(dest: Path) -> None:
    """Extract the tarball's openvswitch/ directory into 'dest'."""
    if not paths.OVS_TARBALL.exists():
        raise ExtbenchError(f"{paths.OVS_TARBALL} not found: install Debian's openvswitch-source "
                            "(make setup)")
    if dest.exists():
        shutil.rmtree(dest)
    tmp = dest.with_name(dest.name + ".unpack")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    run_checked(["tar", "-xzf", str(paths.OVS_TARBALL), "-C", str(tmp)])
    (tmp / "openvswitch").rename(dest)
    tmp.rmdir()


def apply_patch(patch: Path, tree: Path) -> None:
    """Apply one patch of a series (new files included) to a tree without git, with no
    fuzz (git apply refuses fuzz). The editing tree applies with git am (tree.py)."""
    # The tree lies inside the project's own git checkout: without a ceiling, git apply
    # would take paths relative to that repository, skip every file and exit 0.
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tree.parent))
    cmd = ["git", "apply", "--verbose", "--whitespace=nowarn", str(patch)]
    out, err, rc = run(cmd, env=env, cwd=str(tree))
    out += err  # git apply --verbose reports on stderr.
    if rc != 0:
        raise CommandError(cmd, rc, out)
    if "Skipped patch" in out or "Applied patch" not in out:
        raise ExtbenchError(f"{patch}: did not apply to {tree}:\n{out.strip()}")


def materialize(variant: Variant, force: bool = False) -> Path:
    """Make build/src/<variant> hold the tarball plus the variant's series; return it."""
    tree = tree_dir(variant.name)
    want = tree_inputs(variant)
    stamp = tree / STAMP
    if not force and stamp.exists() and json.loads(stamp.read_text()) == want:
        return tree
    editing = paths.BUILD / "git" / variant.name
    if editing.exists() and not force:
        raise ExtbenchError(
            f"{tree} is an editing tree (extbench ovs-tree) but the variant's patches "
            f"changed since it was made: export your commits (extbench ovs-export), then "
            f"re-create it with extbench ovs-tree {variant.name}, or pass --force to discard it")
    unpack(tree)
    for layer in variant.layers:
        for patch in layer.patches:
            apply_patch(patch, tree)
    write_stamp(variant, tree)
    return tree


def tree_inputs(variant: Variant) -> dict[str, str]:
    """What a tree is made from: the variant's inputs and the configure flags (a change of
    flags re-creates the tree, so that configure runs again)."""
    return {**variant.inputs_sha256(), "configure_flags": " ".join(CONFIGURE_FLAGS)}


def write_stamp(variant: Variant, tree: Path) -> None:
    """Record which inputs the tree was made from."""
    (tree / STAMP).write_text(json.dumps(tree_inputs(variant), indent=1, sort_keys=True))



def compile_and_install(variant: Variant, tree: Path, jobs: int) -> None:
    """configure (once per tree), make, make install into build/ovs/<variant>."""
    prefix = paths.install_dir(variant.name)
    env = build_env()
    if not (tree / "Makefile").exists():
        run_checked(["./configure", f"--prefix={prefix}", f"--localstatedir={prefix}/var",
                     f"--sysconfdir={prefix}/etc", *CONFIGURE_FLAGS], env=env, cwd=str(tree))
    run_checked(["make", f"-j{jobs}"], env=env, cwd=str(tree))
    run_checked(["make", "install"], env=env, cwd=str(tree))


def write_manifest(variant: Variant) -> Path:
    """Write build/ovs/<variant>/manifest.json: inputs' sha256, compiler, flags."""
    prefix = paths.install_dir(variant.name)
    gcc = subprocess.run(["gcc", "--version"], capture_output=True, text=True).stdout
    manifest = {
        "variant": variant.name,
        "description": variant.description,
        "layers": [layer.name for layer in variant.layers],
        "inputs_sha256": variant.inputs_sha256(),
        "compiler": gcc.splitlines()[0] if gcc else "unknown",
        "cc": "ccache gcc",
        "configure_flags": CONFIGURE_FLAGS,
        "dpdk_version": dpdk_version(),
        "vswitchd_sha256": sha256_file(prefix / "sbin" / "ovs-vswitchd"),
        "machine": platform.machine(),
    }
    path = prefix / "manifest.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def build(name: str, jobs: int = 2, force: bool = False) -> Path:
    """Build and install variant 'name'; return the manifest's path."""
    variant = load_variant(name)
    for tool in ("gcc", "ccache", "make", "git", "pkg-config"):
        if shutil.which(tool) is None:
            raise ExtbenchError(f"'{tool}' not found: run make setup")
    dpdk_version()
    tree = materialize(variant, force=force)
    print(f"building {name} in {tree}", file=sys.stderr)
    compile_and_install(variant, tree, jobs)
    return write_manifest(variant)


def manifest_sha256(name: str) -> str:
    """sha256 of an installed variant's manifest; errors if the variant is not built."""
    path = paths.install_dir(name) / "manifest.json"
    if not path.exists():
        raise ExtbenchError(f"variant '{name}' is not built ({path} missing): "
                            f"run extbench build {name}")
    return sha256_file(path)


def check_current(name: str) -> None:
    """ExtbenchError naming the fix if the installed variant 'name' was built from other
    inputs (tarball, patches) than the variant's current ones: a stale build
    measures old code."""
    manifest_sha256(name)
    built = json.loads((paths.install_dir(name) / "manifest.json").read_text())
    built = built.get("inputs_sha256", {})
    current = load_variant(name).inputs_sha256()
    changed = sorted(k for k in built.keys() | current.keys() if built.get(k) != current.get(k))
    if changed:
        shown = ", ".join(Path(k).name for k in changed[:3])
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        raise ExtbenchError(f"variant '{name}' was built from other sources than the current "
                            f"ones ({shown}{more} changed): run extbench build {name}")


def check_dpdk_build(name: str) -> None:
    """ExtbenchError naming the fix if the installed variant was built without DPDK."""
    manifest_sha256(name)
    manifest = json.loads((paths.install_dir(name) / "manifest.json").read_text())
    if not manifest.get("dpdk_version"):
        raise ExtbenchError(f"variant '{name}' was built without DPDK, which the dpdk port "
                            f"type needs: run extbench build {name}")
