"""Bit-exact inference of an ensemble (:class:`~hwgen.ensemble_config.EnsembleConfig`): every
member's golden model on the same inputs, then each class's key by vote or by summed scores,
as :mod:`hwgen.ensemble_engine` forms it, and the argmax of the keys (which are unique for a
vote; for a sum the lowest class wins a tie, as the engine's argmax decides)."""

import numpy as np

from ..hwgen.families import family_of, load

__all__ = ["infer", "combine", "vote_keys"]


def vote_keys(labels, classes):
    """``(samples, classes)`` keys ``votes * 2**k + voters`` from member ``labels``
    ``(samples, k)``; member ``i`` sets bit ``k - 1 - i`` of the classes it voted for."""
    labels = np.asarray(labels, dtype=np.int64)
    k = labels.shape[1]
    voted = labels[:, :, None] == np.arange(classes)  # (samples, k, classes)
    weights = (1 << np.arange(k - 1, -1, -1, dtype=np.int64))[None, :, None]
    return (voted.sum(axis=1, dtype=np.int64) << k) + (voted * weights).sum(axis=1)


def combine(config, answers):
    """Keys and labels of the ensemble of ``config`` from its members' ``answers`` (each a
    golden model's result)."""
    if config.combine == "sum":
        keys = np.sum([answer["scores"] for answer in answers], axis=0, dtype=np.int64)
    else:
        keys = vote_keys(np.stack([answer["labels"] for answer in answers], axis=1),
                         config.model.n_classes)
    return {"scores": keys, "labels": np.argmax(keys, axis=1)}


def infer(config, inputs):
    """``{"scores": keys, "labels", "members": [each member's result]}`` for ``inputs`` (the
    members' common input code, ``(samples, inputs)``)."""
    answers = [load("sim", family_of(member).model)(member, inputs)
               for member in config.members]
    return {**combine(config, answers), "members": answers}
