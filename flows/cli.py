"""The ``axbnn`` command line: thin verbs over the public functions of hwgen, sim and flows.

Every error axbnn reports (:class:`hwgen.errors.AxbnnError`) ends in one line
``axbnn: error: ...`` and its exit status: 2 for bad input, 1 for a tool that failed; a
verification that finds mismatches exits 1 too. Verbs check what a design's family supports
(:mod:`hwgen.families`) before they start.
"""

import argparse
import json
import logging
import os
import sys
from contextlib import contextmanager

from .. import __version__
from ..hwgen.bist_plan import DEFAULT_CYCLES, DEFAULT_IMAGES
from ..hwgen.designs import PRESETS, parse_design, with_options
from ..hwgen.errors import AxbnnError
from ..hwgen.families import require
from ..hwgen.mac_config import MACConfig
from ..hwgen.files import check_output_dir, check_output_file
from ..hwgen.serial_protocol import BAUD
from ..sim.bnn_predict import DEFAULT_DRAWS
from ..sim.bnn_train import DEFAULT_HIDDEN, TrainOptions
from ..sim.characterize import DEFAULT_SAMPLES
from ..sim.count_noise import COUNT_SOURCES
from ..sim.error_model import PMF_METHODS
from ..sim.layer_error_model import LAYER_MODEL_SAMPLES, LAYER_MODELS
from ..sim.mac_train import MACTrainOptions
from ..sim.mlp_train import RETRAIN_EPOCHS, MLPOptions
from .front import ADAPTATIONS, DEFAULT_PLANS
from .progress import progress as show_progress, status
from .synth import TARGETS
from .verify import DEFAULT_VECTORS

__all__ = ["main"]

logger = logging.getLogger("axbnn")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {text!r}")
    return value


def _bar(args, label, unit):
    """A progress bar for a long step, or none with ``-q``."""
    return show_progress(label, unit=unit) if args.verbosity >= 0 else None


def _presets(args):
    for name in PRESETS:
        print(f"{name:26s} {parse_design(name).description}")


def _generate(args):
    from .generate import generate

    config = _bnn_options(args, parse_design(args.design))
    manifest = generate(config, args.output)
    verilog = next(iter(manifest["files"]))
    print(f"{config.name}: wrote {args.output}/{verilog} and {args.output}/manifest.json")


def _int_list(text):
    """``64,128,10`` as a tuple of positive integers, or one integer."""
    values = tuple(_positive_int(part) for part in text.split(","))
    return values if len(values) > 1 else values[0]


def _bnn_options(args, config, *, weights=True):
    """``config`` with the engine options of the command line (``--weights`` unless it means
    something else for the verb) applied."""
    popcount = getattr(args, "popcount", None)
    if popcount is not None:
        plans = tuple(popcount.split(","))
        popcount = plans if len(plans) > 1 else plans[0]
    return with_options(config, weights=getattr(args, "weights", None) if weights else None,
                        pe=getattr(args, "pe", None), simd=getattr(args, "simd", None),
                        popcount=popcount)


def _add_bnn_options(verb):
    group = verb.add_argument_group("bnn designs")
    group.add_argument("--weights", metavar="MODEL.npz", help="a model from 'axbnn train'")
    group.add_argument("--pe", type=_int_list, metavar="P[,P...]",
                       help="neurons computed in parallel, for every layer or per layer")
    group.add_argument("--simd", type=_int_list, metavar="S[,S...]",
                       help="input bits per cycle, for every layer or per layer")
    group.add_argument("--popcount", metavar="PLAN[,PLAN...]",
                       help="popcount plan like exact or maj_not-c3, for every layer or per layer")
    return group


def _train(args):
    from ..sim.bnn_data import load_dataset
    from ..sim.bnn_train import train_for

    check_output_file(args.output)  # before training, not after it
    engine = _bnn_options(args, parse_design("bnn-digits"))
    dataset = load_dataset(args.dataset)

    def progress(epoch, epochs, line):
        if args.verbosity >= 0:
            status(f"[{epoch}/{epochs}] {line}", epoch == epochs or args.verbose)

    options = TrainOptions(layers=args.layers, epochs=args.epochs, seed=args.seed,
                           learning_rate=args.learning_rate, input_levels=args.levels,
                           shift=args.shift)
    model = train_for(engine, dataset, options, injection=args.injection, progress=progress)
    model.save(args.output)
    line = (f"wrote {args.output}: test accuracy {model.metadata['test_accuracy']:.2%} "
            f"({model.metadata['test_samples']} {dataset.name} images), "
            f"{model.metadata['train_seconds']} s")
    if "engine_test_accuracy" in model.metadata:
        line += (f"; on {engine.name}'s engine (bit-exact) "
                 f"{model.metadata['engine_test_accuracy']:.2%}")
    print(line)


def _train_mlp(args):
    from ..sim.bnn_data import load_dataset
    from ..sim.mlp_train import train_float
    from ..sim.quant_mlp import accuracy, exact_products

    check_output_file(args.output)
    dataset = load_dataset(args.dataset)
    hidden = args.hidden if isinstance(args.hidden, tuple) else (args.hidden,)
    options = MLPOptions(hidden=hidden, epochs=args.epochs, seed=args.seed)
    model = train_float(dataset, options)
    model.metadata["test_accuracy"] = accuracy(model, dataset.x_test, dataset.y_test,
                                               exact_products)
    model.save(args.output)
    print(f"wrote {args.output}: {'-'.join(map(str, model.layers))}, quantised test accuracy "
          f"{model.metadata['test_accuracy']:.2%} with exact products ({len(dataset.y_test)} "
          f"{dataset.name} images)")


def _train_mac(args):
    from ..sim.bnn_data import load_dataset
    from ..sim.mac_train import train_mac_for

    check_output_file(args.output)
    engine = with_options(parse_design(args.design), weights=args.weights)
    require(engine, "train-mac")
    dataset = load_dataset(args.dataset)
    hidden = args.hidden if isinstance(args.hidden, tuple) else (args.hidden,)
    options = MACTrainOptions(hidden=hidden,
                              activation_bits=args.activation_bits or engine.activation_bits,
                              epochs=args.epochs, seed=args.seed,
                              learning_rate=args.learning_rate, shift=args.shift)
    model = train_mac_for(engine, dataset, options)
    model.save(args.output)
    line = (f"wrote {args.output}: {'-'.join(map(str, model.layers))}, test accuracy "
            f"{model.metadata['test_accuracy']:.2%} ({len(dataset.y_test)} {dataset.name} "
            f"images)")
    if "engine_test_accuracy" in model.metadata:
        line += f"; on {engine.name} (bit-exact) {model.metadata['engine_test_accuracy']:.2%}"
    if "mlp_test_accuracy" in model.metadata:
        line += f"; the 8-bit MLP it was converted from {model.metadata['mlp_test_accuracy']:.2%}"
    print(line)


def _tune(args):
    from ..sim.bnn_data import load_dataset
    from ..sim.bnn_infer import accuracy
    from ..sim.threshold_tuning import tune_thresholds

    config = parse_design(args.design)
    require(config, "tune")
    check_output_file(args.output)
    config = _bnn_options(args, config)
    dataset = load_dataset(args.dataset or config.model.metadata.get("dataset", "digits"))
    before = accuracy(config, config.model.binarize(dataset.x_test), dataset.y_test)
    model = tune_thresholds(config, dataset, source=args.bias)
    model.save(args.output)
    moved = ", ".join(f"{count}/{len(thresholds)}" for count, thresholds in
                      zip(model.metadata["moved_thresholds"], model.thresholds))
    shifts = ", ".join(f"{shift:+.2f}" for shift in model.metadata["mean_threshold_shift"])
    print(f"wrote {args.output}: on {config.name}'s engine (bit-exact) {before:.2%} -> "
          f"{model.metadata['engine_test_accuracy']:.2%} ({len(dataset.y_test)} "
          f"{dataset.name} test images); moved {moved} thresholds per layer, mean shift "
          f"{shifts}")


def _retrain(args):
    from .retrain import DEFAULT_DESIGNS, make_retrain_report

    make_retrain_report(args.designs or DEFAULT_DESIGNS, args.output, dataset=args.dataset,
                        bnn_epochs=args.bnn_epochs, mlp_epochs=args.mlp_epochs,
                        samples=args.samples,
                        progress=status if args.verbosity >= 0 else lambda line, done: None)
    print(f"wrote {args.output}/retrain.json, retrain.md and retrain.png")


def _format_metric(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, dict):
        return ", ".join(f"{key} {_format_metric(item)}" for key, item in value.items()) or "-"
    return str(value)


def _predict(args):
    from .predict import predict_design

    config = _bnn_options(args, parse_design(args.design), weights=False)
    result = predict_design(config, weights=args.weights, dataset=args.dataset, check=args.check,
                            draws=args.draws, method=args.method, kind=args.layer_model,
                            seed=args.seed)
    if args.json:
        print(json.dumps(result))
        return
    line = (f"{config.name}: predicted accuracy {result['predicted_accuracy']:.2%} "
            f"({result['predict_seconds'] * 1000:.0f} ms)")
    if "flip_probability" in result:
        line += ", neuron flip probability per hidden layer " + ", ".join(
            f"{p:.3f}" for p in result["flip_probability"])
    if args.check:
        line += (f", bit-exact {result['simulated_accuracy']:.2%} "
                 f"({result['simulate_seconds'] * 1000:.0f} ms)")
    print(line)


def _characterize(args):
    from ..sim.characterize import characterize

    config = parse_design(args.design)
    progress = None if args.json else _bar(args, f"characterize {config.name}", "samples")
    result = characterize(config, samples=args.samples, seed=args.seed, progress=progress)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:15s} {_format_metric(value)}")


def _verify(args):
    from .verify import verify

    config = _bnn_options(args, parse_design(args.design))
    result = verify(config, simulator=args.sim, vectors=args.vectors, exhaustive=args.exhaustive,
                    seed=args.seed, build_dir=args.build_dir, waves=args.waves)
    print(result.summary())
    if args.waves:
        logger.info(f"waveform of the run in {args.waves}")
    if not result.ok:
        print("FAILED; first mismatches:", file=sys.stderr)
        for mismatch in result.mismatches:
            print(f"  {json.dumps(mismatch)}", file=sys.stderr)
        return 1
    return 0


def _synth(args):
    from ..hwgen.behavioural import behavioural_name

    from .synth import synthesize

    config = _bnn_options(args, parse_design(args.design))
    name = behavioural_name(config) if args.behavioural else config.name
    output = args.output or f"build/synth/{name}-{args.target}"
    report = synthesize(config, args.target, output, behavioural=args.behavioural,
                        progress=logger.info)
    if args.json:
        print(json.dumps(report))
        return
    for key, value in report.items():
        print(f"{key:22s} {_format_metric(value)}")
    logger.info(f"(files in {output})")


def _report(args):
    from .external import load_externals
    from .report import DEFAULT_DESIGNS, make_report

    externals = load_externals(args.external or [], args.top or [], args.ports, args.output,
                               simulator=args.sim)
    designs = args.designs or ([] if externals else DEFAULT_DESIGNS)
    make_report(designs, args.target or ["ice40-up5k"], args.output, externals=externals,
                cache_dir=args.cache, progress=logger.info)
    print(f"wrote {args.output}/report.json, report.md and pareto.png")


def _engines(args):
    from .engines import DEFAULT_ENGINES, DEFAULT_TARGETS, make_table

    rows = make_table(args.designs or DEFAULT_ENGINES, args.target or DEFAULT_TARGETS,
                      args.output, cache_dir=args.cache, progress=logger.info)
    for row in rows:
        fits = [target for target, figures in row["targets"].items() if figures["fits"]]
        print(f"{row['design']:28s} {row['accuracy']:.2%}  fits {', '.join(fits) or 'nothing'}")
    print(f"wrote {args.output}/engines.json and engines.md")


_VERIFIED = {None: "", True: ", verified", False: ", MISMATCH"}


def _front(args):
    from .front import make_front

    check_output_dir(args.output)
    config = _bnn_options(args, parse_design(args.design))
    entries = make_front(config, args.output, targets=args.target or ["ice40-up5k"],
                         plans=args.plan, adaptation=args.adapt,
                         epochs=args.epochs, verify=not args.no_verify,
                         simulator=args.sim, cache_dir=args.cache,
                         progress=logger.info)
    for entry in entries:
        print(f"{entry['target']:11s} {entry['design']:28s} {entry['cost']:>8} "
              f"({entry['cost_vs_exact']:.2f}x) {entry['accuracy']:.2%} "
              f"({0 - entry['accuracy_drop_pt']:+.2f} pt)"
              f"{_VERIFIED[entry['verified']]}")
    print(f"wrote {args.output}/front.json, front.md and front.png")
    return 1 if any(entry["verified"] is False for entry in entries) else 0


def _explore(args):
    from .explore import explore

    records = explore(args.space, args.output, scheduler=args.scheduler, workers=args.workers,
                      cache_dir=args.cache, verify=args.verify)
    failed = [record for record in records if record["error"]]
    cached = sum(record["cached"] for record in records)
    print(f"{len(records)} points ({cached} cached, {len(failed)} failed); wrote "
          f"{args.output}/results.jsonl and <target>/front.json, front.md, front.png")
    if failed:
        first = failed[0]
        print(f"axbnn: error: {len(failed)} of {len(records)} points failed, first "
              f"{first['design']} on {first['target']}: {first['error']}", file=sys.stderr)
        return 2 if any("config" not in record for record in failed) else 1
    return 0


def _boards(args):
    from ..boards.catalog import BOARDS

    for board in BOARDS.values():
        print(f"{board.name:16s} {board.device}")


def _build(args):
    from .bitstream import build_bitstream

    config = _bnn_options(args, parse_design(args.design))
    output = args.output or f"build/{args.board}/{config.name}"
    build = build_bitstream(config, args.board, output, cycles=args.cycles,
                            images=args.images, baud=args.baud, program=args.program)
    print(f"{config.name} for {args.board}: {build.summary()}")


def _convert(args):
    from .qonnx_convert import convert

    model = convert(args.source, args.output)
    print(f"{args.source}: wrote {args.output} (layers {','.join(map(str, model.layers))}, "
          f"{len(model.input_thresholds)} input thresholds, sha256 {model.sha256[:12]})")


def _classify(args):
    from ..sim.bnn_data import load_dataset

    from .bnn_host import board_accuracy, open_port

    config = parse_design(args.design)
    require(config, "classify")
    config = _bnn_options(args, config)
    dataset = load_dataset(args.dataset)
    dataset.check_classes(config.model.n_classes, f"the model of {config.name}")
    if args.images:
        dataset = dataset.head(args.images)
    with open_port(args.port, args.baud) as port:
        result = board_accuracy(config, port, dataset, baud=args.baud,
                                progress=_bar(args, f"{config.name} on {args.port}", "images"))
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['design']}: accuracy {result['accuracy']:.2%} on {result['images']} "
              f"images (golden model {result['expected_accuracy']:.2%}, {result['agree']} "
              f"agree), {result['images_per_second']} images/s")
    return 0 if result["agree"] == result["images"] else 1


def _doctor(args):
    from .doctor import doctor

    rows = doctor(warm=args.warm)
    for tool, version, where in rows:
        print(f"{tool:26s} {version or 'MISSING':40s} {where}")
    return 0 if all(version for tool, version, where in rows if tool != "icarus") else 1


class _Parser(argparse.ArgumentParser):
    """Bad arguments in one line like every other bad input (argparse prints its usage first)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} -h')\n")


def _add_cache_option(verb):
    verb.add_argument("--cache", metavar="DIR", help="the result cache, shared by report, front "
                      "and explore (default $AXBNN_CACHE or the user's cache directory)")


def _parser():
    parser = _Parser(
        prog="axbnn", description="Approximate neural-network arithmetic: generate, model, "
                                  "verify, synthesise. DESIGN is a preset name (see 'presets') "
                                  "or a .toml file.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=-1,
                          default=0, help="only results and errors: no progress or notices")
    loudness.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=1,
                          help="also every tool command as it runs")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    verb = verbs.add_parser("presets", help="list the built-in designs")
    verb.set_defaults(run=_presets)

    verb = verbs.add_parser("generate", help="write a design's Verilog and manifest.json")
    verb.add_argument("design", metavar="DESIGN")
    verb.add_argument("-o", "--output", required=True, metavar="DIR")
    _add_bnn_options(verb)
    verb.set_defaults(run=_generate)

    verb = verbs.add_parser("train", help="train a binary MLP and export it for the BNN engine")
    verb.add_argument("--dataset", default="digits", metavar="digits|idx:DIR|FILE.npz",
                      help="scikit-learn's digits (default), MNIST's four IDX files in DIR, or an "
                           ".npz of x_train, y_train, x_test, y_test")
    verb.add_argument("--layers", type=_int_list, metavar="N,N,...",
                      help=f"sizes, inputs first (default: input bits, {DEFAULT_HIDDEN}, "
                           f"classes; or the engine's)")
    verb.add_argument("--levels", type=_positive_int, default=TrainOptions.input_levels,
                      help="input thresholds per feature (thermometer code; default "
                           f"{TrainOptions.input_levels})")
    verb.add_argument("--shift", action="store_true",
                      help="augment: move training images by up to a pixel every epoch")
    verb.add_argument("--epochs", type=_positive_int, default=TrainOptions.epochs)
    verb.add_argument("--learning-rate", type=float, default=TrainOptions.learning_rate,
                      help="Adam's rate at the start of a cosine decay")
    verb.add_argument("--seed", type=int, default=TrainOptions.seed)
    verb.add_argument("--verbose", action="store_true", help="keep every epoch's line")
    verb.add_argument("-o", "--output", required=True, metavar="MODEL.npz")
    group = _add_bnn_options(verb)
    group.description = ("an approximate --popcount trains for that engine (the one "
                         "--weights holds, by default bnn-digits)")
    group.add_argument("--injection", choices=COUNT_SOURCES, default="table",
                       help="counts drawn from the plan's error table (default) or counted "
                            "through its compressor tree")
    verb.set_defaults(run=_train)

    verb = verbs.add_parser("train-mlp", help="train an 8-bit sign-magnitude MLP in float and "
                                              "quantise it, for 'predict smul8-...'")
    verb.add_argument("--dataset", default="digits", metavar="digits|idx:DIR|FILE.npz")
    verb.add_argument("--hidden", type=_int_list, default=MLPOptions.hidden, metavar="N[,N...]",
                      help="hidden layer sizes (default "
                           f"{','.join(map(str, MLPOptions.hidden))})")
    verb.add_argument("--epochs", type=_positive_int, default=MLPOptions.epochs)
    verb.add_argument("--seed", type=int, default=MLPOptions.seed)
    verb.add_argument("-o", "--output", required=True, metavar="MLP.npz")
    verb.set_defaults(run=_train_mlp)

    verb = verbs.add_parser("train-mac", help="train a multi-bit network for a MAC engine "
                                              "(through its approximate accumulator, if any)")
    verb.add_argument("design", nargs="?", default="bwnn-digits", metavar="DESIGN",
                      help="the engine to train for (default bwnn-digits: exact); a q8 engine "
                           "gets an 8-bit MLP trained in float, "
                           "retrained through its multiplier and converted to integers")
    verb.add_argument("--dataset", default="digits", metavar="digits|idx:DIR|FILE.npz")
    verb.add_argument("--hidden", type=_int_list, default=MACTrainOptions.hidden,
                      metavar="N[,N...]", help="hidden layer sizes (default "
                                               f"{','.join(map(str, MACTrainOptions.hidden))}; "
                                               "an approximate engine's are its model's)")
    verb.add_argument("--activation-bits", type=_positive_int,
                      help="default: the engine's (its model's: 4 for bwnn-digits, 8 for "
                           "fixed-digits-8, 7 for q8)")
    verb.add_argument("--shift", action="store_true",
                      help="augment: move training images by up to a pixel every epoch")
    verb.add_argument("--epochs", type=_positive_int, default=MACTrainOptions.epochs)
    verb.add_argument("--learning-rate", type=float, default=MACTrainOptions.learning_rate)
    verb.add_argument("--seed", type=int, default=MACTrainOptions.seed)
    verb.add_argument("--weights", metavar="MODEL.npz", help="the engine's model")
    verb.add_argument("-o", "--output", required=True, metavar="MODEL.npz")
    verb.set_defaults(run=_train_mac)

    verb = verbs.add_parser("tune", help="shift a BNN's thresholds to cancel its approximate "
                                         "popcount's bias; write the tuned model")
    verb.add_argument("design", metavar="DESIGN", help="the bnn design to tune for")
    verb.add_argument("--bias", choices=COUNT_SOURCES, default="table",
                      help="each neuron's expected bias from the plan's error table (default) "
                           "or counted through its compressor tree")
    verb.add_argument("--dataset", default=None, metavar="digits|idx:DIR|FILE.npz",
                      help="training split to measure on (default: the model's data set)")
    verb.add_argument("-o", "--output", required=True, metavar="MODEL.npz")
    _add_bnn_options(verb)
    verb.set_defaults(run=_tune)

    verb = verbs.add_parser("retrain", help="retrain networks for approximate popcounts and "
                                            "multipliers; compare bit-exactly")
    verb.add_argument("designs", nargs="*", metavar="DESIGN",
                      help="bnn-digits-<plan> and smul8-<blocks> designs (default: every "
                           "approximate popcount plan and mul8 of the presets)")
    verb.add_argument("--dataset", default="digits", metavar="digits|idx:DIR|FILE.npz")
    verb.add_argument("--bnn-epochs", type=_positive_int, default=TrainOptions.epochs)
    verb.add_argument("--mlp-epochs", type=_positive_int, default=RETRAIN_EPOCHS,
                      help="retraining epochs of the 8-bit MLP (default %(default)s)")
    verb.add_argument("--samples", type=_positive_int, default=LAYER_MODEL_SAMPLES,
                      help="training images the layer error model is measured on")
    verb.add_argument("-o", "--output", default="build/retrain", metavar="DIR")
    verb.set_defaults(run=_retrain)

    verb = verbs.add_parser("predict", help="a BNN engine's accuracy from its popcount error "
                                            "model, a bwnn engine's from its accumulator "
                                            "adder's, or an 8-bit MLP's from its smul8 "
                                            "multiplier's, without bit-exact simulation")
    verb.add_argument("design", metavar="DESIGN")
    verb.add_argument("--dataset", default=None, metavar="digits|idx:DIR|FILE.npz",
                      help="default: the one the model was trained on")
    verb.add_argument("--check", action="store_true",
                      help="also the bit-exact accuracy of the golden model, and its time")
    verb.add_argument("--draws", type=_positive_int,
                      help=f"samplings of the hidden layers (default {DEFAULT_DRAWS}; bnn and "
                           f"smul8 designs)")
    verb.add_argument("--method", choices=PMF_METHODS,
                      help="how the popcount's conditional error is computed (default "
                           "enumerate up to 20 inputs, else monte_carlo)")
    verb.add_argument("--layer-model", choices=LAYER_MODELS,
                      help=f"smul8 designs: the layer error model (default {LAYER_MODELS[0]})")
    verb.add_argument("--seed", type=int, help="bnn and smul8 designs (default 0)")
    verb.add_argument("--json", action="store_true", help="print one JSON object")
    group = _add_bnn_options(verb)
    group.description = ("for an smul8 design, --weights takes an MLP from 'axbnn train-mlp' "
                         "(default: one trained on the spot)")
    verb.set_defaults(run=_predict)

    verb = verbs.add_parser("characterize", help="error metrics against exact arithmetic")
    verb.add_argument("design", metavar="DESIGN")
    verb.add_argument("--json", action="store_true", help="print one JSON object")
    verb.add_argument("--samples", type=_positive_int, default=DEFAULT_SAMPLES,
                      help="Monte Carlo samples above 2**20 input combinations "
                           "(default %(default)s)")
    verb.add_argument("--seed", type=int, default=0)
    verb.set_defaults(run=_characterize)

    verb = verbs.add_parser("verify", help="simulate the RTL with cocotb against the golden model")
    verb.add_argument("design", metavar="DESIGN")
    verb.add_argument("--sim", choices=("verilator", "icarus"), default="verilator")
    scope = verb.add_mutually_exclusive_group()
    scope.add_argument("--vectors", type=_positive_int, metavar="N",
                       help="random and corner vectors (default: all inputs up to 16 bits, "
                            f"else {DEFAULT_VECTORS}); for bnn designs the first N test images "
                            "(default all)")
    scope.add_argument("--exhaustive", action="store_true", help="every input combination")
    verb.add_argument("--seed", type=int, default=0)
    verb.add_argument("--build-dir", metavar="DIR", help="keep build products here")
    verb.add_argument("--waves", metavar="FILE", help="trace the run into FILE (Verilator: VCD, "
                                                      "Icarus: FST), to see a mismatch")
    _add_bnn_options(verb)
    verb.set_defaults(run=_verify)

    verb = verbs.add_parser("synth", help="synthesise, place and route, or estimate ASIC area")
    verb.add_argument("design", metavar="DESIGN")
    verb.add_argument("--target", required=True, choices=TARGETS)
    verb.add_argument("--json", action="store_true", help="print one JSON object")
    verb.add_argument("--behavioural", action="store_true",
                      help="the naive baseline instead: the exact function as plain arithmetic "
                           "(a * b, a tree of +) mapped by Yosys alone")
    verb.add_argument("-o", "--output", metavar="DIR",
                      help="scripts, logs, netlists and reports (default build/synth/...)")
    _add_bnn_options(verb)
    verb.set_defaults(run=_synth)

    verb = verbs.add_parser("report", help="area, speed and error of designs, with a Pareto plot")
    verb.add_argument("designs", nargs="*", metavar="DESIGN",
                      help="default: every mul8 preset and the popcount-256 plans")
    verb.add_argument("--target", action="append", choices=TARGETS,
                      help="repeatable (default ice40-up5k)")
    verb.add_argument("--external", action="append", metavar="FILE.v",
                      help="an 8x8 unsigned multiplier from elsewhere, synthesised and simulated "
                           "exhaustively beside the designs (repeatable)")
    verb.add_argument("--top", action="append", metavar="NAME",
                      help="its module, one per --external (default: the file's stem)")
    verb.add_argument("--ports", default="a,b,p", metavar="A,B,P",
                      help="names of its two 8-bit inputs and 16-bit output (default a,b,p)")
    verb.add_argument("--sim", choices=("verilator", "icarus"), default="verilator",
                      help="simulator of the external multipliers (default verilator)")
    verb.add_argument("-o", "--output", required=True, metavar="DIR")
    _add_cache_option(verb)
    verb.set_defaults(run=_report)

    verb = verbs.add_parser("engines", help="every engine's cost, speed and bit-exact accuracy "
                                            "on every target in one table; what fits")
    verb.add_argument("designs", nargs="*", metavar="DESIGN",
                      help="engines (default: each shipped network, exact and approximate)")
    verb.add_argument("--target", action="append", choices=TARGETS,
                      help="repeatable (default ice40-up5k, ecp5-85k and asic)")
    verb.add_argument("-o", "--output", required=True, metavar="DIR")
    _add_cache_option(verb)
    verb.set_defaults(run=_engines)

    verb = verbs.add_parser("front", help="the exact engine beside approximate ones of the same "
                                          "speed: synthesised, scored bit-exactly, verified")
    verb.add_argument("design", metavar="DESIGN", help="a bnn or MAC engine; its style and "
                                                       "folding are kept, its popcounts or "
                                                       "accumulator adder varied")
    verb.add_argument("--target", action="append", choices=TARGETS,
                      help="repeatable (default ice40-up5k)")
    verb.add_argument("--plan", action="append", metavar="PLAN",
                      help=f"approximate popcount plan or accumulator adder, repeatable "
                           f"(default for bnn {', '.join(DEFAULT_PLANS)}; for MAC engines "
                           f"{', '.join(MACConfig.FRONT_PLANS)}; for q8 engines, multipliers "
                           f"{', '.join(MACConfig.FRONT_MULTIPLIERS)})")
    verb.add_argument("--adapt", choices=ADAPTATIONS, default="tune",
                      help="the network of an approximate engine: as trained, thresholds "
                           "tuned to its bias (default), or trained through its trees")
    verb.add_argument("--epochs", type=_positive_int, default=TrainOptions.epochs,
                      help="with --adapt train")
    verb.add_argument("--no-verify", action="store_true",
                      help="skip the cocotb run over the test split")
    verb.add_argument("--sim", choices=("verilator", "icarus"), default="verilator")
    verb.add_argument("-o", "--output", required=True, metavar="DIR")
    _add_cache_option(verb)
    group = _add_bnn_options(verb)
    group.description = "--popcount is ignored: the front varies it"
    verb.set_defaults(run=_front)

    verb = verbs.add_parser("explore", help="synthesise and score every point of a design "
                                            "space, on Dask; Pareto fronts per target")
    verb.add_argument("space", metavar="SPACE.toml")
    verb.add_argument("-o", "--output", required=True, metavar="DIR")
    verb.add_argument("--scheduler", metavar="ADDRESS",
                      help="an existing Dask cluster (tcp://HOST:PORT); default a local one")
    verb.add_argument("--workers", type=_positive_int, metavar="N",
                      help="local worker processes (default one per core; 1: no cluster, one "
                           "job after another in this process)")
    verb.add_argument("--verify", action="store_true", help="prove each design with cocotb")
    _add_cache_option(verb)
    verb.set_defaults(run=_explore)

    verb = verbs.add_parser("boards", help="list the boards 'build' supports")
    verb.set_defaults(run=_boards)

    verb = verbs.add_parser("build", help="a bitstream of a design for a board: a unit's "
                                          "self-test, or a BNN engine on the serial port")
    verb.add_argument("design", metavar="DESIGN")
    verb.add_argument("--board", required=True, metavar="BOARD", help="see 'axbnn boards'")
    verb.add_argument("-o", "--output", metavar="DIR", help="default build/<board>/<design>")
    verb.add_argument("--cycles", type=_positive_int, default=DEFAULT_CYCLES,
                      help="self-test length in clock cycles (default %(default)s)")
    verb.add_argument("--program", action="store_true", help="load it with the board's programmer")
    group = _add_bnn_options(verb)
    group.add_argument("--images", type=_positive_int, default=DEFAULT_IMAGES,
                       help="self-test length in images (default %(default)s)")
    group.add_argument("--baud", type=_positive_int, default=BAUD,
                       help="serial line rate (default %(default)s)")
    verb.set_defaults(run=_build)

    verb = verbs.add_parser("classify", help="send a data set's test images to a BNN engine on "
                                             "a board, report its accuracy")
    verb.add_argument("design", metavar="DESIGN", help="the bnn design the board holds")
    verb.add_argument("--port", required=True, metavar="PORT",
                      help="serial device (/dev/ttyUSB1, COM3) or pyserial URL (socket://...)")
    verb.add_argument("--baud", type=_positive_int, default=BAUD,
                      help="serial line rate (default %(default)s)")
    verb.add_argument("--dataset", default="digits", metavar="digits|idx:DIR|FILE.npz")
    verb.add_argument("--images", type=_positive_int, metavar="N",
                      help="only the first N test images")
    verb.add_argument("--json", action="store_true", help="print one JSON object")
    _add_bnn_options(verb)
    verb.set_defaults(run=_classify)

    verb = verbs.add_parser("convert", help="a binary network from QONNX to the engine's .npz, "
                                            "or from .npz (or a shipped model) to QONNX")
    verb.add_argument("source", metavar="MODEL.onnx|MODEL.npz|NAME")
    verb.add_argument("-o", "--output", required=True, metavar="MODEL.npz|MODEL.onnx")
    verb.set_defaults(run=_convert)

    verb = verbs.add_parser("doctor", help="versions and locations of every tool")
    verb.add_argument("--warm", action="store_true",
                      help="run the YoWASP tools once so their compile cache is ready")
    verb.set_defaults(run=_doctor)
    return parser


@contextmanager
def _shown_log(verbosity):
    """Progress and notices of every module of axbnn to stderr while a command runs, as loud as
    ``-q``/``-v`` say; the logger is left as it was found (a library caller's, or a test's)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("axbnn")
    saved = logger.handlers[:], logger.propagate, logger.level
    logger.handlers[:], logger.propagate = [handler], False
    logger.setLevel({-1: logging.WARNING, 0: logging.INFO, 1: logging.DEBUG}[verbosity])
    try:
        yield
    finally:
        logger.handlers[:], logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        with _shown_log(args.verbosity):
            return args.run(args) or 0
    except AxbnnError as error:
        print(f"axbnn: error: {error}", file=sys.stderr)
        return error.exit_status
    except KeyboardInterrupt:
        # Results are renamed into place whole, so stopping leaves no half-written one: one
        # line, not a traceback. 130 is what shells report for a command ended by SIGINT.
        print("axbnn: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (head, less) has gone: stop quietly, and keep the interpreter's final
        # flush of stdout from failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
