"""QONNX export and import, checked against qonnx's own executor (an independent implementation).

The exported graph's output is the popcount itself (the engine's class score). Imported graphs
keep their own output: the test's graph ends in ``Mul 0.25`` after the bipolar sum, so its
outputs are ``0.25 * (2 p - n)`` of the engine's popcounts ``p``.
"""

import sys

import numpy as np
import pytest

pytest.importorskip("qonnx")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from qonnx.core.datatype import DataType  # noqa: E402
from qonnx.core.modelwrapper import ModelWrapper  # noqa: E402
from qonnx.core.onnx_exec import execute_onnx  # noqa: E402
from qonnx.transformation.infer_shapes import InferShapes  # noqa: E402

from axbnn.flows.cli import main  # noqa: E402
from axbnn.flows.qonnx_convert import QONNX_DOMAIN, from_qonnx, to_qonnx  # noqa: E402
from axbnn.hwgen.bnn_model import BNNModel, load_model  # noqa: E402
from axbnn.hwgen.config import PopcountConfig  # noqa: E402
from axbnn.hwgen.errors import FlowError, InputError  # noqa: E402
from axbnn.sim.bnn_data import load_dataset  # noqa: E402
from axbnn.sim.bnn_infer import infer_model  # noqa: E402


def golden(model, features):
    """Exact scores and classes of the engine's golden model (one exact chunk per layer)."""
    chunks = tuple(PopcountConfig.from_plan(n_in, "exact", xnor=True) for n_in in model.layers[:-1])
    return infer_model(model, chunks, model.binarize(features))


def execute(proto, features):
    wrapper = ModelWrapper(proto)
    name = wrapper.graph.input[0].name
    return execute_onnx(wrapper, {name: features.astype(np.float32)})[wrapper.graph.output[0].name]


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits")


def random_model(rng, layers, levels):
    weights = tuple(rng.integers(0, 2, (n_out, n_in), dtype=np.uint8)
                    for n_in, n_out in zip(layers, layers[1:]))
    thresholds = tuple(rng.integers(n_in // 2 - 4, n_in // 2 + 5, n_out).astype(np.int64)
                       for n_in, n_out in zip(layers, layers[1:-1]))
    return BNNModel(layers, weights, thresholds, levels, {"seed": 1})


def test_shipped_digits_scores_equal_qonnx_execution(digits):
    model = load_model()
    scores = execute(to_qonnx(model, batch=len(digits.y_test)), digits.x_test)
    expected = golden(model, digits.x_test)
    assert scores.shape == (360, model.n_classes)
    assert np.count_nonzero(scores != expected["scores"]) == 0
    assert np.count_nonzero(np.argmax(scores, axis=1) != expected["labels"]) == 0
    assert np.mean(np.argmax(scores, axis=1) == digits.y_test) == model.metadata["test_accuracy"]


def test_thermometer_model_equals_qonnx_execution_and_round_trips(digits):
    # 16/3 is no float32: the graph holds float32 thresholds, metadata the exact ones.
    model = random_model(np.random.default_rng(1), (192, 40, 24, 10), (4.0, 16 / 3, 12.0))
    proto = to_qonnx(model, batch=len(digits.y_test))
    assert [node.op_type for node in proto.graph.node][:2] == ["Concat", "MultiThreshold"]
    scores = execute(proto, digits.x_test)
    expected = golden(model, digits.x_test)
    assert np.array_equal(scores, expected["scores"])
    assert np.array_equal(np.argmax(scores, axis=1), expected["labels"])
    back = from_qonnx(proto)
    assert back.sha256 == model.sha256 and back.metadata == model.metadata


def test_cli_round_trip_keeps_the_hash(tmp_path, capsys):
    assert main(["convert", "digits", "-o", str(tmp_path / "digits.onnx")]) == 0
    assert main(["convert", str(tmp_path / "digits.onnx"), "-o", str(tmp_path / "d.npz")]) == 0
    assert main(["convert", str(tmp_path / "d.npz"), "-o", str(tmp_path / "again.onnx")]) == 0
    assert load_model(tmp_path / "d.npz").sha256 == load_model().sha256
    assert (tmp_path / "digits.onnx").read_bytes() == (tmp_path / "again.onnx").read_bytes()
    assert f"sha256 {load_model().sha256[:12]}" in capsys.readouterr().out


class Graph:
    """A QONNX graph built from onnx helpers, as FINN or Brevitas would hand one over."""

    def __init__(self, features, batch=1):
        self.batch, self.nodes, self.initializers, self.datatypes = batch, [], [], {}
        self.current, self.features = "x", features

    def constant(self, name, array, datatype=None):
        self.initializers.append(numpy_helper.from_array(np.asarray(array, np.float32), name))
        if datatype:
            self.datatypes[name] = datatype
        return name

    def node(self, op_type, *constants, domain="", **attributes):
        output = f"t{len(self.nodes)}"
        name = f"{op_type}_{len(self.nodes)}"
        self.nodes.append(helper.make_node(op_type, [self.current, *constants], [output],
                                           name=name, domain=domain, **attributes))
        self.current = output
        return self

    def threshold(self, thresholds, scale=2.0, bias=-1.0):
        name = self.constant(f"thr{len(self.nodes)}", np.reshape(thresholds, (-1, 1)))
        return self.node("MultiThreshold", name, domain=QONNX_DOMAIN, out_dtype="BIPOLAR",
                         out_scale=scale, out_bias=bias)

    def matmul(self, weights, datatype="BIPOLAR"):
        return self.node("MatMul", self.constant(f"w{len(self.nodes)}", weights, datatype))

    def proto(self, n_out):
        graph = helper.make_graph(
            self.nodes, "test",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, (self.batch, self.features))],
            [helper.make_tensor_value_info(self.current, TensorProto.FLOAT, (self.batch, n_out))],
            initializer=self.initializers)
        wrapper = ModelWrapper(helper.make_model(graph, opset_imports=[
            helper.make_opsetid("", 13), helper.make_opsetid(QONNX_DOMAIN, 1)]))
        for name, datatype in self.datatypes.items():
            wrapper.set_tensor_datatype(name, DataType[datatype])
        return wrapper.transform(InferShapes()).model


def bipolar(rng, shape):
    return rng.choice([-1.0, 1.0], shape)


def finn_like(batch):
    """64 pixels -> 48 -> 32 -> 24 -> 10: batch-norm scales of both signs (and zero) before an
    inverted MultiThreshold, Sign after a half bias, BipolarQuant of weights and activations."""
    rng = np.random.default_rng(7)
    graph = Graph(64, batch).threshold(np.full(64, 8.0)).matmul(bipolar(rng, (64, 48)))
    gamma = rng.uniform(-1.5, 1.5, 48).astype(np.float32)
    gamma[:3] = 0, -1, 1
    graph.node("Mul", graph.constant("gamma", gamma))
    graph.node("Add", graph.constant("beta", rng.uniform(-6, 6, 48)))
    graph.threshold(np.zeros(48), scale=-2.0, bias=1.0)       # +1 below the threshold
    graph.matmul(bipolar(rng, (48, 32)))
    graph.node("Add", graph.constant("half", rng.choice([-0.5, 0.5, 2.5], 32)))
    graph.node("Sign")
    latent = graph.constant("latent", rng.normal(size=(32, 24)))
    graph.nodes.append(helper.make_node("BipolarQuant", [latent, graph.constant("one", 1.0)],
                                        ["w3"], name="BipolarQuant_w3", domain=QONNX_DOMAIN))
    graph.node("MatMul", "w3").node("Add", graph.constant("shift", rng.integers(-3, 4, 24)))
    graph.node("BipolarQuant", graph.constant("unit", 1.0), domain=QONNX_DOMAIN)
    graph.matmul(bipolar(rng, (24, 10))).node("Mul", graph.constant("quarter", 0.25))
    return graph.proto(10)


def test_imported_network_equals_qonnx_execution(digits, tmp_path, capsys):
    import onnx

    onnx.save(finn_like(1), tmp_path / "finn.onnx")
    assert main(["convert", str(tmp_path / "finn.onnx"), "-o", str(tmp_path / "finn.npz")]) == 0
    model = load_model(tmp_path / "finn.npz")
    assert model.layers == (64, 48, 32, 24, 10) and model.input_thresholds == (8.0,)
    outputs = execute(finn_like(len(digits.y_test)), digits.x_test)
    expected = golden(model, digits.x_test)
    assert np.array_equal(outputs, 0.25 * (2 * expected["scores"] - 24))
    assert np.array_equal(np.argmax(outputs, axis=1), expected["labels"])
    # Not a network that never switches: the hidden layers see both values.
    assert all(0.05 < layer.mean() < 0.95 for layer in expected["layers"])
    assert any(threshold.min() == 0 or threshold.max() == 49 for threshold in model.thresholds)


def rejected(proto):
    with pytest.raises(InputError) as error:
        from_qonnx(proto, name="bad.onnx")
    message = str(error.value)
    assert "\n" not in message
    return message


def test_four_bit_weights_are_named():
    rng = np.random.default_rng(0)
    graph = Graph(8).threshold(np.full(8, 0.5)).matmul(rng.integers(-8, 8, (8, 4)), "INT4")
    assert rejected(graph.proto(4)).startswith(
        "QONNX model bad.onnx: node MatMul_1 (MatMul) weights must be bipolar (+1/-1), not INT4")
    graph = Graph(8).threshold(np.full(8, 0.5))
    names = [graph.constant(name, value) for name, value in
             (("latent", rng.normal(size=(8, 4))), ("scale", 1.0), ("zero", 0.0), ("bits", 4.0))]
    graph.nodes.append(helper.make_node("Quant", names, ["w4"], name="Quant_w", domain=QONNX_DOMAIN,
                                        signed=1, narrow=0, rounding_mode="ROUND"))
    graph.node("MatMul", "w4")
    assert "node Quant_w (Quant) quantises constants to 4.0 bits: weights must be bipolar" in \
        rejected(graph.proto(4))


def test_convolution_and_unknown_ops_are_named():
    graph = Graph(8).threshold(np.full(8, 0.5))
    graph.node("Conv", graph.constant("kernel", np.ones((1, 1, 3))), kernel_shape=[3])
    message = rejected(graph.proto(8))
    assert message.startswith("QONNX model bad.onnx: node Conv_1 (Conv) is not supported: axbnn "
                              "reads fully connected binary networks: MatMul with bipolar")
    graph = Graph(8).threshold(np.full(8, 0.5)).node("Relu")
    assert "node Relu_1 (Relu) is not supported" in rejected(graph.proto(8))


def test_sign_of_zero_and_mixed_scores_are_named():
    rng = np.random.default_rng(0)
    graph = Graph(8).threshold(np.full(8, 0.5)).matmul(bipolar(rng, (8, 4))).node("Sign")
    graph.matmul(bipolar(rng, (4, 2)))
    assert "node Sign_2 (Sign) gives 0 (neither -1 nor +1) for neuron 0 at popcount 4" in \
        rejected(graph.proto(2))
    graph = Graph(8).threshold(np.full(8, 0.5)).matmul(bipolar(rng, (8, 2)))
    graph.node("Add", graph.constant("bias", [0.0, 1.0]))
    assert "outputs must be one strictly increasing function of the popcount" in \
        rejected(graph.proto(2))


def test_cli_names_unsupported_content(tmp_path, capsys):
    import onnx

    graph = Graph(8).threshold(np.full(8, 0.5)).node("Relu")
    onnx.save(graph.proto(8), tmp_path / "relu.onnx")
    assert main(["convert", str(tmp_path / "relu.onnx"), "-o", str(tmp_path / "x.npz")]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "node Relu_1 (Relu) is not supported" in error
    assert not (tmp_path / "x.npz").exists()


def test_missing_qonnx_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "qonnx.core.modelwrapper", None)
    missing = r"\(qonnx\.core\.modelwrapper is missing\)"
    with pytest.raises(FlowError, match=rf"^QONNX conversion needs onnx and qonnx {missing}: "
                                        r"pip install 'axbnn\[qonnx\]'$"):
        to_qonnx(load_model())
