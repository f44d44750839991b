"""The fp16 and int8 variants of an fp32 ONNX model, made the way the Hugging Face / Transformers.js
conversion makes `*_fp16.onnx` and `*_quantized.onnx`:

- to_fp16: every float32 weight stored as float16 and every float tensor computed in float16, the
  model's inputs and outputs kept float32 (a Cast after each input and before each output), as
  onnxconverter-common's convert_float_to_float16(keep_io_types=True).
- quantize_dynamic: each MatMul whose second input is a weight becomes onnxruntime's dynamic
  quantization pattern (quantize_dynamic with MatMulConstBOnly, per tensor, uint8 weights):
  DynamicQuantizeLinear of the activations, MatMulInteger with the uint8 weights, then the
  int32 result scaled back to float32. Everything else stays float32.
"""
import numpy as np
from onnx import TensorProto, helper, numpy_helper


def _rename_uses(nodes, old, new):
    for node in nodes:
        for i, name in enumerate(node.input):
            if name == old:
                node.input[i] = new


def to_fp16(model):
    graph = model.graph
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT:
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name))
    nodes = list(graph.node)
    for node in nodes:
        # Casts to float32 inside the graph (e.g. of a mask) now cast to float16.
        if node.op_type == "Cast":
            for attr in node.attribute:
                if attr.name == "to" and attr.i == TensorProto.FLOAT:
                    attr.i = TensorProto.FLOAT16
    head, tail = [], []
    for value in graph.input:
        if value.type.tensor_type.elem_type == TensorProto.FLOAT:
            cast = value.name + "_fp16"
            _rename_uses(nodes, value.name, cast)
            head.append(helper.make_node("Cast", [value.name], [cast], to=TensorProto.FLOAT16))
    for value in graph.output:
        if value.type.tensor_type.elem_type == TensorProto.FLOAT:
            inner = value.name + "_fp16"
            for node in nodes:
                for i, name in enumerate(node.output):
                    if name == value.name:
                        node.output[i] = inner
            _rename_uses(nodes, value.name, inner)
            tail.append(helper.make_node("Cast", [inner], [value.name], to=TensorProto.FLOAT))
    del graph.node[:]
    graph.node.extend(head + nodes + tail)
    del graph.value_info[:]
    return model


def _quantize_uint8(weights):
    """Asymmetric per-tensor uint8 with zero representable, as onnxruntime's quantizer."""
    low, high = min(float(weights.min()), 0.0), max(float(weights.max()), 0.0)
    scale = (high - low) / 255 if high > low else 1.0
    zero = int(np.clip(round(-low / scale), 0, 255))
    codes = np.clip(np.round(weights / scale) + zero, 0, 255).astype(np.uint8)
    return codes, np.float32(scale), np.uint8(zero)


def quantize_dynamic(model):
    graph = model.graph
    weights = {init.name: init for init in graph.initializer}
    nodes = []
    for node in graph.node:
        weight = weights.get(node.input[1]) if node.op_type == "MatMul" else None
        if weight is None or len(weight.dims) != 2:
            nodes.append(node)
            continue
        a, y = node.input[0], node.output[0]
        codes, scale, zero = _quantize_uint8(numpy_helper.to_array(weight))
        w = weight.name
        graph.initializer.extend([
            numpy_helper.from_array(codes, w + "_quantized"),
            numpy_helper.from_array(np.array(scale), w + "_scale"),
            numpy_helper.from_array(np.array(zero), w + "_zero_point"),
        ])
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [a], [y + "_a", y + "_a_scale", y + "_a_zero"]),
            helper.make_node("MatMulInteger", [y + "_a", w + "_quantized", y + "_a_zero", w + "_zero_point"],
                             [y + "_int32"]),
            helper.make_node("Cast", [y + "_int32"], [y + "_float"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [y + "_a_scale", w + "_scale"], [y + "_scale"]),
            helper.make_node("Mul", [y + "_float", y + "_scale"], [y]),
        ]
    used = {name for node in nodes for name in node.input}
    kept = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    del graph.node[:]
    graph.node.extend(nodes)
    return model
