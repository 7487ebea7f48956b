"""Adapt a BNN engine's network to its approximate popcounts, for ``axbnn front``.

``tune``: hidden thresholds moved by their neurons' mean count error on the training split
(:func:`sim.threshold_tuning.tune_thresholds`, seconds); ``train``: the network trained
through its compressor trees from the start (a minute on two cores).
"""

from .bnn_train import TrainOptions, train
from .threshold_tuning import tune_thresholds

__all__ = ["adapt"]


def adapt(engine, dataset, adaptation, *, epochs, progress):
    """The model of ``engine`` adapted by ``adaptation`` (``tune`` or ``train``)."""
    if adaptation == "tune":
        return tune_thresholds(engine, dataset, source="bit_exact")
    metadata = engine.model.metadata
    options = TrainOptions(epochs=epochs, seed=metadata.get("seed", 0),
                           learning_rate=metadata.get("learning_rate",
                                                      TrainOptions.learning_rate)
                           ).like(engine.model)
    model, _ = train(dataset, options, engine=engine, injection="bit_exact",
                     progress=lambda epoch, total, line: progress(f"  {line}")
                     if epoch == total else None)
    return model
