"""Bit-exact NumPy golden models of every generated unit, and their error analysis.

Pure NumPy: nothing here imports Amaranth. Models read the plain-data configurations and plans
of :mod:`hwgen.config` and :mod:`hwgen.compressor_plan`, the same ones the generators build from.
"""
