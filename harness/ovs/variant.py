"""A variant's definition: the strategies/<name>/ folder (variant.yaml, patches/, src/)."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from harness import paths
from harness.errors import ExtbenchError, unknown


@dataclass(frozen=True)
class Layer:
    """One layer of changes on the tarball: new files (src/) and patches (patches/*.patch)."""

    name: str
    root: Path

    @property
    def patches(self) -> list[Path]:
        """Patches of this layer, in the order they apply."""
        return sorted((self.root / "patches").glob("*.patch"))

    @property
    def src_files(self) -> list[Path]:
        """New files of this layer, relative to src/ (copied into the OVS tree as they are)."""
        src = self.root / "src"
        return sorted(p.relative_to(src) for p in src.rglob("*") if p.is_file())

    def inputs(self) -> list[Path]:
        """Every file whose content defines this layer."""
        return self.patches + [self.root / "src" / f for f in self.src_files]


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
        """sha256 of the tarball and every patch and new file, keyed by repository path."""
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
    syntax = meta.get("extensions", "none")
    if syntax not in ("action", "filter", "none"):
        raise ExtbenchError(f"{meta_path}: 'extensions' must be action, filter or none")
    return Variant(name, str(meta.get("description", "")), tuple(layers), syntax,
                   tuple(meta.get("action_options", [])))
