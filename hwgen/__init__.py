"""Amaranth generators of approximate neural-network arithmetic.

Lean on purpose: the plain-data modules (:mod:`hwgen.config`, :mod:`hwgen.designs`,
:mod:`hwgen.compressor_plan`, :mod:`hwgen.fa_variants`) import no Amaranth, so the golden models
in :mod:`sim` load without a hardware toolchain. :func:`hwgen.build.elaborate` turns a
configuration into its component.
"""
