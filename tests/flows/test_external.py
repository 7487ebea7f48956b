"""External multipliers: checked by Yosys, simulated exhaustively, reported beside axbnn's."""

import json

import numpy as np
import pytest

from axbnn.flows.cli import main

pytestmark = pytest.mark.slow

# Drops a's lowest bit: p = (a & ~1) * b, wrong by b for every odd a.
SMALL = """module small_mul(x, y, z);
  input [7:0] x;
  input [7:0] y;
  output [15:0] z;
  assign z = {x[7:1], 1'b0} * y;
endmodule
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("external") / "small_mul.v"
    path.write_text(SMALL)
    return path


def test_report_synthesises_and_characterises_it(source, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["report", "--external", str(source), "--ports", "x,y,z", "--target", "asic",
                 "-o", str(out)]) in (0, None)
    rows = {row["design"]: row for row in json.loads((out / "report.json").read_text())}
    a, b = np.divmod(np.arange(1 << 16), 256)
    # Simulated over all 65,536 pairs: the mean and worst error of dropping a's lowest bit.
    assert rows["ext-small_mul"]["med"] == pytest.approx(np.mean(b * (a & 1)))
    assert rows["ext-small_mul"]["wce"] == 255
    assert rows["ext-small_mul"]["exact"] == "umul8-exact"
    assert 0 < rows["ext-small_mul"]["area_nand2"] < rows["umul8-exact-behavioural"]["area_nand2"]


@pytest.mark.parametrize("arguments, message", [
    (["--top", "other"], "no module named 'other' (--top)"),
    (["--ports", "x,y,w"], "module small_mul must have ports x input 8, y input 8, w output 16 "
                           "(--ports), not x input 8, y input 8, z output 16"),
])
def test_bad_external_is_one_line_and_writes_nothing(source, tmp_path, capsys, arguments,
                                                      message):
    out = tmp_path / "report"
    assert main(["report", "--external", str(source), *arguments, "-o", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and message in error
    assert not out.exists()
