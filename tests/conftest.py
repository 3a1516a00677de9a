"""Shared fixtures and skips: root, built variants, leftovers."""

import os

import pytest

from harness import paths


def pytest_collection_modifyitems(config, items):
    """Skip tests marked 'root' when not running as root, saying why."""
    if os.geteuid() == 0:
        return
    skip = pytest.mark.skip(reason="needs root (network namespaces, OVS datapath)")
    for item in items:
        if "root" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def built_variant():
    """Build a variant once per session (incremental with ccache) and return its name."""
    from harness.ovs.build import build

    built: set[str] = set()

    def _build(name: str) -> str:
        # Developers editing a variant's tree may test the build they installed themselves.
        if os.environ.get("EXTBENCH_USE_INSTALLED") and installed(name):
            return name
        if name not in built:
            build(name)
            built.add(name)
        return name

    return _build


def installed(variant: str) -> bool:
    """Whether build/ovs/<variant> holds a build."""
    return (paths.install_dir(variant) / "manifest.json").exists()
