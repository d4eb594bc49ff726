"""aeviz.decoder_export: the decoder as plain data holds everything needed to decode, for every family aeviz builds.

The reference below runs the exported layers in NumPy the way aeviz/static/decoder.js does, so the format is checked
without a browser; tests/e2e/test_browser_decoder.py checks the JavaScript itself against torch.
"""

import base64
import json

import numpy as np
import pytest
from torch import nn

from aeviz import AevizError
from aeviz.decoder_export import _layer, export_decoder, payload_bytes
from aeviz.latent import decode
from aeviz.models import ARCHS, ModelConfig, build_model


def decode_reference(exported: dict, z: np.ndarray) -> np.ndarray:
    """The exported decoder run in NumPy, layer by layer as decoder.js does: a check that the data alone suffices.

    z : ndarray of shape (latent_dim,); returns (n_features,) float64.
    """
    x = np.asarray(z, dtype=np.float64)
    for layer in exported["layers"]:
        x = _apply(layer, x)
    return x.reshape(-1)


def _weights(layer: dict, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    weight = np.frombuffer(base64.b64decode(layer["weight"]), dtype="<f4").reshape(shape)
    return weight.astype(np.float64), np.frombuffer(base64.b64decode(layer["bias"]), dtype="<f4").astype(np.float64)


def _apply(layer: dict, x: np.ndarray) -> np.ndarray:
    kind = layer["type"]
    if kind == "linear":
        weight, bias = _weights(layer, (layer["out"], layer["in"]))
        return weight @ x.reshape(-1) + bias
    if kind == "conv2d":
        kh, kw = layer["kernel"]
        ph, pw = layer["padding"]
        weight, bias = _weights(layer, (layer["out"], layer["in"], kh, kw))
        padded = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
        h, w = padded.shape[1] - kh + 1, padded.shape[2] - kw + 1
        windows = np.lib.stride_tricks.sliding_window_view(padded, (kh, kw), axis=(1, 2))[:, :h, :w]
        return np.einsum("oikl,ihwkl->ohw", weight, windows) + bias[:, None, None]
    if kind == "upsample":
        out_h, out_w = layer["size"]
        rows = np.minimum((np.arange(out_h) * (x.shape[1] / out_h)).astype(int), x.shape[1] - 1)
        cols = np.minimum((np.arange(out_w) * (x.shape[2] / out_w)).astype(int), x.shape[2] - 1)
        return x[:, rows][:, :, cols]
    if kind == "reshape":
        return x.reshape(layer["shape"])
    if kind == "flatten":
        return x.reshape(-1)
    functions = {
        "relu": lambda v: np.maximum(v, 0),
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "tanh": np.tanh,
        "identity": lambda v: v,
        "leaky_relu": lambda v: np.where(v > 0, v, v * layer.get("slope", 0.01)),
    }
    return functions[kind](x)


@pytest.mark.parametrize("arch", ARCHS)
@pytest.mark.parametrize(("shape", "n_features"), [((8, 8), 64), ((28, 28), 784)])
def test_exported_decoder_decodes_like_torch(arch, shape, n_features):
    model = build_model(ModelConfig.for_data(n_features, shape, arch, 3), seed=1)
    exported = json.loads(json.dumps(export_decoder(model)))  # what the browser receives
    for z in np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32):
        assert np.allclose(decode_reference(exported, z), decode(model, z)[0], atol=1e-5)


def test_layers_are_plain_data_with_no_code():
    exported = export_decoder(build_model(ModelConfig.for_data(784, (28, 28), "conv", 2)))
    kinds = [layer["type"] for layer in exported["layers"]]
    assert kinds[:3] == ["linear", "relu", "reshape"] and "conv2d" in kinds and "upsample" in kinds
    assert kinds[-2:] == ["sigmoid", "flatten"]
    assert all(isinstance(v, (str, int, float, list)) for layer in exported["layers"] for v in layer.values())


def test_leaky_relu_is_supported_and_unknown_layers_refused():
    assert _layer(nn.LeakyReLU(0.2)) == {"type": "leaky_relu", "slope": 0.2}
    with pytest.raises(AevizError, match="cannot run a BatchNorm1d"):
        _layer(nn.BatchNorm1d(4))
    with pytest.raises(AevizError, match="nearest-neighbour"):
        _layer(nn.Upsample(scale_factor=2, mode="bilinear"))


def test_payload_counts_the_base64_weights():
    model = build_model(ModelConfig.for_data(64, (8, 8), "vanilla", 4))
    exported = export_decoder(model)
    raw = sum(p.numel() for p in model.decoder.parameters()) * 4
    assert payload_bytes(exported) == pytest.approx(raw * 4 / 3, rel=0.01)
    assert base64.b64decode(exported["layers"][0]["weight"])[:4] == model.decoder[0].weight[0, 0].detach().numpy().tobytes()
