"""Board integration: wrap a generated unit in a board top and build its bitstream.

A leaf of the package, like :mod:`flows`: nothing in :mod:`hwgen` or :mod:`sim` imports it.
"""
