"""A network's accuracy from an error model, beside the bit-exact figure, both timed.

``bnn-*`` designs: the engine's own network through the popcount error model
(:mod:`sim.bnn_predict`). ``smul8-*`` designs: an 8-bit MLP (a file from ``axbnn train-mlp``,
or one trained in float on the data set on the spot by :func:`sim.mlp_train.train_float`,
seeded, a second or two) through a layer error model of the multiplier
(:mod:`sim.layer_error_model`). ``bwnn-*`` designs: the engine's own network through its
accumulator adder's error model (:mod:`sim.mac_predict`). Which applies is the family's
``predict`` (:class:`~hwgen.families.Family`).
"""

import inspect
import logging
import time

from ..hwgen.designs import with_options
from ..hwgen.errors import DesignError
from ..hwgen.families import load, require
from ..sim import layer_error_model, mac_infer, mac_predict
from ..sim.bnn_data import load_dataset
from ..sim.bnn_infer import accuracy
from ..sim.bnn_predict import (DEFAULT_DRAWS, MAX_DRAWS, count_tables, flip_probabilities,
                                predict_accuracy)
from ..sim.checks import check_count
from ..sim.mlp_train import MLPOptions, train_float
from ..sim.units import product_table
from ..sim.quant_mlp import accuracy as mlp_accuracy
from ..sim.quant_mlp import load_mlp, table_products

__all__ = ["predict_design", "predict", "predict_mlp", "predict_mac"]

#: The command-line flag of each option a family's predictor may or may not take.
_FLAGS = {"draws": "--draws", "method": "--method", "kind": "--layer-model", "seed": "--seed"}

logger = logging.getLogger(__name__)


def predict_design(config, *, weights=None, dataset=None, check=False, draws=None, method=None,
                   kind=None, seed=None):
    """The prediction of the design's family (:func:`predict` for a bnn engine,
    :func:`predict_mac` for a MAC engine, :func:`predict_mlp` for a sign-magnitude multiplier),
    given the options that are not ``None``; ``weights`` is the engine's model file or the
    MLP's. An option the family's prediction does not take is a :class:`DesignError`."""
    predictor = load("flows", require(config, "predict").predict)
    takes = inspect.signature(predictor).parameters
    options = {name: value for name, value in (("draws", draws), ("method", method),
                                               ("kind", kind), ("seed", seed))
               if value is not None}
    for name in options:
        if name not in takes:
            allowed = ", ".join(flag for option, flag in _FLAGS.items() if option in takes)
            raise DesignError(f"predict {config.name} takes no {_FLAGS[name]} (its family's "
                              f"options: {allowed or 'none'})")
    if draws is not None:
        check_count("Draw count", draws, MAX_DRAWS)  # before tables are built or networks trained
    if "weights" in takes:
        options["weights"] = weights
    else:
        config = with_options(config, weights=weights)
    return predictor(config, dataset=dataset, check=check, **options)


def predict(config, *, dataset=None, check=False, draws=DEFAULT_DRAWS, method=None, seed=0):
    """A JSON-ready dict: ``predicted_accuracy`` and ``predict_seconds`` (building the count
    tables, reported apart as ``tables_seconds``, is a once-per-plan cost), and with ``check``
    ``simulated_accuracy`` and ``simulate_seconds`` of the bit-exact golden model on the same
    images. Accuracies are fractions of the test split of ``dataset`` (default: the model's);
    ``flip_probability`` is each hidden layer's mean neuron flip probability on it."""
    data = load_dataset(dataset or config.model.metadata.get("dataset", "digits"))
    data.check_classes(config.model.n_classes, f"the model of {config.name}")
    bits = config.model.binarize(data.x_test)
    start = time.perf_counter()
    tables = count_tables(config, method=method, seed=seed)
    tabled = time.perf_counter()
    predicted = predict_accuracy(config, bits, data.y_test, draws=draws, seed=seed,
                                 tables=tables)
    result = {"design": config.name, "images": len(bits), "draws": draws,
              "predicted_accuracy": predicted,
              "predict_seconds": time.perf_counter() - tabled,
              "tables_seconds": tabled - start,
              "flip_probability": [float(flips.mean())
                                   for flips in flip_probabilities(config, bits, tables=tables)]}
    if check:
        start = time.perf_counter()
        result["simulated_accuracy"] = accuracy(config, bits, data.y_test)
        result["simulate_seconds"] = time.perf_counter() - start
    return result


def predict_mlp(config, *, weights=None, dataset=None, check=False, draws=DEFAULT_DRAWS,
                kind=layer_error_model.LAYER_MODELS[0], seed=0):
    """:func:`predict` for a sign-magnitude multiplier ``config`` in the 8-bit MLP of file
    ``weights`` (:func:`sim.quant_mlp.load_mlp`; by default one trained here); building the
    layer error model (``kind``, measured on training images) is ``tables_seconds``."""
    if not config.signed:
        raise DesignError(f"predict needs the sign-magnitude multiplier s{config.name} of an "
                          f"8-bit MLP, not {config.name}")
    model = load_mlp(weights) if weights else None
    data = load_dataset(dataset or (model.metadata.get("dataset", "digits") if model
                                    else "digits"))
    if model is None:
        logger.info("predict: no --weights, so an 8-bit MLP is trained in float first (about a "
                 "minute)")
        model = train_float(data, MLPOptions(seed=seed))
    if model.layers[0] != data.n_features:
        raise DesignError(f"MLP {weights} takes {model.layers[0]} features, but {data.name} "
                          f"has {data.n_features}")
    data.check_classes(model.layers[-1], f"MLP {weights}")
    table = product_table(config.replace(signed=True))
    start = time.perf_counter()
    errors = layer_error_model.measure(
        model, data.x_train[:layer_error_model.LAYER_MODEL_SAMPLES], table, kind=kind)
    tabled = time.perf_counter()
    predicted = layer_error_model.predict_accuracy(model, data.x_test, data.y_test, errors,
                                                   draws=draws, seed=seed)
    result = {"design": config.name, "network": "-".join(map(str, model.layers)),
              "layer_model": kind, "images": len(data.y_test), "draws": draws,
              "predicted_accuracy": predicted,
              "predict_seconds": time.perf_counter() - tabled,
              "tables_seconds": tabled - start}
    if check:
        start = time.perf_counter()
        result["simulated_accuracy"] = mlp_accuracy(model, data.x_test, data.y_test,
                                                    table_products(table))
        result["simulate_seconds"] = time.perf_counter() - start
    return result


def predict_mac(config, *, dataset=None, check=False):
    """:func:`predict` for a MAC engine: its accuracy from the expected error of its
    accumulator adder (:func:`sim.mac_predict.predict_accuracy`), one deterministic pass."""
    if config.product != "binary":  # the chain is driven by sums of activations' complements
        raise DesignError(f"{config.name}: predict models binary-weight engines (bwnn-...), "
                          f"not {config.product} products")
    data = load_dataset(dataset or config.model.metadata.get("dataset", "digits"))
    data.check_classes(config.model.n_classes, f"the model of {config.name}")
    activations = config.model.binarize(data.x_test)
    start = time.perf_counter()
    predicted = mac_predict.predict_accuracy(config, activations, data.y_test)
    result = {"design": config.name, "images": len(activations),
              "predicted_accuracy": predicted, "predict_seconds": time.perf_counter() - start}
    if check:
        start = time.perf_counter()
        result["simulated_accuracy"] = mac_infer.accuracy(config, activations, data.y_test)
        result["simulate_seconds"] = time.perf_counter() - start
    return result
