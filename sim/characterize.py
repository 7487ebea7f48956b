"""Error metrics of a design: exhaustive where the input space allows, Monte Carlo above it."""

import numpy as np

from ..hwgen.families import load, require

from .checks import check_count
from .metrics import ErrorStatistics
from .units import evaluate, exact_value, output_value
from .vectors import EXHAUSTIVE_BITS, exhaustive_inputs, uniform_inputs

__all__ = ["characterize", "error_samples", "DEFAULT_SAMPLES", "MAX_SAMPLES"]

DEFAULT_SAMPLES = 1 << 18
MAX_SAMPLES = 1 << 24  # about 40 s for a 256-input popcount, the standard error ~1/4096
_CHUNK = 1 << 14


def error_samples(config, *, samples=DEFAULT_SAMPLES, seed=0, progress=None):
    """``(method, chunks)``: ``chunks`` yields ``(approximate, exact)`` value arrays.

    Exhaustive when the unit has at most ``EXHAUSTIVE_BITS`` input bits (every 8x8 multiplier,
    adders up to 10 bits, popcounts up to 20 inputs); otherwise ``samples`` uniform random
    vectors from ``numpy.random.default_rng(seed)``, at most :data:`MAX_SAMPLES`.
    ``progress(done, total)`` is called per chunk.
    """
    if config.input_bits <= EXHAUSTIVE_BITS:
        def exhaustive():
            inputs = exhaustive_inputs(config)
            yield output_value(config, evaluate(config, inputs)), exact_value(config, inputs)
        return "exhaustive", exhaustive()
    check_count("Sample count", samples, MAX_SAMPLES)

    def monte_carlo():
        rng = np.random.default_rng(seed)
        for start in range(0, samples, _CHUNK):
            inputs = uniform_inputs(config, min(_CHUNK, samples - start), rng)
            yield output_value(config, evaluate(config, inputs)), exact_value(config, inputs)
            if progress:
                progress(min(start + _CHUNK, samples), samples)
    return "monte_carlo", monte_carlo()


def characterize(config, *, samples=DEFAULT_SAMPLES, seed=0, progress=None):
    """Error metrics of ``config`` as a JSON-ready dictionary, over the inputs
    :func:`error_samples` chooses."""
    family = require(config, "characterize")
    statistics = ErrorStatistics()
    method, chunks = error_samples(config, samples=samples, seed=seed, progress=progress)
    for approximate, exact in chunks:
        statistics.add(approximate, exact)
    result = {"design": config.name, "method": method, "samples": statistics.samples,
              "seed": None if method == "exhaustive" else seed, **statistics.result()}
    if family.metrics:
        result.update(load("sim", family.metrics)(config))
    return result
