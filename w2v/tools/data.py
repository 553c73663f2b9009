"""Standard corpora and benchmark files: a catalog, local mirrors and verified downloads.

The catalog (``datasets.json`` beside this module) gives each dataset's file name,
canonical URL, size and sha256 (for an archive, also those of the file inside it).

``find(name)`` looks, without any network access, in this order:

1. ``$W2V_DATA``, a local mirror: the folder itself and its ``corpora/`` and ``eval/``;
2. the ``shared`` folder beside a source checkout (``../shared`` from the repository
   root), as its ``corpora/`` and ``eval/`` folders;
3. the data folder (``data_dir()``: ``$W2V_DATA`` when set, else ``~/.w2v-data``).

A mirror may hold a stand-in instead: text8-prefix.txt stands in for text8.

``get(name, folder)`` returns what ``find`` finds, once its size and sha256 match the
catalog; only when nothing is found does it download, and that is the only network
access in w2v. A download goes to a temporary file in the target folder; its size and
sha256 are checked, and those of the file extracted from an archive, and only then is
the file renamed into place. An interrupted, failed or altered download leaves nothing
behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ChecksumError, DownloadError, UnknownDatasetError

CATALOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "datasets.json")
_CHECKOUT_SHARED = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                 "..", "..", "..", "shared"))
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Dataset:
    name: str
    kind: str  # "corpus" or "eval"
    description: str
    file: str  # the file's name once fetched
    file_bytes: int
    file_sha256: str
    url: str | None = None  # None: only a local mirror has it
    archive_bytes: int | None = None  # set when the URL is a zip archive holding ``member``
    archive_sha256: str | None = None
    member: str | None = None
    stand_ins: tuple[str, ...] = ()  # names a mirror may use instead (other datasets)


def catalog(path: str | None = None) -> dict[str, Dataset]:
    with open(path or CATALOG, encoding="utf-8") as f:
        entries = json.load(f)
    return {name: Dataset(name=name, kind=e["kind"], description=e["description"],
                          file=e["file"], file_bytes=e["file_bytes"],
                          file_sha256=e["file_sha256"], url=e.get("url"),
                          archive_bytes=e.get("bytes"), archive_sha256=e.get("sha256"),
                          member=e.get("member"), stand_ins=tuple(e.get("stand_ins", ())))
            for name, e in entries.items()}


def dataset(name: str, path: str | None = None) -> Dataset:
    datasets = catalog(path)
    if name not in datasets:
        raise UnknownDatasetError(f"unknown dataset '{name}'; known: {', '.join(datasets)}")
    return datasets[name]


def data_dir() -> str:
    """Where ``get`` downloads to by default: $W2V_DATA, else ~/.w2v-data."""
    return os.environ.get("W2V_DATA") or os.path.join(os.path.expanduser("~"), ".w2v-data")


def search_dirs() -> list[str]:
    """The folders ``find`` looks in, in order."""
    roots = [os.environ["W2V_DATA"]] if os.environ.get("W2V_DATA") else []
    folders = [os.path.join(root, sub) for root in roots for sub in ("", "corpora", "eval")]
    folders += [os.path.join(_CHECKOUT_SHARED, sub) for sub in ("corpora", "eval")]
    folders.append(data_dir())
    return list(dict.fromkeys(folders))


def find(name: str, path: str | None = None) -> str | None:
    """The path of a local copy of ``name`` (or of a stand-in), or None."""
    entry = dataset(name, path)
    for folder in search_dirs():
        for file in (entry.file, *entry.stand_ins):
            candidate = os.path.join(folder, file)
            if os.path.isfile(candidate):
                return candidate
    return None


def get(name: str, folder: str | None = None, path: str | None = None,
        on_bytes: Callable[[int, int | None], None] | None = None) -> str:
    """A local path for ``name``: a mirror's copy, or a verified download into
    ``folder`` (default ``data_dir()``). ``on_bytes(done, total)`` follows a download."""
    entry = dataset(name, path)
    found = find(name, path)
    if found:
        verify(found, path)
        return found
    folder = folder or data_dir()
    target = os.path.join(folder, entry.file)
    if os.path.isfile(target):  # fetched before into this folder
        try:
            verify(target, path)
            return target
        except ChecksumError:
            pass  # a damaged copy: replaced below once a good one has arrived
    if not entry.url:
        raise DownloadError(f"{name} has no public download address; put {entry.file} in "
                            "a folder named by $W2V_DATA")
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder, prefix=".w2v-download-") as tmp:
            download = os.path.join(tmp, "download")
            _download(entry.url, download, on_bytes)
            if entry.member:  # an archive: check it, then the file inside
                _check(download, entry.archive_bytes, entry.archive_sha256, entry.url)
                download = _extract(download, entry.member, os.path.join(tmp, "file"))
            _check(download, entry.file_bytes, entry.file_sha256, entry.url)
            os.replace(download, target)
    except OSError as exc:
        raise DownloadError(f"cannot write {name} to {folder}: {exc.strerror or exc}") from None
    return target


def verify(file: str, path: str | None = None) -> None:
    """Check a local copy against the catalog entry whose file name it has."""
    entries = {e.file: e for e in catalog(path).values()}
    entry = entries.get(os.path.basename(file))
    if entry is not None:
        _check(file, entry.file_bytes, entry.file_sha256, file)


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, out: str, on_bytes: Callable[[int, int | None], None] | None) -> None:
    import urllib.request  # here: the query commands never pay for importing it
    from http.client import HTTPException

    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(out, "wb") as f:
            total = response.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            done = 0
            for block in iter(lambda: response.read(_CHUNK), b""):
                f.write(block)
                done += len(block)
                if on_bytes:
                    on_bytes(done, total)
            if total is not None and done != total:
                raise DownloadError(f"cannot download {url}: the connection closed after "
                                    f"{done:,} of {total:,} bytes; nothing was kept")
    except (OSError, HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc.__class__.__name__
        raise DownloadError(f"cannot download {url}: {reason}; or put the file in a "
                            "folder named by $W2V_DATA") from None


def _extract(archive: str, member: str, out: str) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(archive) as z, z.open(member) as src, open(out, "wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise ChecksumError(f"cannot extract {member} from the download: {exc}") from None
    return out


def _check(path: str, size: int | None, sha256: str | None, source: str) -> None:
    got = os.path.getsize(path)
    if got != size:
        raise ChecksumError(f"{source}: {got:,} bytes, the catalog says {size:,}: an "
                            "incomplete or altered copy (a download is not kept)")
    if sha256_of(path) != sha256:
        raise ChecksumError(f"{source}: sha256 does not match the catalog: an altered copy "
                            "(a download is not kept)")
