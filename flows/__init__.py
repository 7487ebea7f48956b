"""Tool flows and verbs: Verilog generation, verification in real simulators, synthesis,
bitstreams, reports, and the command line.

The top of the house: it reads configurations and families from :mod:`hwgen`, models from
:mod:`sim` and board tops from :mod:`boards`; nothing imports it.
"""
