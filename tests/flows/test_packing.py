"""Cells a unit occupies after packing, against hand counts."""

import json

import pytest

from axbnn.flows.packing import unit_cells
from axbnn.flows.synth import synthesize
from axbnn.hwgen.designs import parse_design


def _lc(name, carry_in=None, carry_out=None):
    connections = {"CIN": [carry_in] if carry_in else [], "COUT": [carry_out] if carry_out else [],
                   "O": [99]}
    return name, {"type": "ICESTORM_LC", "connections": connections, "attributes": {}}


def test_feed_cells_of_the_units_chains_count_and_nothing_else():
    cells = dict([
        _lc("unit.s0_LC", carry_out=10), _lc("unit.s1_LC", carry_in=10, carry_out=11),
        _lc("$nextpnr_ICESTORM_LC_0", carry_in=11, carry_out=12),  # the unit's carry out
        _lc("$nextpnr_ICESTORM_LC_1", carry_in=12),                # ... through a second cell
        _lc("$nextpnr_ICESTORM_LC_2", carry_in=20),                # the wrapper's chain
        _lc("result_SB_DFF_Q_DFFLC"), _lc("$PACKER_GND"),
    ])
    netlist = json.dumps({"modules": {"top": {"cells": cells}}})
    assert unit_cells(netlist, "ice40") == {"lc": 4, "slices": None}


@pytest.mark.slow
@pytest.mark.tool("yosys", "nextpnr-ice40", "nextpnr-ecp5")
@pytest.mark.parametrize("design, target, lc, slices", [
    # Two LUT3s, no carry.
    ("fa-exact", "ice40-up5k", 2, None),
    # Each of the four bits a LUT (its sum) and a carry in one cell, and one more cell to bring
    # the carry out into the fabric as the fifth sum bit.
    ("add-4-ripple", "ice40-up5k", 5, None),
    # Three CCU2C (two bits each, the last for the carry out) and the two nextpnr adds to feed
    # the chain's carry in and out, two LUT4s each, one CCU2C to a slice.
    ("add-4-ripple", "ecp5-25k", 10, 5),
])
def test_hand_counts(tmp_path, design, target, lc, slices):
    report = synthesize(parse_design(design), target, tmp_path)
    assert report["lc"] == lc
    assert report.get("slices") == slices
