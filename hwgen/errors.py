"""The errors axbnn reports as one line, at the bottom of the house so every layer can raise them.

The command line catches :class:`AxbnnError` once and exits with its :attr:`exit_status`: 2 for
input the user can fix (a design, a parameter, a file), 1 for a tool that is missing or failed.
Subclasses of :class:`InputError` are also ``ValueError``s, as a bad argument is in Python.
"""

__all__ = ["AxbnnError", "InputError", "DesignError", "ModelError", "DataError", "MLPError",
           "FlowError", "PlacementError"]


class AxbnnError(Exception):
    """Anything axbnn reports in one line; the message names what went wrong."""
    exit_status = 1


class InputError(AxbnnError, ValueError):
    """A parameter, file or data set that is not valid; the message says what is allowed."""
    exit_status = 2


class DesignError(InputError):
    """A design name, file or option that does not describe a valid configuration, or a verb
    that the design's family does not support."""


class ModelError(InputError):
    """A model file or model data that is not a valid binary network."""


class DataError(InputError):
    """A data set that cannot be read or does not have the expected form."""


class MLPError(InputError):
    """An 8-bit MLP file or model that is not valid."""


class FlowError(AxbnnError, RuntimeError):
    """A tool is missing or failed, or a flow's input is unusable; the message says which."""


class PlacementError(FlowError):
    """Place and route failed: the design does not fit the device or its router gave up."""
