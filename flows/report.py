"""Area, speed and error of a set of designs side by side: JSON, Markdown and a Pareto plot.

    axbnn report [DESIGN ...] [--target T ...] -o DIR

For every design and target, :func:`flows.synth.synthesize` gives the cost and
:func:`sim.characterize.characterize` the error; each approximate design is also compared with
its exact counterpart (``config.exact()``) and with the naive baseline of
:mod:`hwgen.behavioural`, which are synthesised too. Writes ``report.json``,
``report.md`` (a table per target) and ``pareto.png`` (cost against MRED per family, Pareto
front drawn).
"""

import io
import json
from pathlib import Path

from ..hwgen.designs import parse_design
from ..hwgen.families import FAMILIES, require
from ..hwgen.files import check_output_dir, write_atomically
from ..sim.characterize import characterize

from .synth import cost_of, synthesize

__all__ = ["DEFAULT_DESIGNS", "make_report"]

DEFAULT_DESIGNS = tuple(name for name in FAMILIES["mul8"].presets if name.startswith("mul8-")) \
    + tuple(name for name in FAMILIES["popcount"].presets if name.startswith("popcount-256-"))
# The cost each target is compared by: what the fabric counts (flows.packing), or ASIC area.
_ERROR_KEYS = ("error_rate", "mean_error", "med", "mred", "wce")


def _family(row):
    """``mul8``, ``popcount-256``, ...: the designs one Pareto plot compares."""
    exact = row["exact"]
    return exact.rsplit("-", 1)[0] if exact.startswith(("mul8", "smul8")) else \
        "-".join(exact.split("-")[:2])


def _change(value, baseline):
    return round(value / baseline - 1, 4) if value and baseline else None


def make_report(designs, targets, out_dir, *, externals=(), progress=print):
    """Synthesise and characterise ``designs`` for ``targets``; write and return the rows.

    Each design's exact counterpart and that counterpart's behavioural baseline (Yosys' own
    ``a * b`` or tree of ``+``) are synthesised too and get rows of their own. ``externals``
    are multipliers from elsewhere (:func:`flows.external.load_externals`), compared with
    axbnn's exact multiplier.
    """
    from ..hwgen.behavioural import behavioural_name

    configs = [parse_design(design) for design in designs] + list(externals)
    for config in configs:
        require(config, "report")
    out_dir = Path(out_dir)
    check_output_dir(out_dir)
    # (name, target) -> (config to synthesise, behavioural?), in table order
    entries = {}
    for target in targets:
        for config in configs:
            entries[config.name, target] = (config, False)
        for config in configs:
            entries.setdefault((config.exact().name, target), (config.exact(), False))
            entries[behavioural_name(config), target] = (config.exact(), True)
    runs = {}
    for index, ((name, target), (config, behavioural)) in enumerate(entries.items(), 1):
        progress(f"[{index}/{len(entries)}] synth {name} for {target}")
        runs[name, target] = synthesize(config, target, out_dir / "designs" / f"{name}-{target}",
                                        behavioural=behavioural)
    errors = {}
    rows = []
    for (name, target), (config, behavioural) in entries.items():
        if config.name not in errors:
            errors[config.name] = characterize(config)
        figures, key = runs[name, target], cost_of(target)[0]
        exact = runs[config.exact().name, target]
        naive = runs[behavioural_name(config), target]
        rows.append({
            "design": name, "target": target, "exact": config.exact().name,
            **{metric: errors[config.name][metric] for metric in _ERROR_KEYS}, **figures,
            "cost_vs_exact": _change(figures[key], exact[key]),
            "cost_vs_behavioural": _change(figures[key], naive[key]),
            "fmax_vs_exact": _change(figures.get("fmax_mhz"), exact.get("fmax_mhz")),
        })
    write_atomically(out_dir / "report.json", json.dumps(rows, indent=2) + "\n")
    write_atomically(out_dir / "report.md", to_markdown(rows, targets))
    plot_pareto(rows, targets, out_dir / "pareto.png")
    return rows


def _percent(value):
    return "" if value is None else f"{value:+.1%}"


def to_markdown(rows, targets):
    parts = ["# axbnn report\n"]
    for target in targets:
        key, label = cost_of(target)
        fpga = target != "asic"
        header = (f"| design | {label} | vs exact | vs behavioural | "
                  + ("Fmax MHz | Fmax vs exact | per input bit | LUT4 + carry |" if fpga
                   else "depth |")
                  + " error rate | MRED | WCE |")
        parts += [f"\n## {target}\n", header, "|" + "---|" * (header.count("|") - 1)]
        for row in (row for row in rows if row["target"] == target):
            speed = (f"{row['fmax_mhz']} | {_percent(row.get('fmax_vs_exact'))} | "
                     f"{row['lc_per_input_bit']} | {row['lut4']} + {row['carry']} |" if fpga
                     else f"{row['depth']} |")
            parts.append(f"| {row['design']} | {row[key]} | {_percent(row['cost_vs_exact'])} | "
                         f"{_percent(row['cost_vs_behavioural'])} | {speed} "
                         f"{row['error_rate']:.4f} | {row['mred']:.4g} | {row['wce']} |")
    return "\n".join(parts) + "\n"


def _pareto_front(points):
    """The points no other point beats in both error and cost, by increasing error."""
    front, best = [], float("inf")
    for error, cost, name in sorted(points):
        if cost < best:
            front.append((error, cost, name))
            best = cost
    return front


def plot_pareto(rows, targets, path):
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot

    families = sorted({_family(row) for row in rows})
    figure, axes = pyplot.subplots(len(targets), len(families), squeeze=False,
                                   figsize=(5 * len(families), 4 * len(targets)))
    for row_axes, target in zip(axes, targets):
        key, label = cost_of(target)
        for axis, family in zip(row_axes, families):
            points = [(row["mred"], row[key], row["design"]) for row in rows
                      if row["target"] == target and _family(row) == family]
            axis.scatter([p[0] for p in points], [p[1] for p in points])
            for error, cost, name in points:
                axis.annotate(name.split("-", 1)[1], (error, cost), fontsize=7)
            front = _pareto_front(points)
            axis.step([p[0] for p in front], [p[1] for p in front], where="post", color="C3",
                      label="Pareto front")
            axis.set(title=f"{family} on {target}", xlabel="MRED", ylabel=label)
            axis.legend(fontsize=7)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    pyplot.close(figure)
    write_atomically(path, buffer.getvalue())
