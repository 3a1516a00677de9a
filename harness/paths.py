"""Where things live in the repository and in the build tree."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRATEGIES = ROOT / "strategies"
EXTENSIONS = ROOT / "extensions"
TOPOLOGIES = ROOT / "topologies"
PROFILES = ROOT / "profiles"
BUILD = ROOT / "build"
#: The Snakemake workflow (Snakefile, rules, schemas, report) and its config's schema.
WORKFLOW = ROOT / "workflow"
CONFIG_SCHEMA = WORKFLOW / "schemas" / "config.schema.yaml"
OVS_TARBALL = Path("/usr/src/openvswitch/openvswitch.tar.gz")


def variant_names() -> list[str]:
    """Every variant: a folder in strategies/ with a variant.yaml (others are shared layers)."""
    return sorted(p.parent.name for p in STRATEGIES.glob("*/variant.yaml"))


def install_dir(variant: str) -> Path:
    """Where the variant's build is installed (bin/, sbin/, share/, manifest.json)."""
    return BUILD / "ovs" / variant
