"""Area, speed and error of a set of designs side by side: JSON, Markdown and a Pareto plot.

    axbnn report [DESIGN ...] [--target T ...] -o DIR

For every design and target, :func:`flows.synth.synthesize` gives the cost and
:func:`sim.characterize.characterize` the error; each approximate design is also compared with
its exact counterpart (``config.exact()``) and with the naive baseline of
:mod:`hwgen.behavioural`, which are synthesised too. Writes ``report.json``,
``report.md`` (a table per target) and ``pareto.png`` (cost against MRED per family, Pareto
front drawn).
"""

import json
from pathlib import Path

from . import plots
from ..hwgen.designs import parse_design
from ..hwgen.families import FAMILIES, require
from ..hwgen.files import check_output_dir, write_atomically
from ..sim.characterize import characterize

from .cache import ResultCache
from .synth import cost_of, synthesize_cached

__all__ = ["DEFAULT_DESIGNS", "make_report", "pareto_front"]

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


def make_report(designs, targets, out_dir, *, externals=(), cache_dir=None, progress=print):
    """Synthesise and characterise ``designs`` for ``targets``; write and return the rows.

    Each design's exact counterpart and that counterpart's behavioural baseline (Yosys' own
    ``a * b`` or tree of ``+``) are synthesised too and get rows of their own. ``externals``
    are multipliers from elsewhere (:func:`flows.external.load_externals`), compared with
    axbnn's exact multiplier. Syntheses come from the result cache in ``cache_dir``
    (:mod:`flows.cache`) where it has them, and fill it; ``designs/<name>-<target>`` holds the
    files of those run this time.
    """
    from ..hwgen.behavioural import behavioural_name

    configs = [parse_design(design) for design in designs] + list(externals)
    for config in configs:
        require(config, "report")
    out_dir = Path(out_dir)
    check_output_dir(out_dir)
    cache = ResultCache(cache_dir)
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
        runs[name, target], cached = synthesize_cached(
            config, target, cache, out_dir / "designs" / f"{name}-{target}",
            behavioural=behavioural)
        progress(f"[{index}/{len(entries)}] synth {name} for {target}"
                 + (" (cached)" if cached else ""))
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


def pareto_front(points):
    """The points no other point beats in both error and cost, by increasing error."""
    front, best = [], float("inf")
    for error, cost, name in sorted(points):
        if cost < best:
            front.append((error, cost, name))
            best = cost
    return front


def plot_pareto(rows, targets, path):
    """A panel per target and family: cost against MRED, the front as a step line."""
    families = sorted({_family(row) for row in rows})
    figure, axes = plots.figure(len(targets), len(families), width=5.5)
    for row_axes, target in zip(axes, targets):
        key, label = cost_of(target)
        for axis, family in zip(row_axes, families):
            points = [(row["mred"], row[key], row["design"]) for row in rows
                      if row["target"] == target and _family(row) == family]
            front = pareto_front(points)
            plots.numbered_points(axis, [(error, cost, name, (error, cost, name) in front)
                                         for error, cost, name in points])
            plots.front_line(axis, [(error, cost) for error, cost, _ in front],
                             label="Pareto front")
            axis.set(title=f"{family} on {target}", xlabel="MRED", ylabel=label)
            axis.legend(fontsize=7)
    plots.save(figure, path)
