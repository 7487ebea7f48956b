"""Threshold tuning: cancel the bias an approximate popcount adds to each hidden neuron.

A majority-gate tree miscounts on average (``maj_not`` counts high), so a neuron trained on
exact counts fires too often or too seldom on the approximate engine. Shifting its threshold by
its expected bias, the mean over real images of the approximate pre-activation minus the exact
one, cancels that on average without retraining. The bias comes from one of
:data:`~sim.count_noise.COUNT_SOURCES`: the plan's conditional table (each chunk's expected
count given its exact count: the error model) or the compressor tree itself (the golden model).
Every layer is fed the exact network's bits, the inputs its thresholds were trained for.

The result is a new :class:`~hwgen.bnn_model.BNNModel`: saved, it is a weights file the
generator, the golden model and the predictor take like any other.
"""

from dataclasses import replace

import numpy as np

from ..hwgen.errors import InputError

from .bnn_infer import infer_model, layer_counts
from .bnn_predict import count_tables
from .count_noise import COUNT_SOURCES, exact_chunk_counts

__all__ = ["neuron_biases", "tune_thresholds"]


def neuron_biases(config, bits, *, source="table"):
    """Per hidden layer of the engine of ``config``, each neuron's mean approximate minus exact
    pre-activation ``(n_out,)`` over the images ``bits``, from ``source``."""
    if source not in COUNT_SOURCES:
        raise InputError(f"Bias source must be one of {', '.join(COUNT_SOURCES)}, "
                         f"not {source!r}")
    model = config.model
    tables = count_tables(config) if source == "table" else None
    biases, bits = [], np.asarray(bits, dtype=np.uint8)
    for layer, (weights, thresholds, chunk) in enumerate(zip(model.weights, model.thresholds,
                                                             config.chunks)):
        exact = exact_chunk_counts(2.0 * bits - 1, 2.0 * weights - 1, chunk.width)
        if source == "table":
            expected = tables[layer] @ np.arange(tables[layer].shape[1])
            approximate = expected[exact].sum(axis=-1)
        else:
            approximate = layer_counts(bits, weights, chunk=chunk)
        exact = exact.sum(axis=-1)
        biases.append((approximate - exact).mean(axis=0))
        bits = (exact >= thresholds).astype(np.uint8)
    return biases


def tune_thresholds(config, dataset, *, source="table"):
    """The model of ``config`` with every hidden threshold moved by its neuron's bias on the
    training split of ``dataset``, rounded and kept within the 0 to ``n_in + 1`` a model holds.
    Its metadata names the engine and source and gives the test accuracy on the exact and on
    the approximate engine (bit-exact), like an approximation-aware trained model's."""
    model = config.model
    dataset.check_classes(model.n_classes, f"the model of {config.name}")
    biases = neuron_biases(config, model.binarize(dataset.x_train), source=source)
    thresholds = tuple(np.clip(trained + np.rint(bias).astype(np.int64), 0, n_in + 1)
                       for trained, bias, n_in in zip(model.thresholds, biases, model.layers))
    tuned = replace(model, thresholds=thresholds, metadata=dict(model.metadata))
    bits, labels = model.binarize(dataset.x_test), dataset.y_test
    exact_chunks = config.exact().chunks
    tuned.metadata.update(
        engine=config.name, threshold_bias=source,
        moved_thresholds=[int(np.count_nonzero(new != old))
                          for new, old in zip(thresholds, model.thresholds)],
        mean_threshold_shift=[float(np.mean(new - old))
                              for new, old in zip(thresholds, model.thresholds)],
        test_accuracy=float(np.mean(infer_model(tuned, exact_chunks, bits)["labels"] == labels)),
        engine_test_accuracy=float(np.mean(infer_model(tuned, config.chunks, bits)["labels"]
                                           == labels)))
    return tuned
