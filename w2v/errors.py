"""Exception types. Every message says what went wrong and, where it can, what to do next.

The library raises these; the CLI turns them into a one-line message and exit status 1
(``ConfigError`` becomes a usage error, exit status 2).
"""


class W2VError(Exception):
    """Base class of every error that w2v raises on purpose."""


class ConfigError(W2VError, ValueError):
    """A hyperparameter value that makes no sense."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field} {message}")
        self.field = field  # the TrainConfig field
        self.message = message


class CorpusError(W2VError):
    """The corpus is missing, unreadable, empty or not text."""


class VocabularyError(W2VError):
    """No usable vocabulary could be built from the corpus."""


class ModelFileError(W2VError):
    """A vector file is missing, has an unknown format, or is corrupt."""


class OutputError(W2VError):
    """An output file cannot be written: no such folder, no permission, a full disk."""


class UnknownWordError(W2VError, KeyError):
    """A query word is not in the vocabulary."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class TrainingError(W2VError):
    """Training went wrong on its way: weights that diverged."""


class EvaluationError(W2VError):
    """A benchmark file is missing, unreadable, or shares no usable line with the model."""


class DatasetError(W2VError):
    """Base class of the errors of ``w2v data``."""


class UnknownDatasetError(DatasetError):
    """A dataset name that is not in the catalog."""


class DownloadError(DatasetError):
    """A download failed, or its file could not be written."""


class ChecksumError(DatasetError):
    """A download, or a mirror's copy, is not the file the catalog describes."""
