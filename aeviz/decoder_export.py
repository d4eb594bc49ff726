"""A decoder as plain data, for the forward pass that runs in the browser (aeviz/static/decoder.js).

`export_decoder(model)` lists the decoder's layers in order; weights travel as base64 of little-endian float32, in
PyTorch's layout (Linear: out × in; Conv2d: out × in × kh × kw). Only the layer types aeviz builds are exported; anything
else raises, so the browser never meets a layer it would get wrong.
"""

from __future__ import annotations

import base64

from torch import nn

from aeviz.errors import AevizError
from aeviz.models import Autoencoder, Reshape

_ACTIVATIONS = {nn.ReLU: "relu", nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.Identity: "identity", nn.Flatten: "flatten"}


def _b64(tensor) -> str:
    return base64.b64encode(tensor.detach().cpu().numpy().astype("<f4").tobytes()).decode("ascii")


def _layer(module: nn.Module) -> dict:
    if isinstance(module, nn.Linear):
        return {
            "type": "linear",
            "in": module.in_features,
            "out": module.out_features,
            "weight": _b64(module.weight),
            "bias": _b64(module.bias),
        }
    if isinstance(module, nn.Conv2d):
        if module.stride != (1, 1) or module.dilation != (1, 1) or module.groups != 1 or module.bias is None:
            raise AevizError("only stride-1, undilated, ungrouped Conv2d layers with a bias run in the browser")
        return {
            "type": "conv2d",
            "in": module.in_channels,
            "out": module.out_channels,
            "kernel": list(module.kernel_size),
            "padding": list(module.padding),
            "weight": _b64(module.weight),
            "bias": _b64(module.bias),
        }
    if isinstance(module, nn.Upsample):
        if module.mode != "nearest" or module.size is None:
            raise AevizError("only nearest-neighbour Upsample to a fixed size runs in the browser")
        size = module.size if isinstance(module.size, tuple) else (module.size, module.size)
        return {"type": "upsample", "size": list(size)}
    if isinstance(module, nn.LeakyReLU):
        return {"type": "leaky_relu", "slope": module.negative_slope}
    if isinstance(module, Reshape):
        return {"type": "reshape", "shape": list(module.shape)}
    for kind, name in _ACTIVATIONS.items():
        if isinstance(module, kind):
            return {"type": name}
    raise AevizError(f"the browser decoder cannot run a {type(module).__name__} layer")


def export_decoder(model: Autoencoder) -> dict:
    """The decoder g as {"latent_dim", "n_features", "image_shape", "layers": [...]}: plain, JSON-ready data."""
    config = model.config
    return {
        "latent_dim": config.latent_dim,
        "n_features": config.n_features,
        "image_shape": list(config.image_shape) if config.image_shape else None,
        "layers": [_layer(m) for m in model.decoder],
    }


def payload_bytes(exported: dict) -> int:
    """Size of the weights as sent to the browser (base64 text), in bytes."""
    return sum(len(layer.get("weight", "")) + len(layer.get("bias", "")) for layer in exported["layers"])
