"""Trained networks shipped with axbnn, and the one command that rebuilds each bit for bit.

``digits`` fills the folded UP5K engine (its weights fit the 120 kbit of block RAM); ``digits-small``
is small enough to unroll on an ECP5-85k; ``digits-tiny`` (one hidden layer of 64) is the light
member of ensembles. Both read the digits data set through a thermometer
code of their input thresholds (see :mod:`hwgen.bnn_model`). ``<name>_s<seed>`` is ``<name>``'s
recipe from another seed: the members of ensembles (:func:`seed_models`).
"""

from pathlib import Path

__all__ = ["SHIPPED_MODELS", "MAC_MODELS", "RECIPES", "seed_models"]

#: Seeds 1 to 4 of a model's recipe, for ensembles (:func:`seed_models`).
_SEEDS = (1, 2, 3, 4)
SHIPPED_MODELS = {name: Path(__file__).parent / f"{name}.npz"
                  for name in ("digits", "digits-small", "digits-tiny",
                               *(f"{name}_s{seed}" for name in ("digits-small", "digits-tiny")
                                 for seed in _SEEDS))}
#: Models of the folded MAC engines (:mod:`hwgen.mac_config`), named as their designs.
MAC_MODELS = {name: Path(__file__).parent / f"{name}.npz"
              for name in ("bwnn-digits", *(f"bwnn-digits_s{seed}" for seed in _SEEDS),
                           "q8-digits", "q8-digits_3330", "pow2-digits", "fixed-digits-4",
                           "fixed-digits-8", "fixed-digits-16")}

#: ``axbnn`` arguments that rebuild each shipped model (same hash; metadata such as the time
#: taken differs), run from the project's root.
RECIPES = {
    "digits": "train --levels 4 --layers 256,256,128,10 --learning-rate 0.03 --epochs 60 "
              "--seed 0 -o hwgen/models/digits.npz",
    "digits-small": "train --levels 2 --layers 128,128,64,10 --learning-rate 0.03 --epochs 60 "
                    "--seed 0 -o hwgen/models/digits-small.npz",
    "digits-tiny": "train --levels 2 --layers 128,64,10 --learning-rate 0.03 --epochs 60 "
                   "--seed 0 -o hwgen/models/digits-tiny.npz",
    "bwnn-digits": "train-mac --hidden 64 --activation-bits 4 --epochs 60 --learning-rate 0.03 "
                   "--seed 0 -o hwgen/models/bwnn-digits.npz",
    "q8-digits": "train-mac q8-digits --hidden 64 --activation-bits 7 --epochs 60 "
                 "--learning-rate 0.003 --seed 0 -o hwgen/models/q8-digits.npz",
    "q8-digits_3330": "train-mac q8-digits-3330 --hidden 64 --activation-bits 7 --epochs 60 "
                      "--learning-rate 0.003 --seed 0 -o hwgen/models/q8-digits_3330.npz",
    **{name: f"train-mac {name} --hidden 64 --activation-bits {bits} --epochs 60 "
             f"--learning-rate 0.03 --seed 0 -o hwgen/models/{name}.npz"
       for name, bits in (("pow2-digits", 4), ("fixed-digits-4", 4), ("fixed-digits-8", 8),
                          ("fixed-digits-16", 16))},
}
RECIPES.update({
    f"{name}_s{seed}": RECIPES[name].replace("--seed 0", f"--seed {seed}").replace(
        f"/{name}.npz", f"/{name}_s{seed}.npz")
    for name in ("digits-small", "digits-tiny", "bwnn-digits") for seed in _SEEDS})


def seed_models(name):
    """The shipped models trained as ``name`` was but from other seeds, for ensembles: ``name``
    (seed 0), then ``<name>_s1``, ``<name>_s2``, ... as far as they are shipped; empty if
    ``name`` is not shipped."""
    shipped = SHIPPED_MODELS | MAC_MODELS
    names = [name] if name in shipped else []
    while names and f"{name}_s{len(names)}" in shipped:
        names.append(f"{name}_s{len(names)}")
    return tuple(names)
