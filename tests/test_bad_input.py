"""Bad input, misuse and interruption through the command line (issue 18): every case ends in
one line ``axbnn: error: ...`` with its exit status, no traceback, and leaves no file behind.

The table :data:`CASES` is the record of the cases: ``(id, argv, exit status, message)``, where
``{tmp}`` in an argument is the test's directory, holding the files :func:`workspace` makes.
Cases that need a real tool or a trained network live in their own tests below, marked slow.
"""

import io
import json
import os
import threading
from pathlib import Path

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.hwgen.errors import InputError
from axbnn.hwgen.files import (check_output_dir, directory_atomically, refuse_links,
                               write_atomically)

ROOT = Path(__file__).resolve().parents[1]
DIGIT_FEATURES = 64


def _data(path, *, y_train, y_test, features=DIGIT_FEATURES):
    rng = np.random.default_rng(0)
    np.savez(path, x_train=rng.random((len(y_train), features)) * 16,
             y_train=np.asarray(y_train, dtype=np.int64),
             x_test=rng.random((len(y_test), features)) * 16,
             y_test=np.asarray(y_test, dtype=np.int64))


def _mlp_members(network):
    arrays = {f"weights{k}": w for k, w in enumerate(network.weights)}
    arrays.update({f"biases{k}": b for k, b in enumerate(network.biases)})
    arrays.update(input_scale=network.input_scale, weight_scales=network.weight_scales,
                  activation_scales=network.activation_scales,
                  metadata=json.dumps(network.metadata))
    return arrays


@pytest.fixture(scope="module")
def mlp(network):
    return network[1]


@pytest.fixture
def workspace(tmp_path, mlp):
    """The files the cases name: a regular file where a directory is wanted, an existing
    directory, data sets with wrong labels, broken MLPs."""
    (tmp_path / "file").write_text("a regular file\n")
    (tmp_path / "dir").mkdir()
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "notes.txt").write_text("someone's notes\n")
    (tmp_path / "builds").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "builds" / "verilator-fa_exact").symlink_to(tmp_path / "elsewhere")
    labels = np.arange(40) % 10
    _data(tmp_path / "test_label_unseen.npz", y_train=labels, y_test=[0, 3, 12])
    _data(tmp_path / "huge_label.npz", y_train=[*labels[:-1], 10**9], y_test=[0, 1])
    _data(tmp_path / "twelve_classes.npz", y_train=np.arange(48) % 12, y_test=[0, 11])
    mlp.save(tmp_path / "mlp.npz")
    members = _mlp_members(mlp)
    nan = dict(members, weights0=np.where(np.eye(*members["weights0"].shape) > 0, np.nan,
                                          members["weights0"]))
    np.savez(tmp_path / "mlp_nan.npz", **nan)
    np.savez(tmp_path / "mlp_inf_bias.npz", **dict(members, biases1=members["biases1"] + np.inf))
    np.savez(tmp_path / "mlp_no_chain.npz", **dict(members, weights1=members["weights1"][:, 1:]))
    np.savez(tmp_path / "mlp_vector.npz", **dict(members, weights0=members["weights0"][0]))
    np.savez(tmp_path / "mlp_text.npz", **dict(members, input_scale=np.array("big")))
    np.savez(tmp_path / "mlp_scales.npz", **dict(members, input_scale=np.ones(3)))
    np.savez(tmp_path / "mlp_metadata.npz", **dict(members, metadata=json.dumps([1, 2])))
    np.savez(tmp_path / "mlp_lacks.npz", **{k: v for k, v in members.items() if k != "biases0"})
    (tmp_path / "mlp_text_file.npz").write_text("not an archive\n")
    (tmp_path / "mlp_empty.npz").write_bytes(b"")
    buffer = io.BytesIO()
    np.savez(buffer, **members)
    (tmp_path / "mlp_truncated.npz").write_bytes(buffer.getvalue()[:300])
    for name, text in SPACES.items():
        (tmp_path / f"{name}.toml").write_text(text)
    return tmp_path


# Space files for 'axbnn explore'.
SPACES = {
    "space_key": 'target = ["asic"]\ndesigns = ["fa-exact"]\n',
    "space_sweep_key": '[[sweep]]\nfamily = "popcount"\nwidth = [8]\nfaa = ["maj_not"]\n',
    "space_empty_sweep": '[[sweep]]\nfamily = "popcount"\nwidth = []\n',
    "space_target": 'targets = ["ice41"]\ndesigns = ["fa-exact"]\n',
    "space_nothing": 'targets = ["asic"]\n',
    "space_fa": 'targets = ["asic"]\ndesigns = ["fa-exact"]\n',
    "space_families": '[[sweep]]\nfamily = ["popcount", "mul8"]\n',
}


# (case, argv, exit status, the message the one line holds)
def _engine_on(design, model, held, taken):
    """The case of a MAC engine given a shipped model of another product."""
    return (f"{design} on the {model} model",
            ["generate", design, "--weights", str(ROOT / f"hwgen/models/{model}.npz"), "-o",
             "{tmp}/out"], 2, f"holds {held} weights, not the {taken} weights this engine takes")


CASES = [
    # Output locations, checked before any work: a file on the way, a file where a directory
    # or a directory where a file is wanted, a place nobody may write.
    ("train -o through a file", ["train", "-o", "{tmp}/file/m.npz"], 2,
     "Output file '{tmp}/file/m.npz': directory '{tmp}/file' is not a directory"),
    ("train -o a directory", ["train", "-o", "{tmp}/dir"], 2,
     "Output file '{tmp}/dir' is a directory"),
    ("train -o unwritable", ["train", "-o", "/sys/axbnn/m.npz"], 2,
     "cannot be created: Operation not permitted"),
    ("train-mlp -o through a file", ["train-mlp", "-o", "{tmp}/file/m.npz"], 2,
     "'{tmp}/file' is not a directory"),
    ("train-mlp -o a directory", ["train-mlp", "-o", "{tmp}/dir"], 2, "is a directory"),
    ("tune -o through a file", ["tune", "bnn-digits-maj_not", "-o", "{tmp}/file/t.npz"], 2,
     "'{tmp}/file' is not a directory"),
    ("tune -o unwritable", ["tune", "bnn-digits-maj_not", "-o", "/sys/t.npz"], 2,
     "cannot be written: Operation not permitted"),
    ("synth -o through a file", ["synth", "fa-exact", "--target", "asic", "-o",
                                 "{tmp}/file/out"], 2, "'{tmp}/file' is not a directory"),
    ("synth -o a file", ["synth", "fa-exact", "--target", "asic", "-o", "{tmp}/file"], 2,
     "Synthesis output '{tmp}/file' is not a directory"),
    ("synth -o someone's directory", ["synth", "fa-exact", "--target", "asic", "-o",
                                      "{tmp}/foreign"], 2,
     "Synthesis output '{tmp}/foreign' holds files but no synth.json"),
    ("synth -o unwritable", ["synth", "fa-exact", "--target", "asic", "-o", "/sys/x/out"], 2,
     "Operation not permitted"),
    ("verify --build-dir through a file", ["verify", "fa-exact", "--build-dir",
                                           "{tmp}/file/b"], 2,
     "Build directory '{tmp}/file/b' cannot be created: '{tmp}/file' is not a directory"),
    ("verify --build-dir a file", ["verify", "fa-exact", "--build-dir", "{tmp}/file"], 2,
     "Build directory '{tmp}/file' is not a directory"),
    ("verify --build-dir with a planted link", ["verify", "fa-exact", "--build-dir",
                                                "{tmp}/builds"], 2,
     "Build directory '{tmp}/builds/verilator-fa_exact' is a symbolic link"),
    ("report -o through a file", ["report", "mul8-3330", "-o", "{tmp}/file/r"], 2,
     "'{tmp}/file' is not a directory"),
    ("report -o unwritable", ["report", "mul8-3330", "-o", "/sys/r"], 2,
     "Operation not permitted"),
    ("report --external missing", ["report", "--external", "{tmp}/none.v", "-o", "{tmp}/r"], 2,
     "--external {tmp}/none.v: no such file"),
    ("report --top twice for one --external", ["report", "--external", "{tmp}/file",
                                               "--top", "m", "--top", "n", "-o", "{tmp}/r"], 2,
     "--top must be given once per --external (1), not 2 times"),
    ("generate -o through a file", ["generate", "fa-exact", "-o", "{tmp}/file/g"], 2,
     "Output directory '{tmp}/file/g' cannot be created: '{tmp}/file' is not a directory"),
    ("generate -o a file", ["generate", "fa-exact", "-o", "{tmp}/file"], 2,
     "Output directory '{tmp}/file' is not a directory"),
    ("retrain -o through a file", ["retrain", "bnn-digits-maj_not", "-o", "{tmp}/file/r"], 2,
     "'{tmp}/file' is not a directory"),
    ("front -o through a file", ["front", "bnn-digits", "-o", "{tmp}/file/f"], 2,
     "'{tmp}/file' is not a directory"),
    ("engines of a unit", ["engines", "mul8-0000", "-o", "{tmp}/e"], 2,
     "mul8-0000: engines tabulates whole engines; for arithmetic units use report"),
    ("engines -o through a file", ["engines", "bwnn-digits", "-o", "{tmp}/file/e"], 2,
     "'{tmp}/file' is not a directory"),
    ("build -o through a file", ["build", "fa-exact", "--board", "icebreaker", "-o",
                                 "{tmp}/file/b"], 2, "'{tmp}/file' is not a directory"),
    # Space files and clusters of 'axbnn explore': checked before anything runs or is cached.
    ("explore: unknown key", ["explore", "{tmp}/space_key.toml", "-o", "{tmp}/x"], 2,
     "Space file '{tmp}/space_key.toml': keys must be among targets, designs, sweep, not "
     "'target'"),
    ("explore: unknown sweep key", ["explore", "{tmp}/space_sweep_key.toml", "-o", "{tmp}/x"],
     2, "Space file '{tmp}/space_sweep_key.toml': sweep 1: popcount keys must be among width, "
        "fa, approx_columns, approx_levels, tree, xnor, pipeline, counter, not 'faa'"),
    ("explore: empty sweep", ["explore", "{tmp}/space_empty_sweep.toml", "-o", "{tmp}/x"], 2,
     "sweep 1: width must be a value or a non-empty list of values, not []"),
    ("explore: a sweep of families", ["explore", "{tmp}/space_families.toml", "-o",
                                      "{tmp}/x"], 2,
     "space_families.toml': sweep 1: family must be one of fa, popcount, "),
    ("explore: unknown target", ["explore", "{tmp}/space_target.toml", "-o", "{tmp}/x"], 2,
     "targets must be among ice40-up5k, ice40-hx8k, ecp5-25k, ecp5-85k, asic, not 'ice41'"),
    ("explore: no design", ["explore", "{tmp}/space_nothing.toml", "-o", "{tmp}/x"], 2,
     "designs and [[sweep]] give no design"),
    ("explore: no space file", ["explore", "{tmp}/none.toml", "-o", "{tmp}/x"], 2,
     "Space file '{tmp}/none.toml' cannot be read: No such file or directory"),
    ("explore: scheduler nobody runs", ["explore", "{tmp}/space_fa.toml", "-o", "{tmp}/x",
                                        "--cache", "{tmp}/cache", "--scheduler",
                                        "tcp://127.0.0.1:1"], 1,
     "Dask scheduler tcp://127.0.0.1:1 cannot be reached: Connection refused"),
    ("explore: scheduler without a port", ["explore", "{tmp}/space_fa.toml", "-o", "{tmp}/x",
                                           "--scheduler", "tcp://127.0.0.1"], 2,
     "Scheduler must look like tcp://HOST:PORT, not 'tcp://127.0.0.1'"),
    ("explore --cache through a file", ["explore", "{tmp}/space_fa.toml", "-o", "{tmp}/x",
                                        "--cache", "{tmp}/file/c"], 2,
     "Cache directory '{tmp}/file/c' cannot be created: '{tmp}/file' is not a directory"),
    # Counts that size a loop are bounded, named with their maximum.
    ("characterize --samples 10**12", ["characterize", "popcount-64-maj_not", "--samples",
                                       str(10**12)], 2,
     "Sample count must be an integer from 1 to 16777216, not 1000000000000"),
    ("predict bnn --draws 10**12", ["predict", "bnn-digits-maj_not", "--draws", str(10**12)],
     2, "Draw count must be an integer from 1 to 256, not 1000000000000"),
    ("predict smul8 --draws 10**12", ["predict", "smul8-3330", "--draws", str(10**12)], 2,
     "Draw count must be an integer from 1 to 256"),
    ("retrain --samples 10**12", ["retrain", "smul8-3330", "--samples", str(10**12), "-o",
                                  "{tmp}/r"], 2,
     "Layer-model sample count must be an integer from 1 to 65536, not 1000000000000"),
    # MLP files: one line naming the file and what is wrong.
    ("MLP with NaN weights", ["predict", "smul8-3330", "--weights", "{tmp}/mlp_nan.npz"], 2,
     "MLP file {tmp}/mlp_nan.npz: MLP weights and biases must be finite numbers"),
    ("MLP with an infinite bias", ["predict", "smul8-3330", "--weights",
                                   "{tmp}/mlp_inf_bias.npz"], 2, "must be finite numbers"),
    ("MLP whose layers do not chain", ["predict", "smul8-3330", "--weights",
                                       "{tmp}/mlp_no_chain.npz"], 2,
     "MLP file {tmp}/mlp_no_chain.npz: MLP weights must be (n_out, n_in) matrices that chain"),
    ("MLP with vector weights", ["predict", "smul8-3330", "--weights", "{tmp}/mlp_vector.npz"],
     2, "weights0 must be a matrix of numbers, not float64 of shape (64,)"),
    ("MLP with a text scale", ["predict", "smul8-3330", "--weights", "{tmp}/mlp_text.npz"], 2,
     "input_scale must be a number, not <U3 of shape ()"),
    ("MLP with a vector scale", ["predict", "smul8-3330", "--weights", "{tmp}/mlp_scales.npz"],
     2, "input_scale must be a number, not float64 of shape (3,)"),
    ("MLP with list metadata", ["predict", "smul8-3330", "--weights",
                                "{tmp}/mlp_metadata.npz"], 2, "metadata must be a JSON object"),
    ("MLP lacking a bias", ["predict", "smul8-3330", "--weights", "{tmp}/mlp_lacks.npz"], 2,
     "MLP file {tmp}/mlp_lacks.npz lacks biases0"),
    ("MLP that is text", ["predict", "smul8-3330", "--weights", "{tmp}/mlp_text_file.npz"], 2,
     "MLP file {tmp}/mlp_text_file.npz is not a valid .npz file"),
    ("MLP that is empty", ["predict", "smul8-3330", "--weights", "{tmp}/mlp_empty.npz"], 2,
     "is not a valid .npz file"),
    ("MLP cut short", ["predict", "smul8-3330", "--weights", "{tmp}/mlp_truncated.npz"], 2,
     "is not a valid .npz file"),
    ("MLP missing", ["predict", "smul8-3330", "--weights", "{tmp}/none.npz"], 2,
     "MLP file {tmp}/none.npz cannot be read: No such file or directory"),
    # MAC engines: a weight file of another family, an option the family cannot take.
    ("bwnn engine on a BNN model", ["generate", "bwnn-digits", "--weights",
                                    str(ROOT / "hwgen/models/digits.npz"), "-o", "{tmp}/out"],
     2, "is not a MAC engine's model (it has no product: a BNN or MLP file?)"),
    ("bnn engine on a bwnn model", ["generate", "bnn-digits", "--weights",
                                    str(ROOT / "hwgen/models/bwnn-digits.npz"), "-o",
                                    "{tmp}/out"], 2,
     "weights0 must be a uint8 array of shape (64, 8), not int8 of shape (64, 64)"),
    ("bwnn adder wider than its accumulator", ["generate", "bwnn-digits-loa-13", "-o",
                                              "{tmp}/out"], 2,
     "bwnn-digits-loa-13: MAC adder loa-13: its approximate bits must be from 1 to below "
     "layer 1's 13-bit accumulator"),
    ("q8 with an accumulator adder", ["generate", "q8-digits-loa-4", "-o", "{tmp}/out"], 2,
     "q8-digits-loa-4: A q8 design takes a multiplier after its model (<dddd> for "
     "smul8-<dddd>, or smmul8-<plan>), not the adder 'loa-4'"),
    _engine_on("q8-digits", "bwnn-digits", "binary", "sign_magnitude"),
    _engine_on("bwnn-digits", "q8-digits", "sign_magnitude", "binary"),
    ("q8 engine on an MLP file", ["generate", "q8-digits", "--weights", "{tmp}/mlp_nan.npz",
                                  "-o", "{tmp}/out"], 2,
     "is not a MAC engine's model (it has no product: a BNN or MLP file?)"),
    ("train-mac q8 with 4-bit activations", ["train-mac", "q8-digits", "--activation-bits", "4",
                                             "-o", "{tmp}/m.npz"], 2,
     "A q8 engine takes 7-bit activations and no shifted images (give --activation-bits 7, "
     "no --shift)"),
    ("bwnn with a popcount plan", ["generate", "bwnn-digits", "--popcount", "maj_not", "-o",
                                   "{tmp}/out"], 2,
     "bwnn-digits takes no popcount option; its family's are pe, simd, weights"),
    ("predict bwnn with --draws", ["predict", "bwnn-digits-loa-4", "--draws", "8"], 2,
     "predict bwnn-digits-loa-4 takes no --draws (its family's options: none)"),
    ("predict bnn with --layer-model", ["predict", "bnn-digits-maj_not", "--layer-model",
                                        "moments"], 2,
     "predict bnn-digits-maj_not takes no --layer-model (its family's options: --draws, "
     "--method, --seed)"),
    ("predict bwnn with SIMD 16", ["predict", "bwnn-digits-loa-4", "--simd", "16"], 2,
     "bwnn-digits-loa-4-pe16x10-simd16x16: predict takes SIMD up to 8, not 16"),
    ("train-mac for a bnn engine", ["train-mac", "bnn-digits", "-o", "{tmp}/m.npz"], 2,
     "bnn-digits: train-mac needs a MAC engine (bwnn-..., q8-..., pow2-..., fixed-...)"),
    ("fixed engine of width 5", ["generate", "fixed-digits-5", "-o", "{tmp}/out"], 2,
     "Design name must look like fixed-<model>-<4|8|16>[-exact|-<adder kind>-<k>], not "
     "'fixed-digits-5'"),
    _engine_on("pow2-digits", "bwnn-digits", "binary", "power_of_two"),
    _engine_on("fixed-digits-4", "fixed-digits-8", "fixed8", "fixed4"),
    ("predict a pow2 engine", ["predict", "pow2-digits-loa-4"], 2,
     "pow2-digits-loa-4: predict models binary-weight engines (bwnn-...), not power_of_two "
     "products"),
    ("train-mac fixed-8 at 4 bits", ["train-mac", "fixed-digits-8", "--activation-bits", "4",
                                     "-o", "{tmp}/m.npz"], 2,
     "Training: Fixed-point products of width 8 take activations of 8 bits, not 4"),
    # Ensembles: too few members, a member that is no engine or none at all, mixed members.
    ("ens1", ["generate", "ens1-bwnn-digits", "-o", "{tmp}/out"], 2,
     "ens1-bwnn-digits: Ensemble size k must be an integer from 2 to 16, not 1"),
    ("ens0", ["generate", "ens0", "-o", "{tmp}/out"], 2,
     "Design name must look like ens<k>-<member design>[-vote|-sum], not 'ens0'"),
    ("ensemble of an unknown design", ["generate", "ens3-cnn-digits", "-o", "{tmp}/out"], 2,
     "ens3-cnn-digits: Design must be a name starting with one of "),
    ("synth a MAC engine at a PE that does not divide", ["synth", "bwnn-digits", "--target",
                                                         "asic", "--pe", "3", "-o",
                                                         "{tmp}/out"], 2,
     "MAC PE of layer 1 must divide its 64 neurons, not 3"),
    ("ensemble of multipliers", ["synth", "ens3-mul8-3330", "--target", "asic", "-o",
                                 "{tmp}/out"], 2,
     "ens3-mul8-3330: mul8-3330: ensemble members must be single engines (bnn-..., bwnn-...)"),
    ("ensemble of mixed members", ["verify", "ens2-bnn-digits-small", "--weights",
                                   "digits-small,digits", "--build-dir", "{tmp}/out"], 2,
     "Ensemble members must read one input code and answer the same classes, and member 1 "
     "(bnn-digits) does not read member 0's (bnn-digits-small)"),
    ("ensemble with a popcount option", ["generate", "ens3-bnn-digits-small", "--popcount",
                                         "maj_not", "-o", "{tmp}/out"], 2,
     "ens3-bnn-digits-small takes no popcount option; its family's are pe, simd, weights"),
    # Labels beyond the classes.
    ("test label no training label has", ["train", "--dataset", "{tmp}/test_label_unseen.npz",
                                          "-o", "{tmp}/m.npz"], 2,
     "y_test labels must be classes of y_train (0 to 9), not 12"),
    ("a label of 10**9", ["train-mlp", "--dataset", "{tmp}/huge_label.npz", "-o",
                          "{tmp}/m.npz"], 2, "labels must be below 65536, not 1000000000"),
    ("more classes than the model (tune)", ["tune", "bnn-digits-maj_not", "--dataset",
                                            "{tmp}/twelve_classes.npz", "-o", "{tmp}/t.npz"],
     2, "Data set twelve_classes has labels up to 11, but the model of bnn-digits-maj_not "
        "has 10 classes (0 to 9)"),
    ("more classes than the model (predict)", ["predict", "bnn-digits-maj_not", "--dataset",
                                               "{tmp}/twelve_classes.npz"], 2,
     "has labels up to 11, but the model of bnn-digits-maj_not has 10 classes"),
    ("more classes than the MLP", ["predict", "smul8-3330", "--weights", "{tmp}/mlp.npz",
                                   "--dataset", "{tmp}/twelve_classes.npz"], 2,
     "has labels up to 11, but MLP {tmp}/mlp.npz has 10 classes"),
]


def _tree(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.mark.parametrize("argv, status, message", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_bad_input_is_one_line(workspace, capsys, argv, status, message):
    before = _tree(workspace)
    code = main([arg.replace("{tmp}", str(workspace)) for arg in argv])
    out, err = capsys.readouterr()
    assert code == status
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("axbnn: error: ")
    assert message.replace("{tmp}", str(workspace)) in err
    assert _tree(workspace) == before  # nothing made, nothing left half-written
    assert not list(Path("/sys").glob("axbnn*"))


@pytest.mark.parametrize("argv, start", [
    (["frob"], "axbnn: error: argument VERB: invalid choice: 'frob' (choose from 'presets', "),
    (["synth", "fa-exact", "--target", "nope"],
     "axbnn synth: error: argument --target: invalid choice: 'nope' (choose from "),
    (["verify"], "axbnn verify: error: the following arguments are required: DESIGN (see "),
])
def test_bad_arguments_are_one_line(capsys, argv, start):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    err = capsys.readouterr().err
    assert exit.value.code == 2 and err.count("\n") == 1 and err.startswith(start)


def test_interrupt_is_one_line(tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("axbnn.flows.synth.synthesize", interrupted)
    assert main(["synth", "fa-exact", "--target", "asic", "-o", str(tmp_path / "s")]) == 130
    assert capsys.readouterr().err == "axbnn: interrupted\n"


# Writing: whole or not at all, never through a link.

def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch, mlp):
    path = tmp_path / "m.npz"
    mlp.save(path)
    old = path.read_bytes()

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        mlp.save(path)
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["m.npz"]


def test_writes_replace_links_instead_of_following_them(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").symlink_to(target)
    write_atomically(out / "report.md", "new\n")
    assert target.read_text() == "keep me\n"
    assert not (out / "report.md").is_symlink() and (out / "report.md").read_text() == "new\n"


def test_generate_does_not_write_through_a_planted_link(tmp_path, capsys):
    target = tmp_path / "precious.v"
    target.write_text("keep me\n")
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "fa_exact.v").symlink_to(target)
    assert main(["generate", "fa-exact", "-o", str(tmp_path / "g")]) == 0
    assert target.read_text() == "keep me\n"
    assert "module fa_exact" in (tmp_path / "g" / "fa_exact.v").read_text()


def test_front_does_not_save_networks_through_a_linked_models_directory(tmp_path, capsys):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "models").symlink_to(tmp_path / "elsewhere")
    assert main(["front", "bnn-digits-small", "--plan", "maj4", "-o", str(tmp_path / "f")]) == 2
    assert capsys.readouterr().err == (
        f"axbnn: error: Output directory '{tmp_path / 'f'}' holds symbolic links (models); "
        f"axbnn does not write through links in its outputs\n")
    assert not list((tmp_path / "elsewhere").iterdir())


_WRITERS = ("write_text(", "write_bytes(", 'open("w', "open('w", '.open("wb', "savefig(path",
            "np.save(", "np.savez(", "np.savez_compressed(file")


def test_every_project_file_is_written_atomically():
    """A source scan: no module writes a file but through :func:`write_atomically` (the
    testbenches aside: they run inside the simulator, in its private build directory)."""
    offenders = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in ("tests", ".venv") or path.name.endswith("_tb.py"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(writer in line for writer in _WRITERS):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_directory_is_replaced_whole_or_not_at_all(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.asc").write_text("old\n")
    with pytest.raises(KeyboardInterrupt):
        with directory_atomically(out) as work:
            (work / "half.json").write_text("{")
            raise KeyboardInterrupt
    assert os.listdir(out) == ["old.asc"] and os.listdir(tmp_path) == ["out"]
    with directory_atomically(out) as work:
        (work / "new.config").write_text("new\n")
    assert os.listdir(out) == ["new.config"] and os.listdir(tmp_path) == ["out"]


def test_directory_replaces_a_link_not_its_target(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "data").write_text("keep me\n")
    (tmp_path / "out").symlink_to(precious)
    with directory_atomically(tmp_path / "out") as work:
        (work / "synth.json").write_text("{}\n")
    assert (precious / "data").read_text() == "keep me\n"
    assert not (tmp_path / "out").is_symlink() and os.listdir(tmp_path / "out") == ["synth.json"]


def test_concurrent_directories_never_mix(tmp_path):
    """Runs of two 'targets' into one directory at once: each leaves a whole directory, the
    last one to finish wins, no run's file lies beside another's."""
    out = tmp_path / "out"
    failures = []

    def run(name):
        try:
            for _ in range(40):
                with directory_atomically(out) as work:
                    for part in ("a", "b", "c"):
                        (work / f"{name}.{part}").write_text(name)
        except Exception as error:  # a thread's exception would pass unseen
            failures.append(error)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("ice40", "ecp5")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    names = {name.split(".")[0] for name in os.listdir(out)}
    assert len(names) == 1 and len(os.listdir(out)) == 3
    assert os.listdir(tmp_path) == ["out"]


def test_refuse_links_names_them(tmp_path):
    (tmp_path / "top.v").symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputError, match=r"holds symbolic links \(top\.v\)"):
        refuse_links(tmp_path)


def test_check_output_dir_creates_nothing(tmp_path):
    check_output_dir(tmp_path / "a" / "b")
    assert os.listdir(tmp_path) == []


# Generating into a directory that holds another design.

def test_second_design_replaces_the_first(tmp_path, capsys):
    out = tmp_path / "g"
    assert main(["generate", "mul8-3330", "-o", str(out)]) == 0
    (out / "notes.txt").write_text("mine\n")
    assert main(["generate", "fa-exact", "-o", str(out)]) == 0
    assert sorted(os.listdir(out)) == ["fa_exact.v", "manifest.json", "notes.txt"]
    assert list(json.loads((out / "manifest.json").read_text())["files"]) == ["fa_exact.v"]


def test_a_planted_manifest_removes_nothing_outside(tmp_path, capsys):
    outside = tmp_path / "outside.v"
    outside.write_text("keep me\n")
    out = tmp_path / "g"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"files": {"../outside.v": {},
                                                             str(outside): {}}}))
    assert main(["generate", "fa-exact", "-o", str(out)]) == 0
    assert outside.read_text() == "keep me\n"


# Real tools.

@pytest.mark.slow
@pytest.mark.tool("yosys", "nextpnr-ice40")
def test_two_targets_into_one_directory_do_not_mix(tmp_path, capsys):
    out = str(tmp_path / "s")
    assert main(["synth", "fa-exact", "--target", "ice40-up5k", "-o", out]) == 0
    assert (tmp_path / "s" / "fa_exact.asc").exists()
    assert main(["synth", "fa-exact", "--target", "asic", "-o", out]) == 0
    files = set(os.listdir(out))
    assert "fa_exact.asc" not in files and "fa_exact.tim" not in files
    assert json.loads((tmp_path / "s" / "synth.json").read_text())["target"] == "asic"
    assert os.listdir(tmp_path) == ["s"]


@pytest.mark.slow
@pytest.mark.tool("yosys")
def test_garbage_json_from_a_tool_is_one_line(tmp_path, capsys, monkeypatch):
    fake = tmp_path / "nextpnr"
    fake.write_text("#!/bin/sh\nfor name in fa_exact.asc fa_exact.report.json "
                    "fa_exact.placed.json; do echo 'garbage{' > $name; done\n")
    fake.chmod(0o755)
    monkeypatch.setenv("NEXTPNR_ICE40", str(fake))
    out = tmp_path / "s"
    code = main(["synth", "fa-exact", "--target", "ice40-up5k", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err  # progress lines, then the error
    assert err.splitlines(keepends=True)[-1] == ("axbnn: error: nextpnr-ice40 wrote fa_exact.report.json but it cannot be "
                   "read: not valid JSON\n")
    assert not out.exists() and os.listdir(tmp_path) == ["nextpnr"]


@pytest.mark.slow
@pytest.mark.tool("yosys")
def test_asic_maps_an_engine(tmp_path, capsys):
    """Engines hold flip-flops with synchronous reset and enable; the estimate maps them."""
    assert main(["synth", "bnn-digits-small", "--target", "asic", "--json", "-o",
                 str(tmp_path / "s")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["cells_by_type"]["DFF"] > 0 and report["area_nand2"] > 0


@pytest.mark.parametrize("verb, trainer", [("train-mlp", "axbnn.sim.mlp_train.train_float"),
                                           ("train", "axbnn.sim.bnn_train.train_for")])
def test_output_is_checked_before_training(tmp_path, capsys, monkeypatch, verb, trainer):
    def no_training(*args, **kwargs):
        raise AssertionError("trained before checking the output")

    monkeypatch.setattr(trainer, no_training)
    assert main([verb, "-o", str(tmp_path)]) == 2
