"""Generates CLIP test models in the Hugging Face / Transformers.js repository layout.

Usage: generate_test_models.py OUT_DIR [--vit-b32]   (Debian python3-onnx, python3-numpy)

Writes, deterministically:
  OUT_DIR/clip-tiny/    the real interface (pixel_values -> image_embeds, input_ids +
                        attention_mask -> text_embeds, 512-dim, plus last_hidden_state) with
                        small random weights; onnx/{vision,text}_model{,_quantized}.onnx and
                        tokenizer.json.
  OUT_DIR/clip-colors/  a meaningful pair: an image's embedding encodes its mean colour and
                        darkness, a text's embedding the colour and darkness words in it ("red",
                        "green", "dark", ...), so a red image is nearest to red images and to the
                        text "red". input_ids only; vocab.json + merges.txt.
  OUT_DIR/clip-tiny-variants/  clip-tiny's encoders as fp32, fp16 and int8-quantised files
                        (model_variants.py: what the Hugging Face conversion makes).
  OUT_DIR/wrong-interface/  a vision model whose input is "images" and output "features".
  OUT_DIR/clip-vit-b32-random/  (--vit-b32, for benchmarks) ViT-B/32's shapes and cost with random
                        weights: 12 layers, width 768, 12 heads, 50 tokens, projection 512; its
                        vision encoder as fp32, fp16 and int8-quantised files.
Every folder also gets config.json, preprocessor_config.json and tokenizer_config.json.
"""
import gzip
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from model_variants import quantize_dynamic, to_fp16

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_GZ = os.path.join(HERE, "clip-bpe", "bpe_simple_vocab_16e6.txt.gz")
OPSET = 17
EMBED_DIM = 512
VOCAB_SIZE = 49408
CONTEXT = 77
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


# --- tokenizer files ----------------------------------------------------------------------------

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def clip_vocabulary():
    """CLIP's merges and its token -> id map (simple_tokenizer.py's construction)."""
    lines = gzip.open(VOCAB_GZ).read().decode("utf-8").split("\n")
    merges = lines[1:49152 - 256 - 2 + 1]
    vocab = bytes_to_unicode()
    vocab = vocab + [v + "</w>" for v in vocab]
    vocab += ["".join(m.split()) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    return merges, {token: i for i, token in enumerate(vocab)}


def write_tokenizer_json(folder, merges, vocab):
    special = [{"id": 49406, "content": "<|startoftext|>", "special": True},
               {"id": 49407, "content": "<|endoftext|>", "special": True}]
    tokenizer = {"version": "1.0", "added_tokens": special,
                 "model": {"type": "BPE", "vocab": vocab, "merges": merges, "end_of_word_suffix": "</w>",
                           "unk_token": "<|endoftext|>"}}
    write_json(os.path.join(folder, "tokenizer.json"), tokenizer)


def write_vocab_and_merges(folder, merges, vocab):
    write_json(os.path.join(folder, "vocab.json"), vocab)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False)


def write_common_files(folder, projection_dim=EMBED_DIM, hidden=768):
    os.makedirs(os.path.join(folder, "onnx"), exist_ok=True)
    write_json(os.path.join(folder, "config.json"), {
        "model_type": "clip", "projection_dim": projection_dim, "logit_scale_init_value": 2.6592,
        "text_config": {"vocab_size": VOCAB_SIZE, "max_position_embeddings": CONTEXT, "hidden_size": hidden,
                        "bos_token_id": 49406, "eos_token_id": 49407, "pad_token_id": 1},
        "vision_config": {"image_size": 224, "patch_size": 32, "hidden_size": hidden}})
    write_json(os.path.join(folder, "preprocessor_config.json"), {
        "crop_size": 224, "do_center_crop": True, "do_normalize": True, "do_resize": True,
        "feature_extractor_type": "CLIPFeatureExtractor", "image_mean": CLIP_MEAN, "image_std": CLIP_STD,
        "resample": 3, "size": 224})
    write_json(os.path.join(folder, "tokenizer_config.json"), {
        "tokenizer_class": "CLIPTokenizer", "model_max_length": CONTEXT, "bos_token": "<|startoftext|>",
        "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>", "do_lower_case": True})


# --- graph helpers ------------------------------------------------------------------------------

class Graph:
    def __init__(self):
        self.nodes, self.initializers, self.count = [], [], 0

    def const(self, array, dtype=np.float32):
        name = "c%d" % self.count
        self.count += 1
        self.initializers.append(numpy_helper.from_array(np.asarray(array, dtype=dtype), name))
        return name

    def op(self, op_type, inputs, **attrs):
        name = "t%d" % self.count
        self.count += 1
        self.nodes.append(helper.make_node(op_type, inputs, [name], **attrs))
        return name

    def output(self, op_type, inputs, out_name, **attrs):
        self.nodes.append(helper.make_node(op_type, inputs, [out_name], **attrs))
        return out_name

    def save(self, path, inputs, outputs):
        graph = helper.make_graph(self.nodes, "clip", inputs, outputs, self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                                  producer_name="clipscope test model generator")
        model.ir_version = 8
        onnx.checker.check_model(model)
        onnx.save(model, path)


PIXELS = helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch_size", 3, 224, 224])
IMAGE_EMBEDS = helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch_size", EMBED_DIM])
INPUT_IDS = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"])
ATTENTION = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "sequence_length"])
TEXT_EMBEDS = helper.make_tensor_value_info("text_embeds", TensorProto.FLOAT, ["batch_size", EMBED_DIM])


def hidden_output(width, tokens):
    return helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch_size", tokens, width])


def patch_tokens(g, width, rng):
    """pixel_values -> [batch, 49, width] patch tokens of a 32x32 stride-32 convolution."""
    kernel = g.const(rng.standard_normal((width, 3, 32, 32)) * 0.02)
    conv = g.op("Conv", ["pixel_values", kernel], kernel_shape=[32, 32], strides=[32, 32])
    flat = g.op("Reshape", [conv, g.const([0, width, 49], np.int64)])
    return g.op("Transpose", [flat], perm=[0, 2, 1])


def eos_pooled(g, hidden, width):
    """hidden [batch, seq, width] at each row's end token (the position of the largest id), as
    Hugging Face's CLIPTextTransformer pools."""
    eos = g.op("ArgMax", ["input_ids"], axis=1, keepdims=1)  # [batch, 1]
    index = g.op("Unsqueeze", [eos, g.const([2], np.int64)])  # [batch, 1, 1]
    shape = g.op("Concat", [g.op("Shape", [index], end=2), g.const([width], np.int64)], axis=0)
    expanded = g.op("Expand", [index, shape])  # [batch, 1, width]
    gathered = g.op("GatherElements", [hidden, expanded], axis=1)
    return g.op("Squeeze", [gathered, g.const([1], np.int64)])


# --- (a) tiny model with the real interface -----------------------------------------------------

def tiny_vision(path, rng, width=16):
    g = Graph()
    tokens = patch_tokens(g, width, rng)
    g.output("Tanh", [tokens], "last_hidden_state")
    pooled = g.op("ReduceMean", ["last_hidden_state"], axes=[1], keepdims=0)
    g.output("MatMul", [pooled, g.const(rng.standard_normal((width, EMBED_DIM)))], "image_embeds")
    g.save(path, [PIXELS], [IMAGE_EMBEDS, hidden_output(width, 49)])


def tiny_text(path, rng, width=8):
    g = Graph()
    embedded = g.op("Gather", [g.const(rng.standard_normal((VOCAB_SIZE, width)) * 0.5), "input_ids"], axis=0)
    mask = g.op("Unsqueeze", [g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT), g.const([2], np.int64)])
    length = g.op("Gather", [g.op("Shape", ["input_ids"]), g.const([1], np.int64)], axis=0)
    positions = g.op("Slice", [g.const(rng.standard_normal((CONTEXT, width)) * 0.1),
                               g.const([0], np.int64), length, g.const([0], np.int64)])
    hidden = g.op("Mul", [g.op("Add", [embedded, positions]), mask])
    # A running sum along the sequence, so the pooled token depends on the whole text.
    g.output("CumSum", [g.op("Tanh", [hidden]), g.const(1, np.int64)], "last_hidden_state")
    pooled = eos_pooled(g, "last_hidden_state", width)
    g.output("MatMul", [pooled, g.const(rng.standard_normal((width, EMBED_DIM)))], "text_embeds")
    g.save(path, [INPUT_IDS, ATTENTION], [TEXT_EMBEDS, hidden_output(width, "sequence_length")])


# --- (b) meaningful colour model ----------------------------------------------------------------

# Feature axes: red, green, blue (colour relative to the pixel's grey level), darkness, bias.
COLOUR_WORDS = {
    "red": (1, 0, 0), "green": (0, 1, 0), "blue": (0, 0, 1), "yellow": (1, 1, 0),
    "teal": (0, 1, 1), "magenta": (1, 0, 1), "purple": (0.5, 0, 1), "orange": (1, 0.5, 0),
}
BRIGHTNESS_WORDS = {"dark": 1.0, "black": 1.0, "night": 1.0, "bright": -1.0, "light": -1.0, "white": -1.0}
COLOUR_GAIN = 2.0
BIAS = 0.1


def colour_features(rgb):
    """The feature vector of an image of mean colour rgb (0..1): what the vision model computes."""
    r, g, b = rgb
    grey = (r + g + b) / 3
    return np.array([COLOUR_GAIN * (r - grey), COLOUR_GAIN * (g - grey), COLOUR_GAIN * (b - grey),
                     0.5 - grey, BIAS])


def spread_matrix(rng):
    """5 orthonormal rows in 512 dims: embeddings look dense, cosines stay those of the features."""
    q, _ = np.linalg.qr(rng.standard_normal((EMBED_DIM, 5)))
    return q.T


def colours_vision(path, spread):
    g = Graph()
    mean = g.op("ReduceMean", ["pixel_values"], axes=[2, 3], keepdims=0)  # [batch, 3], normalised
    rgb = g.op("Add", [g.op("Mul", [mean, g.const(CLIP_STD)]), g.const(CLIP_MEAN)])  # back to 0..1
    linear = np.zeros((3, 5))
    for c in range(3):
        linear[c, :3] = -COLOUR_GAIN / 3
        linear[c, c] += COLOUR_GAIN
        linear[c, 3] = -1 / 3
    features = g.op("Add", [g.op("MatMul", [rgb, g.const(linear)]), g.const([0, 0, 0, 0.5, BIAS])])
    g.output("MatMul", [features, g.const(spread)], "image_embeds")
    g.save(path, [PIXELS], [IMAGE_EMBEDS])


def colours_text(path, spread, vocab):
    table = np.zeros((VOCAB_SIZE, 5))
    for word, rgb in COLOUR_WORDS.items():
        table[vocab[word + "</w>"], :3] = colour_features(rgb)[:3]
    for word, darkness in BRIGHTNESS_WORDS.items():
        table[vocab[word + "</w>"], 3] = darkness
    g = Graph()
    words = g.op("Gather", [g.const(table), "input_ids"], axis=0)  # [batch, seq, 5]
    summed = g.op("ReduceSum", [words, g.const([1], np.int64)], keepdims=0)
    features = g.op("Add", [summed, g.const([0, 0, 0, 0, BIAS])])
    g.output("MatMul", [features, g.const(spread)], "text_embeds")
    g.save(path, [INPUT_IDS], [TEXT_EMBEDS])


# --- (c) ViT-B/32 shapes with random weights (benchmarks) ---------------------------------------

def layer_norm(g, x, width, rng):
    return g.op("LayerNormalization", [x, g.const(1 + 0.01 * rng.standard_normal(width)),
                                       g.const(0.01 * rng.standard_normal(width))], axis=-1, epsilon=1e-5)


def encoder_layer(g, x, width, heads, rng, tokens):
    """A pre-LN transformer block as CLIP's: attention then an MLP with quick_gelu."""
    head = width // heads
    h = layer_norm(g, x, width, rng)
    qkv = []
    for _ in range(3):
        proj = g.op("Add", [g.op("MatMul", [h, g.const(rng.standard_normal((width, width)) * 0.02)]),
                            g.const(np.zeros(width))])
        split = g.op("Reshape", [proj, g.const([0, tokens, heads, head], np.int64)])
        qkv.append(g.op("Transpose", [split], perm=[0, 2, 1, 3]))
    q, k, v = qkv
    scores = g.op("Mul", [g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])]),
                          g.const(1 / np.sqrt(head))])
    attended = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
    merged = g.op("Reshape", [g.op("Transpose", [attended], perm=[0, 2, 1, 3]),
                              g.const([0, tokens, width], np.int64)])
    out = g.op("MatMul", [merged, g.const(rng.standard_normal((width, width)) * 0.02)])
    x = g.op("Add", [x, out])
    h = layer_norm(g, x, width, rng)
    up = g.op("MatMul", [h, g.const(rng.standard_normal((width, 4 * width)) * 0.02)])
    gelu = g.op("Mul", [up, g.op("Sigmoid", [g.op("Mul", [up, g.const(1.702)])])])
    down = g.op("MatMul", [gelu, g.const(rng.standard_normal((4 * width, width)) * 0.02)])
    return g.op("Add", [x, down])


def vit_b32_vision(path, rng, width=768, layers=12, heads=12):
    g = Graph()
    tokens = patch_tokens(g, width, rng)
    batch = g.op("Slice", [g.op("Shape", ["pixel_values"]), g.const([0], np.int64), g.const([1], np.int64),
                           g.const([0], np.int64)])
    cls_shape = g.op("Concat", [batch, g.const([1, width], np.int64)], axis=0)
    cls = g.op("Expand", [g.const(rng.standard_normal((1, 1, width)) * 0.02), cls_shape])
    x = g.op("Add", [g.op("Concat", [cls, tokens], axis=1), g.const(rng.standard_normal((50, width)) * 0.01)])
    x = layer_norm(g, x, width, rng)
    for _ in range(layers):
        x = encoder_layer(g, x, width, heads, rng, 50)
    g.output("Identity", [x], "last_hidden_state")
    pooled = layer_norm(g, g.op("Gather", ["last_hidden_state", g.const(0, np.int64)], axis=1), width, rng)
    g.output("MatMul", [pooled, g.const(rng.standard_normal((width, EMBED_DIM)) * 0.02)], "image_embeds")
    g.save(path, [PIXELS], [IMAGE_EMBEDS, hidden_output(width, 50)])


def write_variants(stem):
    """stem.onnx (fp32) -> stem_fp16.onnx and stem_quantized.onnx."""
    for suffix, convert in (("_fp16", to_fp16), ("_quantized", quantize_dynamic)):
        model = convert(onnx.load(stem + ".onnx"))
        onnx.checker.check_model(model)
        onnx.save(model, stem + suffix + ".onnx")


def main():
    out_dir = sys.argv[1]
    merges, vocab = clip_vocabulary()

    tiny = os.path.join(out_dir, "clip-tiny")
    write_common_files(tiny, hidden=16)
    for suffix in ("", "_quantized"):
        tiny_vision(os.path.join(tiny, "onnx", "vision_model%s.onnx" % suffix), np.random.default_rng(1))
        tiny_text(os.path.join(tiny, "onnx", "text_model%s.onnx" % suffix), np.random.default_rng(2))
    write_tokenizer_json(tiny, merges, vocab)

    variants = os.path.join(out_dir, "clip-tiny-variants")
    write_common_files(variants, hidden=16)
    tiny_vision(os.path.join(variants, "onnx", "vision_model.onnx"), np.random.default_rng(1))
    tiny_text(os.path.join(variants, "onnx", "text_model.onnx"), np.random.default_rng(2))
    for encoder in ("vision", "text"):
        write_variants(os.path.join(variants, "onnx", "%s_model" % encoder))
    write_tokenizer_json(variants, merges, vocab)

    colours = os.path.join(out_dir, "clip-colors")
    write_common_files(colours, hidden=5)
    spread = spread_matrix(np.random.default_rng(3))
    colours_vision(os.path.join(colours, "onnx", "vision_model.onnx"), spread)
    colours_text(os.path.join(colours, "onnx", "text_model.onnx"), spread, vocab)
    write_vocab_and_merges(colours, merges, vocab)
    write_json(os.path.join(colours, "colour_words.json"),
               {"colours": list(COLOUR_WORDS), "brightness": list(BRIGHTNESS_WORDS)})

    wrong = os.path.join(out_dir, "wrong-interface")
    write_common_files(wrong)
    g = Graph()
    g.output("ReduceMean", ["images"], "features", axes=[2, 3], keepdims=0)
    g.save(os.path.join(wrong, "onnx", "vision_model.onnx"),
           [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["batch_size", 3, 224, 224])],
           [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch_size", 3])])
    tiny_text(os.path.join(wrong, "onnx", "text_model.onnx"), np.random.default_rng(2))
    write_tokenizer_json(wrong, merges, vocab)

    if "--vit-b32" in sys.argv[2:]:
        vit = os.path.join(out_dir, "clip-vit-b32-random")
        write_common_files(vit)
        vit_b32_vision(os.path.join(vit, "onnx", "vision_model.onnx"), np.random.default_rng(4))
        write_variants(os.path.join(vit, "onnx", "vision_model"))
        write_tokenizer_json(vit, merges, vocab)
    print("test models written to", out_dir)


if __name__ == "__main__":
    main()
