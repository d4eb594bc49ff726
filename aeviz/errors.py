"""The project's exceptions: each carries a message a student can act on.

They subclass ValueError so that code written against scikit-learn conventions still catches them.
"""

import zipfile
import zlib

# What the standard library's zipfile raises for an archive whose headers lie or whose members are damaged: its own
# BadZipFile, and OSError, EOFError, zlib.error, NotImplementedError (an odd compression) or ValueError (e.g. a central
# directory offset that points before the file's start: "negative seek value"). A reader catches AevizError first: it is
# a ValueError too, and its own message says more.
ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, ValueError)


class AevizError(ValueError):
    """An error the user caused (a file, a name, a hyper-parameter); the message says what to change."""


class DataError(AevizError):
    """A dataset name or a data file that cannot be used."""


class CheckpointError(AevizError):
    """A checkpoint name or folder that cannot be loaded or saved."""


class TrainingError(AevizError):
    """Training cannot go on (e.g. the loss became NaN or infinite)."""
