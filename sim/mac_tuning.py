"""Adapt a MAC engine's network to its approximate accumulator or multiplier: biases tuned, or
retrained.

``tune``: an approximate accumulator adds each neuron's sum with a bias of its own (a
lower-part OR never carries out of its low bits, so it only ever loses), and so does an
approximate multiplier. Measured on the
training split, layer by layer (each layer fed the approximate activations of the one
before), each neuron's mean error is taken off its bias: a second, seconds. ``train``: the
network trained through the engine's adders from the start (:func:`sim.mac_train.train_mac_for`).
"""

from dataclasses import replace

import numpy as np

from .mac_infer import layer_sums, requantise
from .mac_train import MACTrainOptions, train_mac_for

__all__ = ["tune_biases", "adapt"]


def tune_biases(config, dataset):
    """The model of ``config`` with every neuron's bias moved by its mean accumulation error."""
    model = config.model
    activations, biases, unit = model.binarize(dataset.x_train), [], config.product_unit
    exact_unit = config.exact().product_unit
    for index, (weights, initial, simd, adder) in enumerate(
            zip(model.weights, config.initial_values, config.simd, config.adders)):
        exact = layer_sums(activations, weights, initial, simd=simd, adder=adder.exact(),
                           unit=exact_unit)
        approximate = layer_sums(activations, weights, initial, simd=simd, adder=adder,
                                 unit=unit)
        correction = np.rint((approximate - exact).mean(axis=0)).astype(np.int64)
        biases.append(model.biases[index] - correction)
        if index < model.depth - 1:
            tuned = layer_sums(activations, weights, initial - correction, simd=simd,
                               adder=adder, unit=unit)
            activations = requantise(tuned, model.shifts[index], model.activation_bits,
                                     model.scale(index))
    return replace(model, biases=tuple(biases),
                   metadata={**model.metadata, "tuned_for": config.name})


def adapt(config, dataset, adaptation, *, epochs, progress):
    """The model of ``config`` adapted by ``adaptation`` (``tune`` or ``train``)."""
    if adaptation == "tune":
        return tune_biases(config, dataset)
    model = config.model
    metadata = model.metadata
    options = MACTrainOptions(hidden=model.layers[1:-1], activation_bits=model.activation_bits,
                              epochs=epochs, seed=metadata.get("seed", 0),
                              learning_rate=metadata.get("learning_rate",
                                                         MACTrainOptions.learning_rate))
    return train_mac_for(config, dataset, options,
                         progress=lambda epoch, total, line: progress(f"  {line}")
                         if epoch == total else None)
