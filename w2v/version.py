"""The version of w2v: pyproject.toml reads it from here, files record it."""

__version__ = "0.1.0"
