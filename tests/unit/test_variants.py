"""Variant definitions and the build's manifest inputs."""

import json

import pytest

from harness import paths
from harness.errors import ExtbenchError
from harness.ovs.variant import load_variant


def test_known_variants():
    assert {"vanilla", "softflow", "oko", "verifier", "refined"} <= set(paths.variant_names())
    assert "common" not in paths.variant_names()
    assert "flowkey" not in paths.variant_names()


def test_verifier_and_refined_share_the_flow_key_rule():
    for name in ("verifier", "refined"):
        assert [layer.name for layer in load_variant(name).layers] == [
            "common", "action", "flowkey", name]
    assert load_variant("refined").extensions == "action"
    assert load_variant("refined").action_options == ()


def test_vanilla_has_no_layer_but_its_own_empty_one():
    v = load_variant("vanilla")
    assert [layer.name for layer in v.layers] == ["vanilla"]
    assert v.layers[0].patches == []


def test_extension_variants_use_the_common_runtime():
    for name in ("softflow", "verifier", "refined", "oko"):
        assert load_variant(name).layers[0].name == "common"


def test_a_variant_can_stack_on_another_variants_layer():
    v = load_variant("oko-fold")
    assert v.layer_names == ("common", "oko", "oko-fold")
    assert v.extensions == "filter"
    assert v.layers[1].patches == load_variant("oko").layers[1].patches


def test_a_variant_cannot_be_its_own_layer(tmp_path, monkeypatch):
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "variant.yaml").write_text("layers: [loop]\n")
    monkeypatch.setattr(paths, "STRATEGIES", tmp_path)
    with pytest.raises(ExtbenchError, match="layer 'loop' is not a layer folder"):
        load_variant("loop")


def test_unknown_variant_lists_the_known_ones():
    with pytest.raises(ExtbenchError, match=r"unknown variant 'nope' \(known: .*vanilla"):
        load_variant("nope")


@pytest.mark.skipif(not paths.OVS_TARBALL.exists(), reason="openvswitch-source not installed")
def test_inputs_hash_covers_tarball_and_layers():
    sha = load_variant("softflow").inputs_sha256()
    assert "tarball" in sha
    assert all(len(v) == 64 for v in sha.values())


@pytest.mark.skipif(not paths.OVS_TARBALL.exists(), reason="openvswitch-source not installed")
def test_a_stale_build_is_named(tmp_path, monkeypatch):
    from harness.ovs import build

    monkeypatch.setattr(paths, "BUILD", tmp_path)
    inputs = load_variant("runtime").inputs_sha256()
    manifest = tmp_path / "ovs" / "runtime" / "manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"inputs_sha256": inputs}))
    build.check_current("runtime")
    key = next(k for k in inputs if "/patches/0001-" in k)
    stale = dict(inputs, **{key: "0" * 64})
    manifest.write_text(json.dumps({"inputs_sha256": stale}))
    with pytest.raises(ExtbenchError, match=r"'runtime' was built from other sources .*"
                       rf"\({key.rsplit('/', 1)[1]} changed\): run extbench build runtime"):
        build.check_current("runtime")


def test_a_layer_is_its_series_alone(tmp_path, monkeypatch):
    (tmp_path / "base" / "patches").mkdir(parents=True)
    (tmp_path / "base" / "src" / "lib").mkdir(parents=True)
    (tmp_path / "base" / "src" / "lib" / "x.c").write_text("int x;\n")
    (tmp_path / "top").mkdir()
    (tmp_path / "top" / "variant.yaml").write_text("layers: [base]\n")
    monkeypatch.setattr(paths, "STRATEGIES", tmp_path)
    with pytest.raises(ExtbenchError, match=r"base/src: new files belong in the layer's "
                       r"patch series"):
        load_variant("top")
