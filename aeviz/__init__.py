"""aeviz: train small autoencoders and explore what their latent spaces learn."""

from aeviz.errors import AevizError, CheckpointError, DataError, TrainingError

__version__ = "0.1.0"

__all__ = ["AevizError", "CheckpointError", "DataError", "TrainingError", "__version__"]
