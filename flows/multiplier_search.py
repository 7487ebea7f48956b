"""A search for partial-product multipliers (``umul8-*``) on the error-cost front of a target.

    python -m axbnn.flows.multiplier_search --target ice40-up5k --samples 1500 -o DIR

Random search, then synthesis of the few that matter: plans are drawn at random (truncation,
merged row pairs, LOA carries, approximate full adders in low columns, the tree), every one is
characterised exhaustively (65,536 pairs, about 50 ms), and only those on or near the front of
MRED against a cell estimate (terms plus adders: one LUT4 or carry-chain cell each) are
synthesised. Random sampling was kept because the estimate already orders the space well
enough: neighbouring plans of a front design differ by a cell or two, which a greedy or
evolutionary step would chase through synthesis noise of the same size. Writes
``search.json`` (every synthesised plan: its error metrics and cost) and ``search.md`` (the
front per target).
"""

import argparse
import json
from pathlib import Path

import numpy as np

from ..hwgen.config import ProductMultiplierConfig
from ..hwgen.fa_variants import APPROXIMATE_FA_VARIANTS
from ..hwgen.files import check_output_dir, write_atomically
from ..sim.metrics import error_metrics
from ..sim.product_multiplier import multiply
from .synth import REPORT, cost_of, synthesize

__all__ = ["random_plan", "estimated_cells", "pareto_front", "search"]

_ERRORS = ("mred", "med", "wce", "mean_error", "error_rate")


def random_plan(rng, trees=("chain",)):
    """A random :class:`ProductMultiplierConfig`: mostly ORed low columns, truncation and
    merged rows, which remove LUT4s; sometimes approximate full adders, which on a carry chain
    mostly do not."""
    truncate = int(rng.integers(0, 6))
    or_columns = int(rng.integers(truncate + 1, 12)) if rng.random() < 0.6 else 0
    merge = "".join(str(int(digit)) for digit in rng.integers(0, 8, 4) * (rng.random(4) < 0.5))
    fields = {"truncate": truncate, "or_columns": or_columns, "merge": merge,
              "carry": bool(merge != "0000" and rng.random() < 0.5),
              "compensate": bool(rng.random() < 0.3), "tree": str(rng.choice(trees))}
    if rng.random() < 0.1:
        fields["fa"] = str(rng.choice(APPROXIMATE_FA_VARIANTS))
        fields["approx_columns"] = int(rng.integers(2, 11))
    return ProductMultiplierConfig(**fields)


def estimated_cells(config):
    """LUT4s of the terms (an OR of ``h`` partial products takes ``(2h - 1) / 3`` of them) and
    the adders: a cell each on a carry chain, two (sum and carry) elsewhere."""
    tree = config.plan.tree
    terms = sum(max(1, -(-(2 * len(term.pairs) - 1) // 3)) for term in config.plan.terms)
    return terms + tree.count("all") * (1 if config.tree == "chain" else 2)


def pareto_front(points):
    """``(error, cost, ...)`` tuples no other beats in both, by increasing error."""
    front, best = [], float("inf")
    for point in sorted(points):
        if point[1] < best:
            front.append(point)
            best = point[1]
    return front


def _near_front(points, slack):
    """Points within ``slack`` cells of the front at their error or below."""
    ordered, best, near = sorted(points), float("inf"), []
    for point in ordered:
        if point[1] <= best + slack:
            near.append(point)
        best = min(best, point[1])
    return near


def _synthesized(config, target, out_dir):
    """Synthesis figures of ``config``, reusing an earlier run in ``out_dir``."""
    directory = out_dir / "designs" / f"{config.name}-{target}"
    if (directory / REPORT).is_file():
        return json.loads((directory / REPORT).read_text())
    return synthesize(config, target, directory)


def search(targets, out_dir, *, samples=1500, seed=0, slack=3, max_mred=0.15, progress=print):
    """Draw ``samples`` plans, synthesise those near the estimated front for each target
    (``dadda`` trees too where the target is not iCE40), write and return the rows."""
    out_dir = Path(out_dir)
    check_output_dir(out_dir)
    rng = np.random.default_rng(seed)
    trees = ("chain", "dadda") if any(not t.startswith("ice40") for t in targets) else ("chain",)
    configs = {ProductMultiplierConfig(), ProductMultiplierConfig(tree="dadda")}
    configs |= {random_plan(rng, trees) for _ in range(samples)}
    a, b = np.divmod(np.arange(1 << 16), 256)
    errors = {}
    for index, config in enumerate(sorted(configs, key=lambda c: c.name), 1):
        measured = error_metrics(multiply(a, b, plan=config.plan), a * b)
        errors[config] = {key: measured[key] for key in _ERRORS}
        if index % 200 == 0:
            progress(f"characterised {index} of {len(configs)}")
    points = [(errors[c]["mred"], estimated_cells(c), c.name, c) for c in configs
              if errors[c]["mred"] <= max_mred]
    rows = []
    for target in targets:
        key = cost_of(target)[0]
        candidates = [point[3] for point in _near_front(points, slack)]
        for index, config in enumerate(candidates, 1):
            progress(f"[{index}/{len(candidates)}] synth {config.name} for {target}")
            figures = _synthesized(config, target, out_dir)
            rows.append({"design": config.name, "target": target, "cost": figures[key],
                         "estimated_cells": estimated_cells(config), **errors[config]})
    for target in targets:
        front = pareto_front([(row["mred"], row["cost"], row["design"]) for row in rows
                              if row["target"] == target])
        names = {name for _, _, name in front}
        for row in rows:
            if row["target"] == target:
                row["on_front"] = row["design"] in names
    write_atomically(out_dir / "search.json", json.dumps(rows, indent=2) + "\n")
    write_atomically(out_dir / "search.md", to_markdown(rows, targets))
    return rows


def to_markdown(rows, targets):
    parts = ["# umul8 search: the front per target\n"]
    for target in targets:
        label = cost_of(target)[1]
        parts += [f"\n## {target}\n", f"| design | {label} | MRED | MED | WCE | mean error |",
                  "|---|---|---|---|---|---|"]
        front = sorted((row for row in rows if row["target"] == target and row["on_front"]),
                       key=lambda row: row["mred"])
        parts += [f"| {row['design']} | {row['cost']} | {row['mred']:.4%} | {row['med']:.2f} | "
                  f"{row['wce']} | {row['mean_error']:+.2f} |" for row in front]
    return "\n".join(parts) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m axbnn.flows.multiplier_search",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", action="append", help="default: ice40-up5k")
    parser.add_argument("--samples", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--slack", type=int, default=3,
                        help="synthesise plans within this many estimated cells of the front")
    parser.add_argument("-o", "--output", default="build/multiplier-search")
    args = parser.parse_args(argv)
    search(args.target or ["ice40-up5k"], args.output, samples=args.samples, seed=args.seed,
           slack=args.slack)


if __name__ == "__main__":
    main()
