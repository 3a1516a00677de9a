"""A variant's definition: the strategies/<name>/ folder (variant.yaml, patches/).

Each layer's patches/ is a ``git format-patch`` series (harness/ovs/series.py) that adds
its new files and edits OVS's; a variant's series is its layers' series in order."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from harness import paths
from harness.errors import ExtbenchError, unknown


@dataclass(frozen=True)
class Layer:
    """One layer of changes on the tarball: a patch series (patches/*.patch)."""

    name: str
    root: Path

    @property
    def patches(self) -> list[Path]:
        """Patches of this layer, in the order they apply."""
        return sorted((self.root / "patches").glob("*.patch"))

    def inputs(self) -> list[Path]:
        """Every file whose content defines this layer."""
        return self.patches

    def check(self) -> None:
        """ExtbenchError if the layer still has new files outside its series (src/)."""
        src = self.root / "src"
        if src.is_dir() and any(p.is_file() for p in src.rglob("*")):
            raise ExtbenchError(
                f"{src}: new files belong in the layer's patch series (the patch that first "
                f"builds each one adds it): convert with series-migrate.py, or add them "
                f"in 'extbench ovs-tree' and export")


@dataclass(frozen=True)
class Variant:
    """An OVS variant: the shared layers its variant.yaml lists, then its own layer."""

    name: str
    description: str
    layers: tuple[Layer, ...]
    #: How its flows express an extension: action, filter or none (harness/placement.py).
    extensions: str = "none"
    #: Options its bpf() action takes (e.g. coalesce).
    action_options: tuple[str, ...] = ()

    @property
    def layer_names(self) -> tuple[str, ...]:
        """Names of its layers, shared ones first (common, action, …, the variant's own)."""
        return tuple(layer.name for layer in self.layers)

    def inputs_sha256(self) -> dict[str, str]:
        """sha256 of the tarball and every patch, keyed by repository path."""
        files = {"tarball": paths.OVS_TARBALL}
        for layer in self.layers:
            for f in layer.inputs():
                files[str(f.relative_to(paths.ROOT))] = f
        return {k: sha256_file(v) for k, v in files.items()}


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's content."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_variant(name: str) -> Variant:
    """Read strategies/<name>/variant.yaml; unknown names list the known ones."""
    known = paths.variant_names()
    if name not in known:
        raise unknown("variant", name, known)
    folder = paths.STRATEGIES / name
    meta_path = folder / "variant.yaml"
    meta = yaml.safe_load(meta_path.read_text()) if meta_path.exists() else {}
    if not isinstance(meta, dict):
        raise ExtbenchError(f"{meta_path}: expected a mapping")
    bases = meta.get("layers", ["common"])
    if not isinstance(bases, list) or not all(isinstance(b, str) for b in bases):
        raise ExtbenchError(f"{meta_path}: 'layers' must be a list of folder names in strategies/")
    layers = []
    for base in bases:
        # A layer is a shared folder (no variant.yaml) or another variant's folder, whose
        # own layer then applies unchanged (oko-fold stacks on oko).
        if not (paths.STRATEGIES / base).is_dir() or base == name:
            raise ExtbenchError(f"{meta_path}: layer '{base}' is not a layer folder in strategies/")
        layers.append(Layer(base, paths.STRATEGIES / base))
    layers.append(Layer(name, folder))
    for layer in layers:
        layer.check()
    syntax = meta.get("extensions", "none")
    if syntax not in ("action", "filter", "none"):
        raise ExtbenchError(f"{meta_path}: 'extensions' must be action, filter or none")
    return Variant(name, str(meta.get("description", "")), tuple(layers), syntax,
                   tuple(meta.get("action_options", [])))
