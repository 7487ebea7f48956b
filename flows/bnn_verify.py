"""Stream a data set through a generated engine in a real simulator and check every score.

One build per configuration and simulator; the whole test split goes through it with random
back-pressure on the output. Every class and every score is compared with the family's golden
model (:func:`sim.bnn_infer.infer` for a BNN, :func:`sim.mac_infer.infer` for a MAC engine);
each input takes ``config.activation_bits`` bits of an image word, input 0 lowest.
"""

import json
from dataclasses import dataclass, field

import numpy as np

from ..hwgen.families import family_of, load
from ..hwgen.files import write_atomically
from ..sim.bnn_data import load_dataset

from .cocotb_run import build_directory, read_response, run_cocotb
from ..hwgen.errors import FlowError

__all__ = ["verify_bnn", "BNNVerification", "DEFAULT_STALL"]

DEFAULT_STALL = 0.3
_SHOWN_MISMATCHES = 10


@dataclass
class BNNVerification:
    design: str
    simulator: str
    images: int
    results: int
    wrong_labels: int
    wrong_scores: int
    accuracy: float
    mismatches: list = field(default_factory=list)
    build_seconds: float = 0.0
    run_seconds: float = 0.0

    @property
    def ok(self):
        return self.results == self.images and self.wrong_scores == 0 and self.wrong_labels == 0

    def summary(self):
        agree = self.images - max(self.wrong_scores, self.wrong_labels)
        return (f"{self.design} on {self.simulator}: {agree} of {self.images} images agree "
                f"with the golden model in class and every score; accuracy "
                f"{self.accuracy:.2%} (build {self.build_seconds:.1f} s, run "
                f"{self.run_seconds:.1f} s)")


def _decode(config, payload):
    label_width = config.label_width
    score_width = config.score_width
    scores = [(payload >> (label_width + index * score_width)) & ((1 << score_width) - 1)
              for index in range(config.model.n_classes)]
    return payload & ((1 << label_width) - 1), scores


def verify_bnn(config, *, simulator="verilator", images=None, stall=DEFAULT_STALL, seed=0,
               build_dir=None, dataset=None, waves=None):
    """Stream ``images`` test images (default: all) of ``dataset`` (default: the model's)."""
    from ..hwgen.build import to_verilog

    if not 0 <= stall < 1:
        raise FlowError(f"Stall probability must be from 0 to below 1, not {stall!r}")
    dataset = dataset or load_dataset(config.model.metadata.get("dataset", "digits"))
    dataset.check_classes(config.model.n_classes, f"the model of {config.name}")
    bits = config.model.binarize(dataset.x_test[:images])
    labels = dataset.y_test[:images]
    expected = load("sim", family_of(config).model)(config, bits)
    verilog = to_verilog(config)
    with build_directory(build_dir, simulator, config.top_name, verilog,
                         waves=waves is not None) as work:
        stimulus, response = work / "stimulus.json", work / "response.json"
        response.unlink(missing_ok=True)
        weights = 1 << (config.activation_bits * np.arange(bits.shape[1], dtype=object))
        write_atomically(stimulus, json.dumps({
            "images": [int(np.sum(row.astype(object) * weights)) for row in bits],
            "stall": stall, "seed": seed,
            "max_cycles": 4 * len(bits) * (config.cycles_per_image + 8) + 200,
        }))
        build_seconds, run_seconds, log = run_cocotb(
            verilog, config.top_name, simulator=simulator, work=work,
            test_module="axbnn.flows.bnn_tb", seed=seed, waves=waves,
            extra_env={"AXBNN_STIMULUS": str(stimulus), "AXBNN_RESPONSE": str(response)})
        payloads = read_response(response, config.name, simulator, log)
    decoded = [_decode(config, payload) for payload in payloads]
    mismatches, wrong_labels, wrong_scores = [], 0, 0
    for index, (label, scores) in enumerate(decoded):
        label_ok = label == expected["labels"][index]
        scores_ok = scores == expected["scores"][index].tolist()
        wrong_labels += not label_ok
        wrong_scores += not scores_ok
        if not (label_ok and scores_ok) and len(mismatches) < _SHOWN_MISMATCHES:
            mismatches.append({"image": index, "simulated": {"label": label, "scores": scores},
                               "expected": {"label": int(expected["labels"][index]),
                                            "scores": expected["scores"][index].tolist()}})
    simulated_labels = np.array([label for label, _ in decoded])
    accuracy = float(np.mean(simulated_labels == labels[:len(decoded)])) if decoded else 0.0
    return BNNVerification(config.name, simulator, len(bits), len(decoded), wrong_labels,
                           wrong_scores, accuracy, mismatches, build_seconds, run_seconds)
