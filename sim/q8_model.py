"""Networks of the 8-bit MAC engine (``q8-...``): a :class:`~sim.quant_mlp.QuantMLP` converted to
integers, and trained (and retrained through an approximate multiplier) for an engine.

Layer ``k`` of a QuantMLP computes ``y = acc * s_in * s_w + b`` and the next layer's codes
``rint(relu(y) / s_act)`` (clipped to 127). In integers the bias becomes accumulator units,
``B = rint(b / (s_in * s_w))``, and the real factor ``M = s_in * s_w / s_act`` a multiply-shift
``scale / 2**shift`` with :data:`SCALE_BITS` significant bits, so a hidden neuron outputs
``clip((acc + B) * scale + 2**(shift - 1) >> shift, 0, 127)``, which is
:class:`~hwgen.mac_model.MACModel`'s requantisation. The last layer's ``acc + B`` ranks the
classes as ``y`` does (they differ by a positive factor and the rounding of ``B``). A feature's
activation counts the thresholds ``(j - 1/2) * s_in``, ``j = 1..127``, it reaches: ``x / s_in``
rounded, halves up (the QuantMLP rounds halves to even).
"""

import math
import tempfile
from pathlib import Path

import numpy as np

from ..hwgen.errors import ModelError
from ..hwgen.mac_model import MACModel
from ..hwgen.product_unit import SignMagnitudeProduct

from .mac_infer import accuracy as engine_accuracy
from .mlp_train import RETRAIN_EPOCHS, MLPOptions, retrain, train_float
from .quant_mlp import MAGNITUDE, accuracy as mlp_accuracy, table_products
from .units import product_table

__all__ = ["SCALE_BITS", "ACTIVATION_BITS", "from_mlp", "train_q8_for"]

#: Significant bits of a requantisation scale: each PE multiplies by it, a constant whose cost
#: grows with its set bits. On digits (64-64-10) 4 bits already changed one test image's class
#: against the QuantMLP, 6 and 8 none.
SCALE_BITS = 6
#: Activations are sign-magnitude codes of non-negative values: the 7 magnitude bits.
ACTIVATION_BITS = 7


def _multiply_shift(factor, layer):
    """``(scale, shift)`` with ``scale / 2**shift`` nearest ``factor`` at :data:`SCALE_BITS`."""
    shift = SCALE_BITS - 1 - math.floor(math.log2(factor))
    if not 0 <= shift <= 31:
        raise ModelError(f"Layer {layer + 1} requantisation factor {factor:.3g} needs a shift "
                         f"from 0 to 31, not {shift}")
    return round(factor * 2 ** shift), shift


def from_mlp(mlp, metadata=None):
    """The :class:`MACModel` of the integer engine that runs QuantMLP ``mlp``."""
    in_scales = mlp.in_scales()
    weights = tuple(np.asarray(w, dtype=np.int64) for w in mlp.quantised_weights())
    biases = tuple(np.rint(np.asarray(b) / (s_in * s_w)).astype(np.int64)
                   for b, s_in, s_w in zip(mlp.biases, in_scales, mlp.weight_scales))
    requantisers = [_multiply_shift(s_in * s_w / s_act, k) for k, (s_in, s_w, s_act) in
                    enumerate(zip(in_scales, mlp.weight_scales, mlp.activation_scales))]
    thresholds = tuple(float((j - 0.5) * mlp.input_scale) for j in range(1, MAGNITUDE + 1))
    return MACModel(SignMagnitudeProduct.kind, ACTIVATION_BITS, tuple(mlp.layers), weights,
                    biases, tuple(shift for _, shift in requantisers), thresholds,
                    dict(metadata or mlp.metadata),
                    tuple(scale for scale, _ in requantisers))


def train_q8_for(engine, dataset, options, progress=None):
    """A model for the q8 ``engine``: a QuantMLP trained in float with ``options``' hidden
    sizes, epochs, seed and learning rate, retrained for :data:`RETRAIN_EPOCHS` epochs through
    the engine's multiplier table unless it is exact, then converted. Its metadata holds the
    QuantMLP's accuracy through that multiplier (``mlp_test_accuracy``) beside the converted
    network's on the exact engine (``test_accuracy``) and on ``engine``
    (``engine_test_accuracy``), all bit-exact."""
    if options.activation_bits != ACTIVATION_BITS or options.shift:
        raise ModelError(f"A q8 engine takes {ACTIVATION_BITS}-bit activations and no shifted "
                         f"images (give --activation-bits {ACTIVATION_BITS}, no --shift)")
    mlp = train_float(dataset, MLPOptions(hidden=options.hidden, epochs=options.epochs,
                                          seed=options.seed,
                                          learning_rate=options.learning_rate))
    products = table_products(product_table(engine.product_unit.multiplier))
    if engine != engine.exact():
        mlp, _ = retrain(mlp, dataset, products, epochs=RETRAIN_EPOCHS, seed=options.seed)
        if progress:
            progress(RETRAIN_EPOCHS, RETRAIN_EPOCHS, f"retrained for {engine.multiplier}")
    metadata = {**mlp.metadata, "learning_rate": options.learning_rate,
                "hidden": list(options.hidden), "trained_for": engine.name,
                "mlp_test_accuracy": mlp_accuracy(mlp, dataset.x_test, dataset.y_test,
                                                  products)}
    model = from_mlp(mlp, metadata)
    activations = model.binarize(dataset.x_test)
    with tempfile.TemporaryDirectory() as scratch:  # an engine reads its model from a file
        path = Path(scratch) / "model.npz"
        model.save(path)
        for key, config in (("test_accuracy", engine.exact()), ("engine_test_accuracy", engine)):
            model.metadata[key] = engine_accuracy(config.replace(weights=path), activations,
                                                  dataset.y_test)
    return model
