"""Benchmarks of the foundation: golden-model throughput, RTL verification and generation time.

    python -m axbnn.flows.benchmark [-o DIR]
    python -m axbnn.flows.benchmark --mac-prediction   # only the MAC error model's rows

Prints a table and writes ``benchmark.json`` and ``benchmark.md`` into DIR. Figures are wall
times on this machine, best of a few repeats where a run is short; compare ratios from one run.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from ..hwgen.designs import parse_design
from ..hwgen.files import check_output_dir, write_atomically
from ..hwgen.mac_config import MACConfig
from ..hwgen.mac_model import MACModel
from ..sim.multiplier import multiply, product_table
from ..sim.bitpack import lanes_to_ints, pack_lanes, pack_rows
from ..sim.bnn_data import load_dataset
from ..sim.bnn_infer import infer
from ..sim.mac_infer import infer as mac_infer
from ..sim.mac_predict import predict_scores
from ..sim.popcount import count_rows, is_exact, popcount, walk_lanes

from .generate import generate
from .simulators import SIMULATORS, available_simulators
from .verify import verify


def _best_time(function, repeats=5):
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _multiplier_throughput():
    a, b = np.meshgrid(np.arange(256), np.arange(256))
    seconds = _best_time(lambda: multiply(a, b, blocks="3330"))
    return {"benchmark": "model: mul8-3330, all 65,536 pairs", "seconds": seconds,
            "rate": a.size / seconds, "unit": "multiplies/s"}


def _table_lookup_throughput(samples=1 << 20):
    """Network inference multiplies by indexing the 256x256 product table, not by the model."""
    table = product_table("3330")
    a, b = np.random.default_rng(0).integers(0, 256, (2, samples))
    seconds = _best_time(lambda: table[a, b])
    return {"benchmark": f"model: mul8-3330 product-table lookup, {samples} pairs",
            "seconds": seconds, "rate": samples / seconds, "unit": "multiplies/s"}


def _popcount_throughput(design, samples=1 << 16):
    """The model from packed words, the layout engines keep end to end, and from 0/1 bytes."""
    config = parse_design(design)
    bits = np.random.default_rng(0).integers(0, 2, (samples, config.width), dtype=np.uint8)
    if is_exact(config.plan):
        rows = pack_rows(bits)
        packed = lambda: count_rows(rows)
    else:
        lanes = pack_lanes(bits)
        packed = lambda: lanes_to_ints(walk_lanes(lanes, config.plan), samples)
    return [{"benchmark": f"model: {design}, {samples} {form} vectors", "seconds": seconds,
             "rate": bits.size / seconds, "unit": "input bits/s"}
            for form, seconds in (("packed", _best_time(packed)),
                                  ("0/1-byte", _best_time(lambda: popcount(bits, plan=config.plan),
                                                          repeats=3)))]


def _engine_inference(design="bnn-digits"):
    config = parse_design(design)
    bits = config.model.binarize(load_dataset().x_test)
    seconds = _best_time(lambda: infer(config, bits), repeats=3)
    return [{"benchmark": f"model: {design}, {len(bits)} test images bit-exact",
             "seconds": seconds, "rate": len(bits) / seconds, "unit": "images/s"}]


def _verification(simulator, work):
    result = verify(parse_design("mul8-3330"), simulator=simulator, exhaustive=True,
                    build_dir=work)
    if not result.ok:
        raise SystemExit(f"benchmark: {result.summary()}")
    return {"benchmark": f"cocotb: mul8-3330 exhaustive on {simulator}",
            "seconds": result.build_seconds + result.run_seconds,
            "build_seconds": result.build_seconds, "run_seconds": result.run_seconds,
            "rate": result.vectors / result.run_seconds, "unit": "vectors/s"}


def _generation(work):
    config = parse_design("popcount-1024-exact")
    started = time.perf_counter()
    generate(config, work / "generate")
    return {"benchmark": "generate popcount-1024-exact", "seconds": time.perf_counter() - started,
            "rate": None, "unit": None}


def _mac_prediction(work, adder, *, hidden=640, seed=0):
    """The accumulator error model against the bit-exact model on a ``64-hidden-hidden-10``
    binary-weight network (random weights: the time does not depend on them) over the digits
    test images; ``agreement`` is the fraction of images both classify alike."""
    digits = parse_design("bwnn-digits").model
    rng = np.random.default_rng(seed)
    layers = (digits.n_features, hidden, hidden, digits.n_classes)
    model = MACModel("binary", digits.activation_bits, layers,
                     tuple(rng.choice([-1, 1], (n_out, n_in)) for n_in, n_out
                           in zip(layers, layers[1:])),
                     tuple(np.zeros(n_out, dtype=np.int64) for n_out in layers[1:]),
                     (4, 5), digits.input_thresholds, {"seed": seed})
    model.save(work / "wide.npz")  # shifts keep the hidden activations of the 4-bit range
    config = MACConfig(str(work / "wide.npz"), adder=adder)
    activations = model.binarize(load_dataset().x_test)
    started = time.perf_counter()
    predicted = np.argmax(predict_scores(config, activations), axis=1)
    predict_seconds = time.perf_counter() - started
    started = time.perf_counter()
    simulated = mac_infer(config, activations)["labels"]
    simulate_seconds = time.perf_counter() - started
    return {"benchmark": f"MAC error model: {'-'.join(map(str, layers))} {adder}, "
                         f"{len(activations)} images, predicted vs bit-exact",
            "seconds": predict_seconds, "simulate_seconds": simulate_seconds,
            "speedup": simulate_seconds / predict_seconds,
            "agreement": float(np.mean(predicted == simulated)),
            "rate": len(activations) / predict_seconds, "unit": "images/s"}


MAC_PREDICTION_ADDERS = ("loa-2", "loa-4", "maj_not-3")
MODEL_DESIGNS = ("popcount-256-exact", "popcount-256-maj_not", "popcount-256-maj_not-l1",
                 "popcount-256-maj_not-c2", "popcount-256-maj4", "popcount-1024-exact")
ENGINES = ("bnn-digits", "bnn-digits-maj4", "bnn-digits-maj_not-l1")


def run_benchmarks(progress=print, *, mac_prediction_only=False):
    rows, steps = [], []
    if not mac_prediction_only:
        steps += [_multiplier_throughput, _table_lookup_throughput]
        steps += [lambda design=design: _popcount_throughput(design) for design in MODEL_DESIGNS]
        steps += [lambda design=design: _engine_inference(design) for design in ENGINES]
    with tempfile.TemporaryDirectory(prefix="axbnn-bench-") as work:
        work = Path(work)
        steps += [lambda adder=adder: _mac_prediction(work, adder)
                  for adder in MAC_PREDICTION_ADDERS]
        if not mac_prediction_only:
            steps += [lambda simulator=simulator: _verification(simulator, work)
                      for simulator in SIMULATORS if simulator in available_simulators()]
            steps += [lambda: _generation(work)]
        for index, step in enumerate(steps, 1):
            result = step()
            rows += result if isinstance(result, list) else [result]
            progress(f"[{index}/{len(steps)}] {rows[-1]['benchmark']}: "
                     f"{rows[-1]['seconds']:.3f} s")
    return rows


def to_markdown(rows):
    lines = ["| benchmark | seconds | throughput | note |", "|---|---:|---:|---|"]
    for row in rows:
        rate = f"{row['rate']:.3g} {row['unit']}" if row["rate"] else ""
        note = ""
        if "build_seconds" in row:
            note = f"build {row['build_seconds']:.1f} s + run {row['run_seconds']:.1f} s"
        if "speedup" in row:
            note = (f"bit-exact {row['simulate_seconds']:.2f} s, {row['speedup']:.1f}x faster, "
                    f"same class on {row['agreement']:.1%}")
        lines.append(f"| {row['benchmark']} | {row['seconds']:.3f} | {rate} | {note} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m axbnn.flows.benchmark", description=__doc__)
    parser.add_argument("-o", "--output", default="benchmark", metavar="DIR")
    parser.add_argument("--mac-prediction", action="store_true",
                        help="only the MAC error model against the bit-exact model")
    args = parser.parse_args(argv)
    output = Path(args.output)
    check_output_dir(output)
    rows = run_benchmarks(progress=lambda line: print(line, file=sys.stderr),
                          mac_prediction_only=args.mac_prediction)
    write_atomically(output / "benchmark.json", json.dumps(rows, indent=2) + "\n")
    write_atomically(output / "benchmark.md", to_markdown(rows))
    print(to_markdown(rows), end="")


if __name__ == "__main__":
    main()
