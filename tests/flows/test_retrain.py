"""'axbnn retrain': every table it promises, consistent with itself, written only when done."""

import json

import pytest

from axbnn.flows.cli import main
from axbnn.flows.retrain import DEFAULT_DESIGNS, make_retrain_report
from axbnn.hwgen.designs import DesignError


@pytest.mark.slow
def test_report_files_and_consistency(tmp_path, capsys):
    assert main(["retrain", "bnn-digits-maj_not-l1", "smul8-2222", "smul8-3330",
                 "--bnn-epochs", "2", "--mlp-epochs", "1", "-o", str(tmp_path)]) == 0
    assert "smul8-3330, retraining error-model: epoch 1/1" in capsys.readouterr().err
    results = json.loads((tmp_path / "retrain.json").read_text())
    (bnn,) = results["bnn"]
    assert bnn["design"] == "bnn-digits-maj_not-l1"
    assert bnn["exact_trained"] == pytest.approx(0.7778, abs=1e-4)  # the shipped network
    assert bnn["bit_exact_tuned"] == pytest.approx(0.8889, abs=1e-4)  # its thresholds tuned
    mlp = results["mlp"]
    assert [row["design"] for row in mlp["rows"]] == ["smul8-2222", "smul8-3330"]
    for row in mlp["rows"]:
        for retrainer in ("bit_exact", "error_model"):
            name = row["design"]
            assert mlp["cross"][retrainer][f"{name} on {name}"] == row[f"{retrainer}_retrained"]
        assert 0 < row["mred"] and 0 < row["predicted_correlated"] <= 1
    markdown = (tmp_path / "retrain.md").read_text()
    assert "| bnn-digits-maj_not-l1 | " in markdown and "### Cross-evaluation" in markdown
    assert (tmp_path / "retrain.png").stat().st_size > 1000


def test_only_bnn_and_smul8_designs(tmp_path):
    with pytest.raises(DesignError, match=r"^retrain needs the sign-magnitude multiplier "
                                          r"smul8-3330, not mul8-3330$"):
        make_retrain_report(["smul8-3330", "mul8-3330"], tmp_path / "out")
    with pytest.raises(DesignError, match=r"^add-16-loa-4: retrain needs bnn engines or smul8 "
                                          r"or smmul8 multipliers$"):
        make_retrain_report(["add-16-loa-4"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_defaults_cover_every_approximate_plan_and_multiplier_preset():
    assert {"bnn-digits-maj_not-c3", "bnn-digits-axa3-c4", "bnn-digits-maj_not-l1",
            "smul8-2200", "smul8-3330"} <= set(DEFAULT_DESIGNS)
    assert not {"bnn-digits-exact", "bnn-digits-exact-p2", "smul8-0000"} & set(DEFAULT_DESIGNS)
