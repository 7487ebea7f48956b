"""Boards as data (:mod:`boards.catalog`) and the board tops that wrap a generated design.

Imports :mod:`hwgen` only; the bitstream build that runs the tools is :mod:`flows.bitstream`,
and the signatures a top expects come from the golden models through it.
"""
