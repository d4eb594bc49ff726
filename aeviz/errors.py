"""The project's exceptions: each carries a message a student can act on.

They subclass ValueError so that code written against scikit-learn conventions still catches them.
"""


class AevizError(ValueError):
    """An error the user caused (a file, a name, a hyper-parameter); the message says what to change."""


class DataError(AevizError):
    """A dataset name or a data file that cannot be used."""


class CheckpointError(AevizError):
    """A checkpoint name or folder that cannot be loaded or saved."""


class TrainingError(AevizError):
    """Training cannot go on (e.g. the loss became NaN or infinite)."""
