"""Design configurations, their families, and the Amaranth generators that build them.

Lean on purpose: the plain-data modules (:mod:`hwgen.errors`, :mod:`hwgen.config`,
:mod:`hwgen.bnn_config`, :mod:`hwgen.families`, :mod:`hwgen.designs`,
:mod:`hwgen.compressor_plan`, :mod:`hwgen.multiplier_plan`, :mod:`hwgen.fa_variants`) import no
Amaranth, so the golden models in :mod:`sim` load without a hardware toolchain.
:func:`hwgen.build.elaborate` turns a configuration into its component through its family.
"""
