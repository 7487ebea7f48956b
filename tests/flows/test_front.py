"""The front of whole engines: one style and speed, real synthesis, bit-exact accuracy, proof."""

import json

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.flows.front import _pareto, make_front
from axbnn.hwgen.bnn_config import BNNConfig
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.errors import InputError
from axbnn.sim.bnn_data import Dataset
from axbnn.sim.bnn_train import TrainOptions, train


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """A 16-8-4 network on a toy task (which quarter of the bits holds the most ones)."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, 2, (300, 16)).astype(float)
    y = x.reshape(-1, 4, 4).sum(axis=2).argmax(axis=1)
    dataset = Dataset("toy", x[:240], y[:240], x[240:], y[240:], 1.0)
    model, _ = train(dataset, TrainOptions(layers=(16, 8, 4), epochs=20))
    path = tmp_path_factory.mktemp("toy") / "toy.npz"
    model.save(path)
    return dataset, BNNConfig(str(path))


@pytest.mark.slow
@pytest.mark.tool("yosys", "nextpnr-ice40", "verilator")
def test_front_files(toy, tmp_path):
    dataset, config = toy
    lines = []
    entries = make_front(config, tmp_path, plans=("maj_not",), dataset=dataset,
                         progress=lines.append)
    assert [entry["design"] for entry in entries] == ["bnn-toy", "bnn-toy-maj_not"]
    assert lines[0].startswith("[1/6] bnn-toy: ") and lines[-1].startswith("[6/6] ")
    exact, approximate = entries
    assert exact["network"] == "as trained" and approximate["network"] == "tune"
    for entry in entries:
        assert entry["verified"] is True and entry["style"] == "folded"
        assert entry["lc"] == entry["cost"] > 0 and entry["images_per_second"] > 0
    assert exact["accuracy_drop_pt"] == 0 and exact["cost_vs_exact"] == 1
    assert approximate["accuracy_drop_pt"] == pytest.approx(
        100 * (exact["accuracy"] - approximate["accuracy"]), abs=0.01)
    tuned = approximate["weights"]
    assert tuned.endswith("models/bnn-toy-maj_not-tune.npz")
    assert json.loads((tmp_path / "front.json").read_text()) == entries
    assert "| bnn-toy-maj_not | tune |" in (tmp_path / "front.md").read_text()
    assert (tmp_path / "front.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pareto_keeps_what_nothing_beats():
    entries = [{"design": name, "cost": cost, "accuracy": accuracy} for name, cost, accuracy in
               [("exact", 10, 0.9), ("a", 6, 0.88), ("dominated", 7, 0.85), ("b", 2, 0.5),
                ("tie", 6, 0.87)]]
    assert _pareto(entries) == {"exact", "a", "b"}


@pytest.mark.parametrize("arguments, message", [
    (["--plan", "exact"], r"^Plans must name one or more approximate popcounts, each once, "
                          r"not exact$"),
    (["--plan", "maj_not", "--plan", "maj_not"], r"each once, not maj_not, maj_not$"),
    (["--plan", "wrong"], r"^Plan 'wrong': "),
], ids=["no-approximate-plan", "twice", "unknown-plan"])
def test_bad_fronts_write_nothing(tmp_path, arguments, message):
    with pytest.raises(InputError, match=message):
        make_front(parse_design("bnn-digits"), tmp_path / "out",
                   plans=[a for a in arguments if a != "--plan"])
    assert not (tmp_path / "out").exists()


def test_front_of_a_unit_is_refused(capsys, tmp_path):
    assert main(["front", "popcount-64-exact", "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == ("axbnn: error: popcount-64-exact: front compares whole "
                                       "engines; for arithmetic units use report\n")
    assert not (tmp_path / "out").exists()
