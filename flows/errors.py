"""The one error type the command line reports as a single line instead of a traceback."""

__all__ = ["FlowError"]


class FlowError(RuntimeError):
    """A tool is missing or failed, or a flow's input is unusable; the message says which."""
