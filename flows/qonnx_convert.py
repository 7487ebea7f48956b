"""Binary networks in and out of QONNX, the ONNX dialect FINN and Brevitas exchange.

The engine's arithmetic as a QONNX graph (what :func:`to_qonnx` writes, ``N`` the batch):

1. ``global_in`` ``(N, f)`` FLOAT32: the raw features.
2. ``Concat`` of ``L`` copies (only for ``L > 1`` input thresholds) ``(N, f * L)``: column
   ``level * f + i`` holds ``x[i]``, the order of the model's thermometer bits.
3. ``MultiThreshold`` with one threshold per column (``input_thresholds[level]`` for block
   ``level``), ``out_scale = 2``, ``out_bias = -1``: a BIPOLAR bit, ``+1`` where
   ``x[i] >= input_thresholds[level]``.
4. Per layer ``MatMul`` by a BIPOLAR ``(n_in, n_out)`` matrix (``+1`` for a weight bit 1): the
   pre-activation ``s = 2 p - n_in``, ``p`` the XNOR popcount.
5. Per hidden layer ``MultiThreshold`` with one threshold per neuron, ``2 t - n_in`` (``t`` the
   model's popcount threshold: ``s >= 2 t - n_in`` exactly when ``p >= t``), BIPOLAR out.
6. After the last ``MatMul``: ``Add n_in`` then ``Mul 0.5``, so ``global_out`` ``(N, classes)``
   holds the popcounts themselves, the engine's class scores (every step is exact in float32).

Thresholds are float32 in the graph, as FINN has them; the exact float64 input thresholds and
the model's metadata ride along in the model's ``metadata_props`` (``axbnn.*``), so a round trip
keeps the model's hash.

:func:`from_qonnx` reads that form and more: a chain of ``MatMul`` layers whose weights are
``+1``/``-1`` (an initializer, or a ``BipolarQuant`` of one), any scalar or per-neuron
``Add``/``Sub``/``Mul``/``Div`` between a ``MatMul`` and its activation (batch norm, negative
scales included: those neurons get complemented weights), ``MultiThreshold`` (one threshold per
neuron), ``Sign`` or ``BipolarQuant`` activations giving ``-1``/``+1``, and a last ``MatMul``
whose outputs (after the same affine map for every class, strictly increasing) are the scores.
The input is either BIPOLAR (input threshold 0) or a ``MultiThreshold`` of the features, shared by
every feature, possibly of ``Concat``-ed copies (the thermometer code), after ``Flatten`` or
``Reshape``. Each neuron's activation is evaluated in float32, as the executor does, on every
popcount it can see, so the integer thresholds are exact, not rounded guesses.

onnx and qonnx are imported when a function runs: ``pip install 'axbnn[qonnx]'``.
"""

import json
from pathlib import Path

import numpy as np

from ..hwgen.bnn_model import BNNModel, load_model
from ..hwgen.errors import FlowError, InputError
from ..hwgen.files import write_atomically
from ..hwgen.models import SHIPPED_MODELS

__all__ = ["to_qonnx", "from_qonnx", "convert", "QONNX_DOMAIN"]

QONNX_DOMAIN = "qonnx.custom_op.general"
#: The ONNX opset of the standard nodes written (Concat, MatMul, Add, Mul).
OPSET = 13

SUPPORTED = ("axbnn reads fully connected binary networks: MatMul with bipolar (+1/-1) weights, "
             "MultiThreshold/Sign/BipolarQuant activations, Add/Sub/Mul/Div before them, "
             "Concat/Flatten/Reshape of the input")


def _qonnx():
    """``(onnx, ModelWrapper, DataType)``, or a one-line error naming the extra to install."""
    try:
        import onnx
        from qonnx.core.datatype import DataType
        from qonnx.core.modelwrapper import ModelWrapper
    except ImportError as reason:
        raise FlowError(f"QONNX conversion needs onnx and qonnx ({reason.name} is missing): "
                        f"pip install 'axbnn[qonnx]'") from None
    return onnx, ModelWrapper, DataType


def to_qonnx(model, *, batch=1):
    """The QONNX graph (an ``onnx.ModelProto``) of ``model`` for inputs of ``batch`` samples;
    see the module docstring for its form."""
    onnx, ModelWrapper, DataType = _qonnx()
    from onnx import TensorProto, helper, numpy_helper

    levels, features = len(model.input_thresholds), model.n_features
    nodes, initializers, tensors, bipolar = [], [], [], []

    def constant(name, array):
        initializers.append(numpy_helper.from_array(np.asarray(array, dtype=np.float32), name))
        return name

    def tensor(name, width):
        tensors.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, (batch, width)))
        return name

    def multithreshold(index, source, thresholds):
        name = f"MultiThreshold_{index}"
        output = tensor(f"bits_{index}", len(thresholds))
        nodes.append(helper.make_node(
            "MultiThreshold", [source, constant(f"thresholds_{index}", thresholds[:, None])],
            [output], name=name, domain=QONNX_DOMAIN, out_dtype="BIPOLAR", out_scale=2.0,
            out_bias=-1.0))
        bipolar.append(output)
        return output

    current = "global_in"
    if levels > 1:
        current = tensor("thermometer_in", features * levels)
        nodes.append(helper.make_node("Concat", ["global_in"] * levels, [current],
                                      name="Concat_0", axis=1))
    current = multithreshold(0, current, np.repeat(model.input_thresholds, features))
    for index, weights in enumerate(model.weights):
        n_out, n_in = weights.shape
        matrix = constant(f"weights_{index}", 2.0 * weights.T - 1.0)
        bipolar.append(matrix)
        sums = tensor(f"sums_{index}", n_out)
        nodes.append(helper.make_node("MatMul", [current, matrix], [sums], name=f"MatMul_{index}"))
        if index < len(model.thresholds):
            current = multithreshold(index + 1, sums, 2 * model.thresholds[index] - n_in)
        else:
            twice = tensor("twice_scores", n_out)
            nodes.append(helper.make_node("Add", [sums, constant("score_offset", n_in)], [twice],
                                          name="Add_scores"))
            nodes.append(helper.make_node("Mul", [twice, constant("score_scale", 0.5)],
                                          ["global_out"], name="Mul_scores"))

    graph = helper.make_graph(
        nodes, "axbnn_bnn",
        [helper.make_tensor_value_info("global_in", TensorProto.FLOAT, (batch, features))],
        [helper.make_tensor_value_info("global_out", TensorProto.FLOAT,
                                       (batch, model.n_classes))],
        initializer=initializers, value_info=tensors)
    proto = helper.make_model(graph, producer_name="axbnn", opset_imports=[
        helper.make_opsetid("", OPSET), helper.make_opsetid(QONNX_DOMAIN, 1)])
    helper.set_model_props(proto, {
        "axbnn.input_thresholds": json.dumps(list(model.input_thresholds)),
        "axbnn.metadata": json.dumps(model.metadata, sort_keys=True)})
    wrapper = ModelWrapper(proto)
    wrapper.set_tensor_datatype("global_in", DataType["FLOAT32"])
    for name in bipolar:
        wrapper.set_tensor_datatype(name, DataType["BIPOLAR"])
    return wrapper.model


class _Reader:
    """Walks a QONNX graph as a chain of layers, keeping for the current layer each neuron's
    value (float32, as the executor computes it) for every popcount ``p = 0..n_in``."""

    def __init__(self, wrapper, name):
        from onnx import numpy_helper

        self.wrapper, self.name = wrapper, name
        graph = wrapper.graph
        self.constants = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
        inputs = [tensor for tensor in graph.input if tensor.name not in self.constants]
        if len(inputs) != 1 or len(graph.output) != 1:
            raise InputError(f"QONNX model {name} must have one input and one output, not "
                             f"{len(inputs)} and {len(graph.output)}")
        self.input, self.output = inputs[0].name, graph.output[0].name
        dims = [dim.dim_value for dim in inputs[0].type.tensor_type.shape.dim]
        if len(dims) < 2 or not all(dims[1:]):
            raise InputError(f"QONNX model {name}: input {self.input} must have a known shape "
                             f"(batch, features...), not {dims}")
        self.features = int(np.prod(dims[1:]))
        self.current = self.input
        self.stage = "input"      # then "bits" (after an activation) or "sums" (after MatMul)
        self.copies = 1           # of the input, concatenated for a thermometer code
        self.levels = None        # the input thresholds, once the input is binarised
        self.fire = None          # (neurons, n_in + 1) bool: when each output takes ``on``
        self.on = self.off = None  # the two values of the activation, float32
        self.values = None        # (n_out, n_in + 1) float32 during "sums"
        self.weights, self.thresholds = [], []

    def error(self, node, message):
        return InputError(f"QONNX model {self.name}: node {node.name or '(unnamed)'} "
                          f"({node.op_type}) {message}")

    def constant(self, node, name):
        if name not in self.constants:
            raise self.error(node, f"needs a constant (an initializer) for {name}")
        return self.constants[name]

    def attribute(self, node, name, default):
        from onnx import helper

        for attribute in node.attribute:
            if attribute.name == name:
                return helper.get_attribute_value(attribute)
        return default

    def read(self):
        for node in self.wrapper.graph.node:
            data = [name for name in node.input if name and name not in self.constants]
            if not data:
                self.fold(node)
                continue
            if set(data) != {self.current}:
                raise self.error(node, f"does not take the output of the previous layer "
                                       f"({self.current}); {SUPPORTED}")
            handler = getattr(self, f"on_{node.op_type}", None)
            if node.domain not in ("", "ai.onnx", QONNX_DOMAIN, "onnx.brevitas",
                                   "finn.custom_op.general") or handler is None:
                raise self.error(node, f"is not supported: {SUPPORTED}")
            handler(node)
            self.current = node.output[0]
        if self.current != self.output:
            raise InputError(f"QONNX model {self.name}: the chain of layers ends at "
                             f"{self.current}, not at the output {self.output}")
        if self.stage != "sums":
            raise InputError(f"QONNX model {self.name}: the last layer must be a MatMul whose "
                             f"outputs are the class scores")
        self.scores()
        return self

    def fold(self, node):
        """A node of constants only: a BipolarQuant of weights, or an error."""
        if node.op_type == "BipolarQuant":
            values, scale = (self.constants[name] for name in node.input[:2])
            self.constants[node.output[0]] = np.where(values >= 0, 1.0, -1.0) * scale
        elif node.op_type == "Quant":
            bits = self.constants.get(node.input[3]) if len(node.input) > 3 else None
            raise self.error(node, f"quantises constants to {bits} bits: weights must be "
                                   f"bipolar (+1/-1, or BipolarQuant of unit scale); {SUPPORTED}")
        else:
            raise self.error(node, f"on constants is not supported: {SUPPORTED}")

    # --- the input, before it is binarised ---------------------------------------------------

    def on_Flatten(self, node):
        self.expect(node, "input")

    def on_Reshape(self, node):
        self.expect(node, "input")
        shape = self.constant(node, node.input[1]).reshape(-1)
        if len(shape) != 2 or shape[1] not in (-1, self.features):
            raise self.error(node, f"must reshape to (batch, {self.features}), not {list(shape)}")

    def on_Concat(self, node):
        self.expect(node, "input")
        if self.attribute(node, "axis", None) not in (1, -1) or self.copies != 1:
            raise self.error(node, "must concatenate copies of the input along axis 1 (a "
                                   "thermometer code)")
        self.copies = len(node.input)

    def expect(self, node, stage):
        if self.stage != stage:
            where = {"input": "before the input is binarised", "bits": "after an activation",
                     "sums": "between a MatMul and its activation"}[stage]
            raise self.error(node, f"is supported only {where}; {SUPPORTED}")

    # --- arithmetic ----------------------------------------------------------------------------

    def affine(self, node, operation):
        constant_name = next(name for name in node.input if name in self.constants)
        constant = self.constant(node, constant_name).astype(np.float32)
        first = node.input[0] == self.current
        if self.stage == "sums":
            n_out = self.values.shape[0]
            if constant.size not in (1, n_out) or constant.ndim > 2:
                raise self.error(node, f"must apply one constant or one per neuron ({n_out}), "
                                       f"not shape {constant.shape}")
            column = constant.reshape(-1, 1)
            self.values = operation(self.values, column) if first else operation(column,
                                                                                 self.values)
        elif self.stage == "bits" and constant.size == 1:
            value = constant.reshape(())
            self.on, self.off = ((operation(self.on, value), operation(self.off, value)) if first
                                 else (operation(value, self.on), operation(value, self.off)))
        else:
            raise self.error(node, f"is supported between a MatMul and its activation, or with "
                                   f"one constant after an activation; {SUPPORTED}")

    def on_Add(self, node):
        self.affine(node, np.add)

    def on_Sub(self, node):
        self.affine(node, np.subtract)

    def on_Mul(self, node):
        self.affine(node, np.multiply)

    def on_Div(self, node):
        self.affine(node, np.divide)

    # --- layers --------------------------------------------------------------------------------

    def on_MatMul(self, node):
        if node.input[0] != self.current:
            raise self.error(node, "must multiply the previous layer's output by the weights")
        if self.stage == "input":
            datatype = self.wrapper.get_tensor_datatype(self.current).name
            if datatype != "BIPOLAR" or self.copies != 1:
                raise self.error(node, f"takes the input as it is ({datatype}): it must be "
                                       f"BIPOLAR or binarised by a MultiThreshold first")
            self.levels, self.on, self.off = [0.0], np.float32(1), np.float32(-1)
            self.fire = None
        elif self.stage == "sums":
            raise self.error(node, "follows a MatMul without an activation in between")
        weights = self.constant(node, node.input[1])
        n_in = self.features * self.copies if not self.weights else len(self.weights[-1])
        datatype = self.wrapper.get_tensor_datatype(node.input[1]).name
        if weights.ndim != 2 or weights.shape[0] != n_in:
            raise self.error(node, f"weights must have shape ({n_in}, outputs), not "
                                   f"{weights.shape}")
        if not np.all(np.abs(weights) == 1):
            odd = weights[np.abs(weights) != 1].flat[0]
            raise self.error(node, f"weights must be bipolar (+1/-1), not {datatype} (such as "
                                   f"{odd:g}); {SUPPORTED}")
        if {float(self.on), float(self.off)} != {1.0, -1.0}:
            raise self.error(node, f"inputs must be -1 and +1, not {float(self.off):g} and "
                                   f"{float(self.on):g}")
        self.finish_layer(node, invert=self.on < 0)
        bits = (weights.T > 0).astype(np.uint8)
        n_out = bits.shape[0]
        self.weights.append(bits)
        self.values = np.broadcast_to(2 * np.arange(n_in + 1, dtype=np.float32) - n_in,
                                      (n_out, n_in + 1)).copy()
        self.stage = "sums"

    def finish_layer(self, node, *, invert):
        """The previous layer's bits as ``p >= threshold``: its ``fire`` table, complemented
        where its ``-1`` means fired, must be a step up (or down: complement the weights)."""
        if self.fire is None:           # the input: thresholds are the levels themselves
            if invert:
                raise self.error(node, "takes an input bit that is +1 below its threshold; the "
                                       "thermometer code needs +1 at or above it")
            return
        bits = self.fire ^ invert
        n_in = bits.shape[1] - 1
        rising = np.all(bits[:, 1:] >= bits[:, :-1], axis=1)
        falling = np.all(bits[:, 1:] <= bits[:, :-1], axis=1)
        if not np.all(rising | falling):
            neuron = int(np.flatnonzero(~(rising | falling))[0])
            raise self.error(node, f"input {neuron} does not switch once over its popcounts")
        flip = falling & ~rising
        bits[flip] = bits[flip, ::-1]
        self.weights[-1][flip] ^= 1
        self.thresholds.append(np.where(bits.any(axis=1), np.argmax(bits, axis=1),
                                        n_in + 1).astype(np.int64))

    def activation(self, node, fire, on, off):
        self.fire, self.on, self.off = fire, np.float32(on), np.float32(off)
        self.stage, self.values = "bits", None

    def on_MultiThreshold(self, node):
        thresholds = self.constant(node, node.input[1])
        scale = self.attribute(node, "out_scale", 1.0)
        bias = self.attribute(node, "out_bias", 0.0)
        on, off = np.float32(scale) + np.float32(bias), np.float32(bias)
        if thresholds.ndim != 2 or thresholds.shape[1] != 1:
            raise self.error(node, f"must have one threshold per channel (shape (channels, 1)) "
                                   f"for a binary output, not shape {thresholds.shape}")
        if self.stage == "input":
            width = self.features * self.copies
            column = np.broadcast_to(thresholds[:, 0], (width,)).reshape(self.copies, -1)
            if thresholds.shape[0] not in (1, width) or np.any(column != column[:, :1]):
                raise self.error(node, "must give every input feature the same thresholds "
                                       "(a thermometer code)")
            levels = column[:, 0]
            if np.any(np.diff(levels) <= 0):
                raise self.error(node, f"thresholds of the input copies must ascend, not "
                                       f"{levels.tolist()}")
            self.levels = [float(level) for level in levels]
            self.activation(node, None, on, off)
        else:
            self.expect(node, "sums")
            if thresholds.shape[0] not in (1, self.values.shape[0]):
                raise self.error(node, f"must have one threshold per neuron, not "
                                       f"{thresholds.shape[0]}")
            self.activation(node, self.values >= thresholds.reshape(-1, 1), on, off)

    def on_Sign(self, node):
        self.expect(node, "sums")
        zero = np.argwhere(self.values == 0)
        if len(zero):
            neuron, count = zero[0]
            raise self.error(node, f"gives 0 (neither -1 nor +1) for neuron {neuron} at popcount "
                                   f"{count}; shift its input or use MultiThreshold")
        self.activation(node, self.values > 0, 1, -1)

    def on_BipolarQuant(self, node):
        self.expect(node, "sums")
        scale = self.constant(node, node.input[1]).astype(np.float32)
        if scale.size != 1:
            raise self.error(node, "must have one scale")
        self.activation(node, self.values >= 0, scale.reshape(()), -scale.reshape(()))

    def scores(self):
        """The last layer's outputs must rank classes as their popcounts do, ties included."""
        values = self.values
        if np.any(values != values[:1]) or np.any(np.diff(values[0]) <= 0):
            raise InputError(f"QONNX model {self.name}: the outputs must be one strictly "
                             f"increasing function of the popcount for every class (one scale "
                             f"and offset), so the class is their argmax")
        self.score_values = values[0]


def from_qonnx(source, *, name=None):
    """The :class:`~hwgen.bnn_model.BNNModel` of a QONNX model (a path or an
    ``onnx.ModelProto``); see the module docstring for what is supported."""
    onnx, ModelWrapper, _ = _qonnx()
    if isinstance(source, (str, Path)):
        name = name or str(source)
        try:
            proto = onnx.load(str(source))
        except OSError as reason:
            raise InputError(f"QONNX model {source} cannot be read: "
                             f"{reason.strerror or reason}") from None
        except Exception:  # protobuf's DecodeError, whatever the protobuf version
            raise InputError(f"QONNX model {source} is not a valid ONNX file") from None
    else:
        proto, name = source, name or "(in memory)"
    reader = _Reader(ModelWrapper(proto), name).read()
    props = {prop.key: prop.value for prop in proto.metadata_props}
    levels = reader.levels
    exact = props.get("axbnn.input_thresholds")
    if exact:
        exact = [float(level) for level in json.loads(exact)]
        if (len(exact) == len(levels)
                and np.array_equal(np.float32(exact), np.float32(levels))):
            levels = exact
    try:
        metadata = json.loads(props.get("axbnn.metadata", "{}"))
    except json.JSONDecodeError:
        metadata = {}
    if not isinstance(metadata, dict) or not metadata:
        metadata = {"imported_from": Path(name).name}
    weights = tuple(reader.weights)
    layers = tuple([weights[0].shape[1]] + [bits.shape[0] for bits in weights])
    return BNNModel(layers, weights, tuple(reader.thresholds), tuple(levels), metadata)


def convert(source, output):
    """``source`` (``.onnx``, ``.npz`` or a shipped model's name) written to ``output``
    (``.npz`` or ``.onnx``, the other form); returns the model."""
    source, output = str(source), Path(output)
    if source.endswith(".onnx"):
        if output.suffix != ".npz":
            raise InputError(f"A QONNX model converts to MODEL.npz, not {output}")
        model = from_qonnx(source)
        model.save(output)
        return model
    if output.suffix != ".onnx":
        raise InputError(f"A model ({source}) converts to MODEL.onnx, not {output}")
    if not source.endswith(".npz") and source not in SHIPPED_MODELS:
        raise InputError(f"Convert takes MODEL.onnx, MODEL.npz or a shipped model "
                         f"({', '.join(SHIPPED_MODELS)}), not {source}")
    model = load_model(SHIPPED_MODELS.get(source, source))
    write_atomically(output, to_qonnx(model).SerializeToString())
    return model
