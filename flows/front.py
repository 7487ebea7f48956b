"""The trade, measured: an exact engine beside approximate engines of the same style and speed.

Every engine of the front has the exact engine's layers, styles and folding (so the same cycles
per image) and differs only in its approximation plans (``config.with_plan``: a BNN's popcount
plans, a MAC engine's accumulator adder). Its cost comes from real synthesis (``lc`` on
an FPGA, ``area_nand2`` on ASIC), its accuracy from the bit-exact golden model over the whole
test split and, with verification, from a cocotb run of its Verilog that must agree on every
class and score. An approximate engine runs the network adapted to it (:data:`ADAPTATIONS`):
its hidden thresholds moved by their neurons' mean count error on the training split
(``tune``, seconds), or the network trained through its compressor trees from the start
(``train``, a minute on two cores), so the front shows what approximation costs once
compensated, not the raw damage. A MAC engine's biases are tuned, or its network trained,
through its accumulator adder the same way (:mod:`sim.mac_tuning`); the family registry names
each family's golden model and adaptation.
"""

import json
from dataclasses import replace
from pathlib import Path

from . import plots
from ..hwgen.bnn_config import BNNConfig
from ..hwgen.errors import InputError
from ..hwgen.families import load, require
from ..hwgen.files import refuse_links, write_atomically
from ..sim.bnn_data import load_dataset
from ..sim.bnn_train import TrainOptions
from .cache import ResultCache
from .engines import engine_accuracy
from .synth import TARGETS, cost_of, synthesize_cached

__all__ = ["make_front", "DEFAULT_PLANS", "ADAPTATIONS", "FRONT"]

FRONT = "front.json"
#: Approximate popcount plans put beside an exact BNN engine unless others are asked for.
DEFAULT_PLANS = BNNConfig.FRONT_PLANS
ADAPTATIONS = ("none", "tune", "train")


def _adapted(engine, dataset, adaptation, out_dir, epochs, progress):
    """``engine`` running its network adapted by ``adaptation`` (its family's adaptation), the
    model saved in ``out_dir`` so that the engine can be rebuilt from the front's files."""
    if adaptation == "none" or engine == engine.exact():
        return engine
    adapt = load("sim", require(engine, "front").adapt)
    model = adapt(engine, dataset, adaptation, epochs=epochs, progress=progress)
    path = out_dir / "models" / f"{engine.name}-{adaptation}.npz"
    model.save(path)
    return replace(engine, weights=str(path))


def _pareto(entries):
    """Names of the entries no other entry beats in both cost and accuracy."""
    front, best = set(), -1.0
    for entry in sorted(entries, key=lambda entry: (entry["cost"], -entry["accuracy"])):
        if entry["accuracy"] > best:
            front.add(entry["design"])
            best = entry["accuracy"]
    return front


def make_front(config, out_dir, *, targets=("ice40-up5k",), plans=None,
               adaptation="tune", epochs=TrainOptions.epochs, verify=True,
               simulator="verilator", dataset=None, cache_dir=None, progress=print):
    """Synthesise, score and (with ``verify``) prove the exact engine of ``config`` and one
    approximate engine per plan of ``plans``; write ``front.json``, ``front.md`` and
    ``front.png`` into ``out_dir`` and return the entries. ``dataset`` defaults to the one the
    model was trained on; ``plans`` the family's ``FRONT_PLANS``. Syntheses come from and fill
    the result cache in ``cache_dir`` (:mod:`flows.cache`). Everything is checked before the
    first file is written."""
    require(config, "front")
    exact = config.exact()
    plans = config.front_plans if plans is None else plans
    for target in targets:
        if target not in TARGETS:
            raise InputError(f"Target must be one of {', '.join(TARGETS)}, not {target!r}")
    if adaptation not in ADAPTATIONS:
        raise InputError(f"Adaptation must be one of {', '.join(ADAPTATIONS)}, "
                         f"not {adaptation!r}")
    engines = [exact]
    for plan in plans:
        try:
            engines.append(exact.with_plan(plan))
        except ValueError as error:
            raise InputError(f"Plan {plan!r}: {error}") from None
    if len({engine.name for engine in engines}) != len(engines) or len(engines) < 2:
        raise InputError(f"Plans must name one or more approximate popcounts, each once, not "
                         f"{', '.join(plans) or 'none'}")
    out_dir = Path(out_dir)
    refuse_links(out_dir)  # a linked models/ would take the adapted networks elsewhere
    dataset = dataset or load_dataset(exact.model.metadata.get("dataset", "digits"))
    cache = ResultCache(cache_dir)

    entries, steps = [], len(engines) * (len(targets) + 1 + verify)
    step = 0

    def show(message):
        nonlocal step
        step += 1
        progress(f"[{step}/{steps}] {message}")

    for engine in engines:
        show(f"{engine.name}: adapt the network ({adaptation}), score the test split")
        built = _adapted(engine, dataset, adaptation, out_dir, epochs, progress)
        accuracy = engine_accuracy(built, dataset)
        verified = None
        if verify:
            from .bnn_verify import verify_bnn

            show(f"{engine.name}: cocotb on {simulator} over {len(dataset.y_test)} test images")
            verified = verify_bnn(built, simulator=simulator, dataset=dataset,
                                  build_dir=out_dir / "verify").ok
        for target in targets:
            show(f"{engine.name}: synthesise for {target}")
            figures, _ = synthesize_cached(built, target, cache,
                                           out_dir / "designs" / f"{engine.name}-{target}")
            key = cost_of(target)[0]
            entries.append({
                "design": engine.name, "target": target,
                "style": "+".join(dict.fromkeys(engine.style)),
                "plans": list(engine.plans), "network": adaptation
                if engine is not exact else "as trained", "weights": str(built.weights),
                key: figures[key], "cost": figures[key], "fmax_mhz": figures.get("fmax_mhz"),
                "images_per_second": figures.get("images_per_second"),
                "accuracy": accuracy, "verified": verified})
    for target in targets:
        rows = [entry for entry in entries if entry["target"] == target]
        baseline = rows[0]
        on_front = _pareto(rows)
        for entry in rows:
            entry["accuracy_drop_pt"] = round(100 * (baseline["accuracy"] - entry["accuracy"]), 2)
            entry["cost_vs_exact"] = round(entry["cost"] / baseline["cost"], 4)
            entry["on_front"] = entry["design"] in on_front
    write_atomically(out_dir / FRONT, json.dumps(entries, indent=2) + "\n")
    write_atomically(out_dir / "front.md", to_markdown(entries, targets))
    plot_front(entries, targets, out_dir / "front.png")
    return entries


def to_markdown(entries, targets):
    parts = ["# axbnn front\n",
             "Engines of one style and throughput; accuracy is bit-exact over the test split.\n"]
    for target in targets:
        key = cost_of(target)[0]
        parts += [f"\n## {target}\n",
                  f"| design | network | {key} | vs exact | Fmax MHz | images/s | accuracy | "
                  f"drop (pt) | verified | on front |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for entry in (entry for entry in entries if entry["target"] == target):
            verified = {True: "yes", False: "**no**", None: "not run"}[entry["verified"]]
            parts.append(
                f"| {entry['design']} | {entry['network']} | {entry[key]} | "
                f"{entry['cost_vs_exact']:.2f}x | {entry['fmax_mhz'] or ''} | "
                f"{entry['images_per_second'] or ''} | {entry['accuracy']:.2%} | "
                f"{entry['accuracy_drop_pt']:+.2f} | {verified} | "
                f"{'yes' if entry['on_front'] else ''} |")
    return "\n".join(parts) + "\n"


def plot_front(entries, targets, path):
    """Cost against accuracy per target, the front as a step line (:mod:`flows.plots`)."""
    figure, axes = plots.figure(1, len(targets), width=6.5)
    for axis, target in zip(axes[0], targets):
        rows = [entry for entry in entries if entry["target"] == target]
        plots.numbered_points(axis, [(entry["cost"], 100 * entry["accuracy"],
                                      f"{entry['design']} ({entry['network']})",
                                      entry["on_front"]) for entry in rows])
        plots.front_line(axis, [(entry["cost"], 100 * entry["accuracy"]) for entry in rows
                                if entry["on_front"]])
        axis.set(title=f"engines on {target}", xlabel=cost_of(target)[1],
                 ylabel="test accuracy (%, bit-exact)")
        axis.legend(fontsize=7, loc="lower right")
    plots.save(figure, path)
