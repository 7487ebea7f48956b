"""What a unit occupies of the fabric after packing: read from nextpnr's placed netlist.

Yosys counts LUT4s and carries separately, but the fabric sells cells. On iCE40 a logic cell
(``ICESTORM_LC``) holds one LUT4, one carry and one flip-flop: a carry whose LUT does not compute
that bit's sum still takes a cell, and a chain's carry in or out from the fabric takes one more.
On ECP5 a ``TRELLIS_COMB`` is one LUT4 (a CCU2C is two of them) and four slices hold eight.

A cell belongs to the unit when nextpnr named it after one of the unit's cells (its hierarchy,
``unit.``, comes first), or when it is a cell nextpnr added to feed one of the unit's carry chains
(``$nextpnr_...``, sharing a carry net with a cell of the unit). The constant drivers nextpnr adds
(``$PACKER_GND``, ``$PACKER_VCC``) serve the whole design and count for no one.
"""

import json
import re

__all__ = ["unit_cells"]

_LOGIC = {"ice40": "ICESTORM_LC", "ecp5": "TRELLIS_COMB"}
_CARRY_PORTS = ("CIN", "COUT", "FCI", "FCO")
_SLICE = re.compile(r"^(X\d+/Y\d+/SLICE[A-D])\.")


def _carry_nets(cell):
    return {net for port in _CARRY_PORTS for net in cell["connections"].get(port, [])
            if isinstance(net, int)}


def unit_cells(placed_json, fabric, prefix="unit."):
    """``{"lc": cells, "slices": slices or None}`` the hierarchy ``prefix`` occupies in the
    placed netlist (text of nextpnr's ``--write`` JSON) of an ``ice40`` or ``ecp5`` fabric.

    ``lc`` counts iCE40 logic cells or ECP5 LUT4s (a CCU2C counts two); ``slices`` counts the
    ECP5 slices those LUT4s sit in.
    """
    (module,) = json.loads(placed_json)["modules"].values()
    logic = {name: cell for name, cell in module["cells"].items()
             if cell["type"] == _LOGIC[fabric]}
    owned = {name for name in logic if name.startswith(prefix)}
    nets = set().union(*(_carry_nets(logic[name]) for name in owned))
    added = {name for name in logic if name.startswith("$nextpnr_")}
    while True:  # a chain's feed cells reach the unit through one another
        joined = {name for name in added - owned if _carry_nets(logic[name]) & nets}
        if not joined:
            break
        owned |= joined
        nets |= set().union(*(_carry_nets(logic[name]) for name in joined))
    slices = None
    if fabric == "ecp5":
        slices = len({_SLICE.match(logic[name]["attributes"]["NEXTPNR_BEL"])[1]
                      for name in owned})
    return {"lc": len(owned), "slices": slices}
