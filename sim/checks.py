"""Argument checks shared by the training options and the characterisation."""

from ..hwgen.errors import InputError

__all__ = ["is_positive_int", "check_positive_int", "check_count"]


def is_positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def check_positive_int(thing, value):
    """Raise ``ValueError("<thing> must be a positive integer, not <value>")`` unless it is."""
    if not is_positive_int(value):
        raise InputError(f"{thing} must be a positive integer, not {value!r}")


def check_count(thing, value, maximum):
    """Raise ``InputError("<thing> must be an integer from 1 to <maximum>, not <value>")``
    unless it is: a count that sizes a loop is bounded, so a typo cannot run for days."""
    if not is_positive_int(value) or value > maximum:
        raise InputError(f"{thing} must be an integer from 1 to {maximum}, not {value!r}")
