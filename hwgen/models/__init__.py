"""Trained networks shipped with axbnn, and the one command that rebuilds each bit for bit.

``digits`` fills the folded UP5K engine (its weights fit the 120 kbit of block RAM); ``digits-small``
is small enough to unroll on an ECP5-85k. Both read the digits data set through a thermometer
code of their input thresholds (see :mod:`hwgen.bnn_model`).
"""

from pathlib import Path

__all__ = ["SHIPPED_MODELS", "MAC_MODELS", "RECIPES"]

SHIPPED_MODELS = {name: Path(__file__).parent / f"{name}.npz"
                  for name in ("digits", "digits-small")}
#: Models of the folded MAC engines (:mod:`hwgen.mac_config`), named as their designs.
MAC_MODELS = {name: Path(__file__).parent / f"{name}.npz"
              for name in ("bwnn-digits", "q8-digits", "q8-digits_3330")}

#: ``axbnn`` arguments that rebuild each shipped model (same hash; metadata such as the time
#: taken differs), run from the project's root.
RECIPES = {
    "digits": "train --levels 4 --layers 256,256,128,10 --learning-rate 0.03 --epochs 60 "
              "--seed 0 -o hwgen/models/digits.npz",
    "digits-small": "train --levels 2 --layers 128,128,64,10 --learning-rate 0.03 --epochs 60 "
                    "--seed 0 -o hwgen/models/digits-small.npz",
    "bwnn-digits": "train-mac --hidden 64 --activation-bits 4 --epochs 60 --learning-rate 0.03 "
                   "--seed 0 -o hwgen/models/bwnn-digits.npz",
    "q8-digits": "train-mac q8-digits --hidden 64 --activation-bits 7 --epochs 60 "
                 "--learning-rate 0.003 --seed 0 -o hwgen/models/q8-digits.npz",
    "q8-digits_3330": "train-mac q8-digits-3330 --hidden 64 --activation-bits 7 --epochs 60 "
                      "--learning-rate 0.003 --seed 0 -o hwgen/models/q8-digits_3330.npz",
}
