"""Retrain networks for approximate arithmetic and compare them bit-exactly: JSON, Markdown, plot.

    axbnn retrain [DESIGN ...] [-o DIR]

``bnn-*`` designs: the shipped network (trained exactly) on each approximate engine, as it is
and with its thresholds tuned (:mod:`sim.threshold_tuning`), against networks trained through
the engine's popcount; tuning and training take their counts from each of
:data:`sim.count_noise.COUNT_SOURCES` (the plan's error table; its compressor tree).

``smul8-*`` designs: one 8-bit MLP trained in float (:mod:`sim.mlp_train`), then for each
multiplier retrained twice, through the product table (bit-exact) and through the correlated
error model of :mod:`sim.layer_error_model` (measured on ``samples`` training images). Reported:
accuracy before and after each (always bit-exact), seconds per epoch of each, the accuracy both
layer error models predict beside the bit-exact one (and the time of each), and the
cross-evaluation of every retrained network on every multiplier.

Writes ``retrain.json``, ``retrain.md`` and ``retrain.png`` (accuracy against MRED, with and
without retraining) once everything has run.
"""

import json
import time
from pathlib import Path

import numpy as np

from . import plots
from ..hwgen.designs import parse_design
from ..hwgen.errors import DesignError
from ..hwgen.families import FAMILIES, require
from ..hwgen.files import check_output_dir, write_atomically
from ..sim.bnn_data import load_dataset
from ..sim.bnn_infer import accuracy as bnn_accuracy
from ..sim.bnn_train import TrainOptions, train
from ..sim.count_noise import COUNT_SOURCES
from ..sim.characterize import characterize
from ..sim.checks import check_count
from ..sim.layer_error_model import (LAYER_MODEL_SAMPLES, LAYER_MODELS, MAX_LAYER_MODEL_SAMPLES,
                                     measure, noisy_products, predict_accuracy)
from ..sim.mlp_train import RETRAIN_EPOCHS, MLPOptions, retrain, train_float
from ..sim.units import product_table
from ..sim.quant_mlp import accuracy, exact_products, table_products
from ..sim.threshold_tuning import tune_thresholds

__all__ = ["DEFAULT_DESIGNS", "make_retrain_report"]


def _approximate_presets(family):
    configs = [parse_design(name) for name in FAMILIES[family].presets]
    return [config for config in configs if config != config.exact()]


def _default_designs():
    """The digits engine with every approximate popcount plan of the presets, and the
    sign-magnitude twin of every approximate mul8 preset."""
    plans = {config.plan_name for config in _approximate_presets("popcount")
             if config.pipeline is None}
    plans |= {plan for config in _approximate_presets("bnn") for plan in config.popcount}
    return tuple(f"bnn-digits-{plan}" for plan in sorted(plans)) + tuple(
        config.replace(signed=True).name for config in _approximate_presets("mul8")
        if not config.signed)


DEFAULT_DESIGNS = _default_designs()
_RETRAINERS = ("bit_exact", "error_model")


def _split(designs):
    """``(engines, sign-magnitude multipliers)`` of ``designs``."""
    engines, multipliers = [], []
    for config in map(parse_design, designs):
        if require(config, "retrain").interface == "stream":
            engines.append(config)
        elif config.signed:
            multipliers.append(config)
        else:
            raise DesignError(f"retrain needs the sign-magnitude multiplier "
                              f"{config.replace(signed=True).name}, not {config.name}")
    return engines, multipliers


def _retrain_bnn(configs, dataset, epochs, progress):
    rows = []
    for index, config in enumerate(configs, 1):
        bits = config.model.binarize(dataset.x_test)
        row = {"design": config.name, "mred": characterize(config.chunks[0])["mred"],
               "exact_engine": config.model.metadata["test_accuracy"],
               "exact_trained": bnn_accuracy(config, bits, dataset.y_test)}
        for source in COUNT_SOURCES:
            tuned = tune_thresholds(config, dataset, source=source)
            row[f"{source}_tuned"] = tuned.metadata["engine_test_accuracy"]
        for injection in COUNT_SOURCES:
            def report(epoch, total, line, injection=injection):
                progress(f"[{index}/{len(configs)}] {config.name}, through the "
                         f"{injection.replace('_', '-')} counts: {line}", epoch == total)
            start = time.perf_counter()
            model, _ = train(dataset, TrainOptions(epochs=epochs).like(config.model),
                             engine=config, injection=injection, progress=report)
            row[f"{injection}_trained"] = model.metadata["engine_test_accuracy"]
            row[f"{injection}_seconds"] = time.perf_counter() - start
        rows.append(row)
    return rows


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    return function(*args, **kwargs), time.perf_counter() - start


def _retrain_mlp(configs, dataset, epochs, samples, progress):
    model = train_float(dataset, MLPOptions())
    x, y = dataset.x_test, dataset.y_test
    tables = {config.name: product_table(config.replace(signed=True)) for config in configs}
    rows, networks = [], {}
    for index, config in enumerate(configs, 1):
        table = tables[config.name]
        bit_exact = table_products(table)
        before, simulate_seconds = _timed(accuracy, model, x, y, bit_exact)
        row = {"design": config.name, "mred": characterize(config)["mred"], "before": before,
               "simulate_seconds": simulate_seconds}
        layer_models = {kind: measure(model, dataset.x_train[:samples], table, kind=kind)
                        for kind in LAYER_MODELS}
        for kind, errors in layer_models.items():
            row[f"predicted_{kind}"], row[f"predict_{kind}_seconds"] = _timed(
                predict_accuracy, model, x, y, errors)
        errors = layer_models["correlated"]
        for retrainer, products, injected in (
                ("bit_exact", bit_exact, None),
                ("error_model", noisy_products(errors, np.random.default_rng(0)), errors)):
            def report(epoch, total, retrainer=retrainer):
                progress(f"[{index}/{len(configs)}] {config.name}, retraining "
                         f"{retrainer.replace('_', '-')}: epoch {epoch}/{total}", epoch == total)
            network, row[f"{retrainer}_epoch_seconds"] = retrain(
                model, dataset, products, errors=injected, epochs=epochs, progress=report)
            row[f"{retrainer}_retrained"] = accuracy(network, x, y, bit_exact)
            networks[retrainer, config.name] = network
        row["epoch_speedup"] = row["bit_exact_epoch_seconds"] / row["error_model_epoch_seconds"]
        rows.append(row)
    cross = {retrainer: {f"{a.name} on {b.name}": accuracy(
        networks[retrainer, a.name], x, y, table_products(tables[b.name]))
        for a in configs for b in configs} for retrainer in _RETRAINERS}
    return {"layers": list(model.layers), "quantised_exact": accuracy(model, x, y,
                                                                      exact_products),
            "rows": rows, "cross": cross}


def make_retrain_report(designs, out_dir, *, dataset="digits", bnn_epochs=TrainOptions.epochs,
                        mlp_epochs=RETRAIN_EPOCHS, samples=LAYER_MODEL_SAMPLES,
                        progress=lambda line, done: None):
    """Run the comparisons for ``designs``; write and return the results.
    ``progress(line, done)`` reports every epoch; ``done`` ends a training run."""
    bnn, mlp = _split(designs)
    check_count("Layer-model sample count", samples, MAX_LAYER_MODEL_SAMPLES)
    out_dir = Path(out_dir)
    check_output_dir(out_dir)
    data = load_dataset(dataset)
    results = {"dataset": data.name, "test_images": len(data.y_test)}
    if bnn:
        results["bnn"] = _retrain_bnn(bnn, data, bnn_epochs, progress)
    if mlp:
        results["mlp"] = _retrain_mlp(mlp, data, mlp_epochs, samples, progress)
    plot(results, out_dir / "retrain.png")
    write_atomically(out_dir / "retrain.md", to_markdown(results))
    write_atomically(out_dir / "retrain.json", json.dumps(results, indent=2) + "\n")
    return results


def _pct(value):
    return f"{value:.2%}"


def to_markdown(results):
    parts = [f"# axbnn retrain ({results['dataset']}, {results['test_images']} test images, "
             "accuracies bit-exact)"]
    if "bnn" in results:
        parts += ["\n## BNN engines: exact training, threshold tuning, approximation-aware "
                  "training\n",
                  "| design | MRED | exact engine | exact-trained | thresholds tuned (table, "
                  "tree) | table-trained | tree-trained | seconds (table, tree) |",
                  "|---|---|---|---|---|---|---|---|"]
        parts += [f"| {r['design']} | {r['mred']:.4g} | {_pct(r['exact_engine'])} | "
                  f"{_pct(r['exact_trained'])} | {_pct(r['table_tuned'])}, "
                  f"{_pct(r['bit_exact_tuned'])} | {_pct(r['table_trained'])} | "
                  f"{_pct(r['bit_exact_trained'])} | {r['table_seconds']:.1f}, "
                  f"{r['bit_exact_seconds']:.1f} |" for r in results["bnn"]]
    if "mlp" in results:
        mlp = results["mlp"]
        layers = "-".join(map(str, mlp["layers"]))
        parts += [f"\n## 8-bit MLP {layers}: exact multiplier {_pct(mlp['quantised_exact'])}\n",
                  "| multiplier | MRED | before | predicted (correlated, moments) | bit-exact "
                  "retrained | error-model retrained | s/epoch (bit-exact, model) | speedup |",
                  "|---|---|---|---|---|---|---|---|"]
        parts += [f"| {r['design']} | {r['mred']:.4g} | {_pct(r['before'])} | "
                  f"{_pct(r['predicted_correlated'])}, {_pct(r['predicted_moments'])} | "
                  f"{_pct(r['bit_exact_retrained'])} | {_pct(r['error_model_retrained'])} | "
                  f"{r['bit_exact_epoch_seconds']:.3f}, {r['error_model_epoch_seconds']:.4f} | "
                  f"{r['epoch_speedup']:.1f}x |" for r in mlp["rows"]]
        names = [r["design"] for r in mlp["rows"]]
        for retrainer, table in mlp["cross"].items():
            parts += [f"\n### Cross-evaluation, {retrainer.replace('_', '-')} retrained "
                      "(row: retrained for, column: run on)\n",
                      "| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
            parts += [f"| {a} | " + " | ".join(_pct(table[f"{a} on {b}"]) for b in names)
                      + " |" for a in names]
    return "\n".join(parts) + "\n"


def plot(results, path):
    """Accuracy (%, as in the Markdown) against MRED per network kind: a series per way of
    adapting the network, hollow markers of their own so that equal accuracies stay visible,
    the designs numbered and named in the legend."""
    panels = [("bnn", "BNN popcount plans", (("exact_trained", "exact-trained"),
                                               ("table_tuned", "thresholds tuned (table)"),
                                               ("bit_exact_tuned", "thresholds tuned (tree)"),
                                               ("table_trained", "trained through the table"),
                                               ("bit_exact_trained", "trained through the tree"))),
              ("mlp", "8-bit MLP multipliers", (("before", "float-trained, quantised"),
                                                ("bit_exact_retrained", "retrained bit-exact"),
                                                ("error_model_retrained",
                                                 "retrained on the error model")))]
    panels = [panel for panel in panels if panel[0] in results]
    figure, axes = plots.figure(1, len(panels), width=6.5)
    for axis, (key, title, series) in zip(axes[0], panels):
        rows = results[key] if key == "bnn" else results[key]["rows"]
        for index, (column, label) in enumerate(series):  # points: the designs are no sequence
            plots.markers(axis, [(r["mred"], 100 * r[column], False) for r in rows],
                          series=index, label=label)
        plots.numbers(axis, [(r["mred"], 100 * r[series[0][0]], r["design"]) for r in rows])
        axis.set(title=title, xlabel="MRED", ylabel="test accuracy (%, bit-exact)")
        axis.legend(fontsize=6)
    plots.save(figure, path)
