"""Every engine in one table: cost, speed and bit-exact accuracy on each target, and what fits.

    axbnn engines [DESIGN ...] [--target T ...] [--cache DIR] -o DIR

For each engine design (any family with a stream interface) the golden model scores the whole
test split, and each target's synthesis (:func:`flows.synth.synthesize_cached`, so ``front``
and ``explore`` results are reused) gives logic cells or ASIC area, Fmax and images/s. A design
that does not place on a target (too many cells, a region nextpnr cannot fill) is a row that
says so with the tool's one-line reason, not a failed run: which engines fit a UP5K is one of
the table's answers. Writes ``engines.json`` and ``engines.md``. A tool that fails (Yosys
crashing on one design) leaves that cell empty with its line, and the run ends in that error
once the table is written.
"""

import json
from pathlib import Path

from ..hwgen.designs import parse_design
from ..hwgen.errors import FlowError, InputError, PlacementError
from ..hwgen.families import family_of, load, require
from ..hwgen.files import check_output_dir, write_atomically
from ..sim.bnn_data import load_dataset
from .cache import ResultCache
from .synth import FPGA_TARGETS, TARGETS, cost_of, synthesize_cached

__all__ = ["DEFAULT_ENGINES", "DEFAULT_TARGETS", "engine_accuracy", "make_table"]

#: Every engine family on its shipped networks, exact beside approximate, and ensembles of
#: light members (unrolled engines are left out: an ECP5-85k route of one took over an hour).
DEFAULT_ENGINES = (
    "bnn-digits", "bnn-digits-maj4", "bnn-digits-small",
    "bwnn-digits", "bwnn-digits-loa-2", "bwnn-digits-loa-4",
    "q8-digits", "q8-digits_3330-3330", "q8-digits-smmul8-t5-orc7-or0630-nocomp",
    "pow2-digits", "fixed-digits-4", "fixed-digits-8", "fixed-digits-16",
    "ens3-bnn-digits-small-pe2x2x1-simd16x16x16", "ens3-bnn-digits-tiny-pe2x1-simd16x16-sum")
DEFAULT_TARGETS = ("ice40-up5k", "ecp5-85k", "asic")


def engine_accuracy(config, dataset):
    """Bit-exact accuracy of the engine ``config`` over ``dataset``'s test split."""
    golden = load("sim", family_of(config).model)
    inputs = config.model.binarize(dataset.x_test)
    return float((golden(config, inputs)["labels"] == dataset.y_test).mean())


def make_table(designs, targets, out_dir, *, cache_dir=None, progress=print):
    """Score and synthesise every engine of ``designs`` on every target of ``targets``; write
    ``engines.json`` and ``engines.md`` into ``out_dir`` and return the rows (one per design,
    ``targets`` holding each target's figures or ``error``)."""
    configs = [parse_design(design) for design in designs]
    for config in configs:
        require(config, "engines")
    for target in targets:
        if target not in TARGETS:
            raise InputError(f"Target must be one of {', '.join(TARGETS)}, not {target!r}")
    out_dir = Path(out_dir)
    check_output_dir(out_dir)
    cache, rows = ResultCache(cache_dir), []
    steps, step = len(configs) * (1 + len(targets)), 0
    for config in configs:
        step += 1
        progress(f"[{step}/{steps}] {config.name}: score the test split")
        dataset = load_dataset(config.model.metadata.get("dataset", "digits"))
        row = {"design": config.name, "description": config.description,
               "accuracy": engine_accuracy(config, dataset),
               "cycles_per_image": config.cycles_per_image, "targets": {}}
        for target in targets:
            step += 1
            progress(f"[{step}/{steps}] {config.name}: synthesise for {target}")
            device = FPGA_TARGETS.get(target)
            if device and config.least_cells > device.logic_cells:
                row["targets"][target] = {"fits": False, "error": (
                    f"its unrolled layers need at least {config.least_cells} logic cells")}
                continue
            try:
                figures, _ = synthesize_cached(config, target, cache,
                                               out_dir / "designs" / f"{config.name}-{target}")
            except PlacementError as error:
                row["targets"][target] = {"fits": False, "error": _reason(error)}
                continue
            except FlowError as error:  # the tool failed: no answer, but the others stand
                row["targets"][target] = {"fits": None, "error": _reason(error)}
                continue
            key = cost_of(target)[0]
            row["targets"][target] = {"fits": True, key: figures[key],
                                      "fmax_mhz": figures.get("fmax_mhz"),
                                      "images_per_second": figures.get("images_per_second")}
        rows.append(row)
    write_atomically(out_dir / "engines.json", json.dumps(rows, indent=2) + "\n")
    write_atomically(out_dir / "engines.md", to_markdown(rows, targets))
    failed = [f"{row['design']} on {target}" for row in rows
              for target, figures in row["targets"].items() if figures["fits"] is None]
    if failed:
        raise FlowError(f"synthesis failed for {', '.join(failed)} (the tool's line is in "
                        f"{out_dir / 'engines.md'}; the other figures are there too)")
    return rows


def _reason(error):
    """nextpnr's own error line, else the failure's first line."""
    lines = str(error).splitlines()
    return next((line.strip() for line in reversed(lines) if "ERROR" in line), lines[0])


def _cells(figures, target):
    if figures["fits"] is None:
        return "synthesis failed"
    if not figures["fits"]:
        return "does not fit"
    key = cost_of(target)[0]
    fmax, rate = figures.get("fmax_mhz"), figures.get("images_per_second")
    speed = f" at {fmax} MHz, {rate:,} img/s" if fmax and rate else ""
    return f"{round(figures[key]):,}{speed}"  # NAND2 equivalents have fractions


def to_markdown(rows, targets):
    header = " | ".join(f"{target} ({cost_of(target)[1]})" for target in targets)
    lines = ["# axbnn engines\n",
             "Accuracy is bit-exact over the test split; a target's cell gives its cost, Fmax "
             "and images/s, or says the engine does not fit (or that the tool failed).\n",
             f"| design | accuracy | cycles/image | {header} |",
             "|---|---|---|" + "---|" * len(targets)]
    for row in rows:
        cells = " | ".join(_cells(row["targets"][target], target) for target in targets)
        lines.append(f"| {row['design']} | {row['accuracy']:.2%} | {row['cycles_per_image']} | "
                     f"{cells} |")
    failures = [(row["design"], target, figures["error"]) for row in rows
                for target, figures in row["targets"].items() if not figures["fits"]]
    if failures:
        lines += ["", "Why a design does not fit, or its synthesis failed:", ""]
        lines += [f"- {design} on {target}: {error}" for design, target, error in failures]
    return "\n".join(lines) + "\n"
