"""The ``w2v`` command: thin click commands over the library. Owns all printing, the
progress bars, and turning library errors into one-line messages (exit 1; bad option
values exit 2).

The query commands (similar, analogy, info, classes, convert, export, eval, data)
import only NumPy: Numba and tqdm are imported inside the commands that need them.
"""

from . import docs, evaluation, files, graphs, queries, training  # noqa: F401  (they add the commands)
from .common import cli, default_model, main

__all__ = ["cli", "default_model", "main"]
