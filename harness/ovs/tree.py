"""Editing workflow: a git-tracked OVS tree whose commits are the variant's patches.

``ovs_tree`` unpacks the tarball into build/src/<variant>, commits it as ``pristine``,
adds the new files of every layer (untracked: they are edited in strategies/*/src/ and
copied in by ``extbench build``), then applies each patch as one commit, tagging the
top of each layer. Developers commit their own changes on top, and ``ovs_export``
writes ``<tag>..HEAD`` back as the layer's patch series with ``git format-patch``.

The git directory lives in build/git/<variant>, outside the tree: OVS's Makefile runs
git-only checks when the tree holds a .git, and those reject the tarball's generated
files (see shared/docs/OVS-MAP.md, pitfalls).
"""

import os
import shutil
import sys
from pathlib import Path

from harness import paths
from harness.errors import ExtbenchError
from harness.ovs.build import apply_patch, copy_src_files, tree_dir, unpack, write_stamp
from harness.ovs.variant import load_variant
from harness.proc import run_checked


def git_dir(variant: str) -> Path:
    """Where the editing tree's git directory lives."""
    return paths.BUILD / "git" / variant


def git(variant: str, *args: str) -> str:
    """Run git on a variant's editing tree."""
    env = dict(os.environ, GIT_DIR=str(git_dir(variant)), GIT_WORK_TREE=str(tree_dir(variant)),
               GIT_AUTHOR_NAME="extbench", GIT_AUTHOR_EMAIL="extbench@localhost",
               GIT_COMMITTER_NAME="extbench", GIT_COMMITTER_EMAIL="extbench@localhost")
    return run_checked(["git", *args], env=env, cwd=str(tree_dir(variant)))


def ovs_tree(name: str) -> Path:
    """Create the git-backed editing tree of variant 'name'; return its path."""
    variant = load_variant(name)
    if name == "oko" and (paths.STRATEGIES / "runtime").is_dir() and not git_dir(name).exists():
        # Temporary while two engineers edit in parallel: the common layer is edited in
        # the runtime variant's tree, so that oko's tree is free for oko's own layer.
        print("note: edit the common layer in 'extbench ovs-tree runtime' "
              "(export with --layer common); oko's tree is for the oko layer", file=sys.stderr)
    tree, gdir = tree_dir(name), git_dir(name)
    if gdir.exists():
        shutil.rmtree(gdir)
    unpack(tree)
    gdir.parent.mkdir(parents=True, exist_ok=True)
    git(name, "init", "-q")
    git(name, "add", "-A", "-f", ".")
    git(name, "commit", "-q", "-m", "pristine openvswitch 3.1.0 tarball")
    git(name, "tag", "pristine")
    exclude = gdir / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    with open(exclude, "a") as f:
        for layer in variant.layers:
            for rel in layer.src_files:
                f.write(f"/{rel}\n")
        f.write(f"/{paths.BUILD.name}\n/.extbench-inputs.json\n")
    copy_src_files(variant, tree)
    for layer in variant.layers:
        for patch in layer.patches:
            apply_patch(patch, tree, git_dir=gdir)
        git(name, "tag", f"layer-{layer.name}")
    write_stamp(variant, tree)
    return tree


def ovs_export(name: str, layer_name: str) -> list[Path]:
    """Write the commits of layer 'layer_name' (common or the variant) as its patch series."""
    variant = load_variant(name)
    names = [layer.name for layer in variant.layers]
    if layer_name not in names:
        raise ExtbenchError(f"variant '{name}' has no layer '{layer_name}' (layers: "
                            f"{', '.join(names)})")
    if not git_dir(name).exists():
        raise ExtbenchError(f"no editing tree for '{name}': run extbench ovs-tree {name}")
    index = names.index(layer_name)
    base = "pristine" if index == 0 else f"layer-{names[index - 1]}"
    if index < len(names) - 1:
        above = git(name, "rev-list", f"layer-{layer_name}..HEAD").split()
        upper = git(name, "rev-list", f"layer-{layer_name}..layer-{names[-1]}").split()
        if above != upper:
            raise ExtbenchError(f"commits on top of layer '{names[-1]}' cannot be exported as "
                                f"'{layer_name}': export them with --layer {names[-1]}")
        top = f"layer-{layer_name}"
    else:
        top = "HEAD"
    layer = variant.layers[index]
    outdir = layer.root / "patches"
    for old in outdir.glob("*.patch"):
        old.unlink()
    outdir.mkdir(parents=True, exist_ok=True)
    out = git(name, "format-patch", "-q", "--no-signature", "--zero-commit", "--no-stat",
              "-o", str(outdir), f"{base}..{top}")
    del out
    write_stamp(variant, tree_dir(name))
    return sorted(outdir.glob("*.patch"))
