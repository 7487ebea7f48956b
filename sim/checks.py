"""Argument checks shared by the training options and the characterisation."""

from ..hwgen.errors import InputError

__all__ = ["is_positive_int", "check_positive_int"]


def is_positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def check_positive_int(thing, value):
    """Raise ``ValueError("<thing> must be a positive integer, not <value>")`` unless it is."""
    if not is_positive_int(value):
        raise InputError(f"{thing} must be a positive integer, not {value!r}")
