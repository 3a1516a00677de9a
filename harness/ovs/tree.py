"""Editing workflow: a git tree whose commits are the variant's patch series.

``ovs_tree`` unpacks the tarball into build/src/<variant>, commits it as ``pristine`` and
applies each layer's series with ``git am`` (one commit per patch, new files included),
tagging the top of each layer ``layer-<name>``. Developers commit their changes on top
(the repository's identity is the project's: see harness/ovs/series.py), and
``ovs_export`` writes a layer's commits back as its series with ``git format-patch``,
normalised so that exporting an unchanged tree rewrites every patch byte for byte.

The git directory lives in build/git/<variant>, outside the tree: OVS's Makefile runs
git-only checks when the tree holds a .git, and those reject the tarball's generated
files (see shared/docs/OVS-MAP.md, pitfalls). Run git there as
``git --git-dir=build/git/<variant> --work-tree=build/src/<variant> …`` (or export
GIT_DIR and GIT_WORK_TREE).
"""

import shutil
import sys
from pathlib import Path

from harness import paths
from harness.errors import ExtbenchError
from harness.ovs import series
from harness.ovs.build import tree_dir, unpack, write_stamp
from harness.ovs.variant import Variant, load_variant
from harness.proc import run


def git_dir(variant: str) -> Path:
    """Where the editing tree's git directory lives."""
    return paths.BUILD / "git" / variant


def make_tree(variant: Variant, tree: Path, gdir: Path) -> None:
    """Unpack the tarball into 'tree' with its git directory 'gdir' (both re-created) and
    apply the variant's series as commits, tagging ``pristine`` and ``layer-<name>``."""
    if gdir.exists():
        shutil.rmtree(gdir)
    unpack(tree)
    series.init_repo(tree, gdir, "pristine openvswitch 3.1.0 tarball")
    exclude = gdir / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    with open(exclude, "a") as f:
        f.write(f"/{paths.BUILD.name}\n/.extbench-inputs.json\n")
    for layer in variant.layers:
        series.am(tree, gdir, layer.patches)
        series.git(tree, gdir, "tag", f"layer-{layer.name}")


def layer_range(variant: Variant, layer_name: str, tree: Path, gdir: Path) -> str:
    """The commits ``base..top`` of layer 'layer_name' in a variant's editing tree: the
    variant's own layer takes every commit above the layer below it; a lower layer only
    its tagged commits (commits above the top layer belong to the top layer)."""
    names = list(variant.layer_names)
    if layer_name not in names:
        raise ExtbenchError(f"variant '{variant.name}' has no layer '{layer_name}' (layers: "
                            f"{', '.join(names)})")
    index = names.index(layer_name)
    base = "pristine" if index == 0 else f"layer-{names[index - 1]}"
    for tag in ("pristine", *(f"layer-{n}" for n in names[:-1])):
        _, _, rc = run(["git", "merge-base", "--is-ancestor", tag, "HEAD"],
                         env=series.git_env(gdir, tree), cwd=str(tree))
        if rc != 0:
            raise ExtbenchError(
                f"tag {tag} is not in the history of HEAD in {tree} (a rebase rewrote the "
                f"commits below it): move it to the rewritten layer's last commit, "
                f"git tag -f {tag} COMMIT, then export again")
    if index == len(names) - 1:
        return f"{base}..HEAD"
    above = series.git(tree, gdir, "rev-list", f"layer-{layer_name}..HEAD").split()
    upper = series.git(tree, gdir, "rev-list",
                       f"layer-{layer_name}..layer-{names[-1]}").split()
    if above != upper:
        raise ExtbenchError(f"commits on top of layer '{names[-1]}' cannot be exported as "
                            f"'{layer_name}': export them with --layer {names[-1]}")
    return f"{base}..layer-{layer_name}"


def export_layer(variant: Variant, layer_name: str, tree: Path, gdir: Path, outdir: Path,
                 fix_identity: bool = False) -> list[Path]:
    """Write layer 'layer_name' of the editing tree 'tree' as a series into 'outdir'.
    Commits of another identity are refused, or rewritten with 'fix_identity'."""
    revs = layer_range(variant, layer_name, tree, gdir)
    if fix_identity:
        series.fix_identity(tree, gdir, revs.split("..")[0])
        revs = layer_range(variant, layer_name, tree, gdir)
    series.check_identity(tree, gdir, revs)
    series.check_generated(tree, gdir, revs)
    return series.format_series(tree, gdir, revs, outdir)


def ovs_tree(name: str) -> Path:
    """Create the git-backed editing tree of variant 'name'; return its path."""
    variant = load_variant(name)
    if name == "oko" and (paths.STRATEGIES / "runtime").is_dir() and not git_dir(name).exists():
        # Temporary while two engineers edit in parallel: the common layer is edited in
        # the runtime variant's tree, so that oko's tree is free for oko's own layer.
        print("note: edit the common layer in 'extbench ovs-tree runtime' "
              "(export with --layer common); oko's tree is for the oko layer", file=sys.stderr)
    tree = tree_dir(name)
    make_tree(variant, tree, git_dir(name))
    write_stamp(variant, tree)
    return tree


def ovs_export(name: str, layer_name: str, fix_identity: bool = False) -> list[Path]:
    """Write the commits of layer 'layer_name' (a shared layer or the variant) as its
    patch series in strategies/<layer>/patches/."""
    variant = load_variant(name)
    if not git_dir(name).exists():
        raise ExtbenchError(f"no editing tree for '{name}': run extbench ovs-tree {name}")
    layer = variant.layers[list(variant.layer_names).index(layer_name)] \
        if layer_name in variant.layer_names else None
    if layer is None:
        raise ExtbenchError(f"variant '{name}' has no layer '{layer_name}' (layers: "
                            f"{', '.join(variant.layer_names)})")
    tree = tree_dir(name)
    patches = export_layer(variant, layer_name, tree, git_dir(name), layer.root / "patches",
                           fix_identity=fix_identity)
    write_stamp(load_variant(name), tree)
    return patches
