"""The golden model of an external multiplier: its simulated products, looked up."""

import numpy as np

from ..hwgen.errors import InputError

__all__ = ["evaluate"]


def evaluate(config, inputs):
    """The products ``config.products`` records for port values ``inputs``."""
    if config.products is None:
        raise InputError(f"{config.name}: its products are not simulated yet "
                         f"(flows.external.load_external)")
    table = np.asarray(config.products, dtype=np.int64)
    a, b = np.asarray(inputs["a"], dtype=np.int64), np.asarray(inputs["b"], dtype=np.int64)
    return {"p": table[a * 256 + b]}
