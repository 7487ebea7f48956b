"""Accuracy of a BNN engine from its error model, beside the bit-exact figure, both timed."""

import time

from hwgen.designs import DesignError
from sim.bnn_data import DataError, load_dataset
from sim.bnn_infer import accuracy
from sim.bnn_predict import DEFAULT_DRAWS, count_tables, flip_probabilities, predict_accuracy

__all__ = ["predict"]


def predict(config, *, dataset=None, check=False, draws=DEFAULT_DRAWS, method=None, seed=0):
    """A JSON-ready dict: ``predicted_accuracy`` and ``predict_seconds`` (building the count
    tables, reported apart as ``tables_seconds``, is a once-per-plan cost), and with ``check``
    ``simulated_accuracy`` and ``simulate_seconds`` of the bit-exact golden model on the same
    images. Accuracies are fractions of the test split of ``dataset`` (default: the model's);
    ``flip_probability`` is each hidden layer's mean neuron flip probability on it."""
    try:
        data = load_dataset(dataset or config.model.metadata.get("dataset", "digits"))
        bits = config.model.binarize(data.x_test)
    except (DataError, ValueError) as error:
        raise DesignError(str(error)) from None
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
