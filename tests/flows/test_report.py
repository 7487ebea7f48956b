"""The report: rows against exact counterparts, Markdown tables, Pareto plot, Pareto front."""

import json

import pytest

from axbnn.flows import synth
from axbnn.flows.report import pareto_front, make_report
from axbnn.hwgen.designs import parse_design


@pytest.mark.slow
@pytest.mark.tool("yosys")
def test_report_files_and_baselines(tmp_path, monkeypatch):
    rows = make_report(["mul8-3330", "popcount-16-maj_not"], ["asic"], tmp_path,
                       progress=lambda message: None)
    # A second report finds every synthesis in the result cache: it runs none.
    monkeypatch.setattr(synth, "synthesize", None)
    lines = []
    assert make_report(["mul8-3330", "popcount-16-maj_not"], ["asic"], tmp_path / "again",
                       progress=lines.append) == rows
    assert all(line.endswith("(cached)") for line in lines) and len(lines) == 6
    assert not (tmp_path / "again" / "designs").exists()
    by_name = {row["design"]: row for row in rows}
    assert list(by_name) == ["mul8-3330", "popcount-16-maj_not", "mul8-0000",
                             "mul8-0000-behavioural", "popcount-16-exact",
                             "popcount-16-exact-behavioural"]
    assert [row["exact"] for row in rows] == ["mul8-0000", "popcount-16-exact"] + [
        "mul8-0000"] * 2 + ["popcount-16-exact"] * 2
    for approximate in ("mul8-3330", "popcount-16-maj_not"):
        assert -1 < by_name[approximate]["cost_vs_exact"] < 0
        assert -1 < by_name[approximate]["cost_vs_behavioural"] < 0
    for baseline in ("mul8-0000-behavioural", "popcount-16-exact-behavioural"):
        assert by_name[baseline]["cost_vs_behavioural"] == 0
        assert by_name[baseline]["error_rate"] == 0
    assert json.loads((tmp_path / "report.json").read_text()) == rows
    markdown = (tmp_path / "report.md").read_text()
    assert "## asic" in markdown and "| mul8-3330 |" in markdown
    assert (tmp_path / "pareto.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def testpareto_front():
    points = [(0.0, 10, "exact"), (0.1, 6, "a"), (0.2, 7, "dominated"), (0.3, 2, "b")]
    assert [name for _, _, name in pareto_front(points)] == ["exact", "a", "b"]


def test_exact_counterparts():
    assert parse_design("popcount-256-maj_not-c3").exact() == parse_design("popcount-256-exact")
    assert parse_design("smul8-3330").exact() == parse_design("smul8-0000")
    assert parse_design("add-16-loa-4").exact() == parse_design("add-16-ripple")
    assert parse_design("fa-axa3").exact() == parse_design("fa-exact")
