"""axbnn explore without a cluster: the space file, records, fronts and the cache, with a
stand-in synthesis where the tool itself is not what is tested."""

import json

import pytest

from axbnn.flows import explore as explore_module
from axbnn.flows import synth
from axbnn.flows.cli import main
from axbnn.flows.explore import explore, load_space
from axbnn.hwgen.errors import FlowError

SPACE = """
targets = ["asic", "ice40-up5k"]
designs = ["fa-maj_not", "fa-inxa2", "fa-maj_not"]
[[sweep]]
family = "popcount"
width = [8, 16]
fa = ["maj_not", "exact"]
approx_columns = [1]
"""


@pytest.fixture
def space(tmp_path):
    path = tmp_path / "space.toml"
    path.write_text(SPACE)
    return path


def _stand_in(calls, broken=(("fa-inxa2", "ice40-up5k"),)):
    """Figures that depend on the design alone: the number of characters of its name; the
    points ``broken`` fail."""
    def synthesize(config, target, out_dir=None, **options):
        calls.append((config.name, target))
        if (config.name, target) in broken:
            raise FlowError("nextpnr-ice40 exited with 1; last lines of fa_inxa2.tim:\n...")
        key = synth.cost_of(target)[0]
        return {"design": config.name, "target": target, key: len(config.name)}
    return synthesize


def test_space_is_the_product_of_its_lists(space):
    targets, points = load_space(space)
    assert targets == ["asic", "ice40-up5k"]
    assert [point.label for point in points] == [
        "fa-maj_not", "fa-inxa2", "popcount-8-maj_not-c1",
        'popcount width=8 fa="exact" approx_columns=1', "popcount-16-maj_not-c1",
        'popcount width=16 fa="exact" approx_columns=1']
    rejected = points[3]
    assert rejected.config is None and rejected.rejected == (
        "Popcount approx_columns and approx_levels need an approximate full-adder variant, "
        "not 'exact'")


def test_design_files_are_read_beside_the_space(tmp_path):
    (tmp_path / "mine.toml").write_text('family = "add"\nwidth = 8\nkind = "loa"\n'
                                        'approx_bits = 2\n')
    (tmp_path / "space.toml").write_text('designs = ["mine.toml"]\n'
                                         '[[sweep]]\nfamily = "mul8"\nblocks = "3330"\n')
    targets, points = load_space(tmp_path / "space.toml")
    assert targets == ["ice40-up5k"]
    assert [point.config.name for point in points] == ["add-8-loa-2", "mul8-3330"]


def test_explore_records_fronts_and_cache(space, tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(synth, "synthesize", _stand_in(calls))
    out = tmp_path / "out"
    assert main(["explore", str(space), "-o", str(out), "--workers", "1"]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("12 points (0 cached, 5 failed)")
    progress = captured.err.splitlines()[:-1]  # a line per point in a log, then the error
    assert len(progress) == 12 and progress[-1].startswith("[12/12] ")
    assert progress[-1].endswith(", 5 failed, 0 s left")
    assert captured.err.splitlines()[-1] == (
        "axbnn: error: 5 of 12 points failed, first popcount width=8 fa=\"exact\" "
        "approx_columns=1 on asic: Popcount approx_columns and approx_levels need an "
        "approximate full-adder variant, not 'exact'")
    assert len(calls) == 8
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(records) == 12
    by_point = {(record["design"], record["target"]): record for record in records}
    good = by_point["popcount-16-maj_not-c1", "asic"]
    assert good["cost"] == len("popcount-16-maj_not-c1") and good["error"] is None
    assert good["score_key"] == "mred" and good["errors"]["mred"] == good["score"] > 0
    assert good["group"] == "popcount-16-exact" and good["versions"]["synth"]["yosys"]
    front = json.loads((out / "asic" / "front.json").read_text())
    assert {entry["design"] for entry in front} == {"fa-maj_not", "fa-inxa2",
                                                    "popcount-8-maj_not-c1",
                                                    "popcount-16-maj_not-c1"}
    assert all(entry["on_front"] for entry in front if entry["group"] != "fa-exact")
    markdown = (out / "ice40-up5k" / "front.md").read_text()
    assert "| fa-inxa2 | synth: nextpnr-ice40 exited with 1;" in markdown
    assert (out / "asic" / "front.png").read_bytes()[:4] == b"\x89PNG"

    # Again: every job that succeeded is read from the cache, and only the failed synthesis
    # runs again; then, with everything cached, no cluster starts.
    calls.clear()
    monkeypatch.setattr(synth, "synthesize", _stand_in(calls, broken=()))
    again = explore(space, out, workers=1, progress=_Quiet())
    assert calls == [("fa-inxa2", "ice40-up5k")]
    assert sum(record["cached"] for record in again) == 7
    assert by_point["fa-maj_not", "asic"] == next(
        {**record, "cached": False} for record in again if record["design"] == "fa-maj_not"
        and record["target"] == "asic")
    monkeypatch.setattr(explore_module, "_Dask", None)
    calls.clear()
    assert sum(record["cached"] for record in explore(space, out, workers=2,
                                                      progress=_Quiet())) == 8
    assert calls == []


class _Quiet:
    def point(self, record):
        pass


def test_a_job_that_raises_is_a_one_line_result(monkeypatch):
    def broken(config, target):
        raise ZeroDivisionError("division by zero\nsecond line")

    monkeypatch.setitem(explore_module._JOBS, "synth", broken)
    assert explore_module.run_job("synth", {"family": "fa", "variant": "exact"}, "asic") == {
        "error": "ZeroDivisionError: division by zero"}


def test_a_failed_proof_fails_its_points(tmp_path, monkeypatch):
    (tmp_path / "space.toml").write_text('targets = ["asic"]\ndesigns = ["fa-maj_not"]\n')
    monkeypatch.setattr(synth, "synthesize", _stand_in([]))
    monkeypatch.setitem(explore_module._JOBS, "verify", lambda config, target: {
        "verified": False, "summary": "fa-maj_not on verilator: 7 of 8 vectors match"})
    (record,) = explore(tmp_path / "space.toml", tmp_path / "out", workers=1, verify=True,
                        progress=_Quiet())
    assert record["verified"] is False
    assert record["error"] == "verify: fa-maj_not on verilator: 7 of 8 vectors match"


@pytest.mark.slow
def test_engines_are_scored_by_bit_exact_accuracy(tmp_path, monkeypatch, digits):
    from axbnn.hwgen.designs import parse_design
    from axbnn.sim.bnn_infer import accuracy

    (tmp_path / "space.toml").write_text(
        'targets = ["asic"]\n[[sweep]]\nfamily = "bnn"\nweights = "digits-small"\n'
        'style = "unrolled"\npopcount = ["exact", "maj4", "maj_not-l1"]\n')
    monkeypatch.setattr(synth, "synthesize", _stand_in([]))
    records = explore(tmp_path / "space.toml", tmp_path / "out", workers=1, progress=_Quiet())
    for record in records:
        config = parse_design(record["design"])
        assert record["score_key"] == "accuracy" and record["score"] == accuracy(
            config, config.model.binarize(digits.x_test), digits.y_test)
    front = json.loads((tmp_path / "out" / "asic" / "front.json").read_text())
    for entry in front:  # on the front exactly when no other is as cheap and as accurate
        beaten = any(other["cost"] <= entry["cost"] and other["accuracy"] >= entry["accuracy"]
                     and other is not entry and (other["cost"], other["accuracy"]) !=
                     (entry["cost"], entry["accuracy"]) for other in front)
        assert entry["on_front"] is not beaten
    assert {entry["on_front"] for entry in front} == {True, False}


def test_a_cluster_without_workers_says_so(caplog):
    class Idle:
        def scheduler_info(self):
            return {"workers": {}}

    runner = object.__new__(explore_module._Dask)
    runner._client = Idle()
    with caplog.at_level("INFO", logger="axbnn"):
        runner.say_if_idle()
    assert caplog.messages == ["The Dask scheduler has no workers yet: the points wait for one "
                               "('dask worker ADDRESS' starts one)"]
