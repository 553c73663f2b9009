"""Find or download a dataset listed in datasets.json; print the path of a verified copy.

    python corpora/fetch.py text8 [--dir data]

Looks first in a local mirror: $W2V_DATA (or its corpora/ and eval/ folders), then
../shared/{corpora,eval} beside this checkout. A mirror may hold a stand-in (text8's is
text8-prefix.txt). Otherwise it downloads the canonical URL into --dir, checks the size
and sha256 of the download and of the extracted file, and renames it into place only
when both match: an interrupted or corrupt download never lands.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG = os.path.join(HERE, "datasets.json")
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))


class FetchError(Exception):
    pass


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mirror_dirs() -> list[str]:
    roots = [os.environ["W2V_DATA"]] if os.environ.get("W2V_DATA") else []
    roots.append(SHARED)
    return [os.path.join(root, sub) for root in roots for sub in ("", "corpora", "eval")]


def find_in_mirror(entry: dict) -> str | None:
    names = [entry["file"], *entry.get("stand_ins", [])]
    for folder in mirror_dirs():
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                return path
    return None


def download(entry: dict, folder: str) -> str:
    target = os.path.join(folder, entry["file"])
    if os.path.isfile(target) and sha256_of(target) == entry["file_sha256"]:
        return target
    if not entry.get("url"):
        raise FetchError(f"{entry['file']} has no download address; put it in $W2V_DATA")
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".fetch-") as tmp:
        raw = os.path.join(tmp, "download")
        try:
            with urllib.request.urlopen(entry["url"], timeout=60) as response, \
                    open(raw, "wb") as out:
                shutil.copyfileobj(response, out, 1 << 20)
        except OSError as exc:
            raise FetchError(f"cannot download {entry['url']}: {exc}; or put {entry['file']} "
                             "in a folder named by $W2V_DATA") from None
        if "sha256" in entry:  # an archive: check it, then the file inside
            check(raw, entry["bytes"], entry["sha256"], entry["url"])
            try:
                with zipfile.ZipFile(raw) as archive, archive.open(entry["member"]) as src, \
                        open(os.path.join(tmp, "file"), "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
            except (zipfile.BadZipFile, KeyError) as exc:
                raise FetchError(f"cannot extract {entry['member']}: {exc}") from None
            raw = os.path.join(tmp, "file")
        check(raw, entry["file_bytes"], entry["file_sha256"], entry["url"])
        os.replace(raw, target)
    return target


def check(path: str, size: int, sha256: str, source: str) -> None:
    if os.path.getsize(path) != size or sha256_of(path) != sha256:
        raise FetchError(f"{source}: size or sha256 does not match the catalog "
                         "(an incomplete or altered download); nothing was kept")


def fetch(name: str, folder: str, catalog: str = CATALOG) -> str:
    with open(catalog) as f:
        entries = json.load(f)
    if name not in entries:
        raise FetchError(f"unknown dataset {name!r}; known: {', '.join(entries)}")
    entry = entries[name]
    return find_in_mirror(entry) or download(entry, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name")
    parser.add_argument("--dir", default=os.path.join(HERE, "..", "data"))
    args = parser.parse_args()
    try:
        print(fetch(args.name, os.path.abspath(args.dir)))
    except FetchError as exc:
        sys.exit(f"fetch: {exc}")


if __name__ == "__main__":
    main()
