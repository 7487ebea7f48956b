"""Tool flows: Verilog generation, RTL verification in real simulators, synthesis, and the CLI.

A leaf of the package: it reads configurations from :mod:`hwgen` and models from :mod:`sim`,
and nothing in those imports it.
"""
