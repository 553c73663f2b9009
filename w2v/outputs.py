"""Writing output files safely: checked before a long run, written whole or not at all,
and given the mode a plain file creation would give. Imports only w2v.errors.

``atomic_write`` writes to a hidden temporary file beside the target
(``.NAME.XXXXXXXX.part``), flushes it to disk, gives it its mode and renames it over the
target. On any failure or interruption (an ``OSError`` such as a full disk, Ctrl-C, or
the CLI's SIGTERM) the temporary file is removed and the target is left as it was; an
``OSError`` becomes an ``OutputError`` naming the file and the reason.

Modes: a new file gets 0666 less the umask (0644 under umask 022), as ``open()`` would
create it; a file that replaces an existing one keeps that file's permission bits.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from .errors import OutputError


def check_output_path(path: str | os.PathLike) -> None:
    """Fail now, before a long run, if ``atomic_write(path)`` could not work: no such
    folder, a folder in the way, or a folder that refuses a new file."""
    name = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(name))
    if not os.path.isdir(folder):
        raise OutputError(f"cannot write {name}: folder {folder} does not exist")
    if os.path.isdir(name):
        raise OutputError(f"cannot write {name}: it is a folder")
    try:  # the one sure test that a file can be made there (permissions, read-only mounts)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=_prefix(name), suffix=".part")
    except OSError as exc:
        raise OutputError(f"cannot write {name}: {_reason(exc)}") from None
    os.close(fd)
    os.unlink(probe)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """A binary stream to write ``path`` through; ``path`` appears, complete and with
    its mode, only when the block ends without an exception."""
    name = os.fspath(path)
    target = os.path.abspath(name)
    mode = _mode_for(target)
    tmp = None
    try:
        tmp, out = _create(target)
        try:
            yield out
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        finally:
            with contextlib.suppress(OSError):  # already reported, or the cause itself
                out.close()
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):  # disk full, no permission, target is a folder, ...
            raise OutputError(f"cannot write {name}: {_reason(exc)}") from None
        raise


def _create(target: str) -> tuple[str, BinaryIO]:
    """A new temporary file beside ``target``: its path, and a buffered stream on it."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=_prefix(target),
                               suffix=".part")
    return tmp, os.fdopen(fd, "wb", buffering=1 << 20)


def _mode_for(target: str) -> int:
    """The permission bits ``target`` should get: an existing file's own, else those
    that ``open()`` would give a new file."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask. Linux shows it in /proc; elsewhere it is read by setting it
    and setting it back (the only portable way, racy only for files made meanwhile)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _prefix(path: str) -> str:
    return "." + os.path.basename(path) + "."


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
