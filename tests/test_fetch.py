"""corpora/fetch.py against a local mirror and a local HTTP server (never the network)."""

import functools
import hashlib
import http.server
import importlib.util
import io
import json
import os
import threading
import zipfile

import pytest

spec = importlib.util.spec_from_file_location(
    "fetch", os.path.join(os.path.dirname(__file__), "..", "corpora", "fetch.py"))
fetch = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fetch)

TEXT = b"the quick brown fox " * 100


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("text8", TEXT)
    (root / "text8.zip").write_bytes(buffer.getvalue())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", buffer.getvalue()
    httpd.shutdown()


def _catalog(tmp_path, url, archive, **changes):
    entry = {"url": url + "/text8.zip", "bytes": len(archive),
             "sha256": hashlib.sha256(archive).hexdigest(), "member": "text8",
             "file": "text8", "file_bytes": len(TEXT),
             "file_sha256": hashlib.sha256(TEXT).hexdigest(), **changes}
    path = tmp_path / "datasets.json"
    path.write_text(json.dumps({"text8": entry}))
    return str(path)


@pytest.fixture(autouse=True)
def no_mirror(tmp_path, monkeypatch):
    monkeypatch.setenv("W2V_DATA", str(tmp_path / "mirror"))
    monkeypatch.setattr(fetch, "SHARED", str(tmp_path / "no-shared"))


def test_download_checks_and_lands(tmp_path, server):
    url, archive = server
    path = fetch.fetch("text8", str(tmp_path / "data"), _catalog(tmp_path, url, archive))
    assert open(path, "rb").read() == TEXT
    assert os.listdir(tmp_path / "data") == ["text8"]


def test_checksum_mismatch_keeps_nothing(tmp_path, server):
    url, archive = server
    catalog = _catalog(tmp_path, url, archive, sha256="0" * 64)
    with pytest.raises(fetch.FetchError, match="sha256"):
        fetch.fetch("text8", str(tmp_path / "data"), catalog)
    assert os.listdir(tmp_path / "data") == []


def test_unreachable_server(tmp_path, server):
    url, archive = server
    catalog = _catalog(tmp_path, "http://127.0.0.1:9", archive)
    with pytest.raises(fetch.FetchError, match="cannot download"):
        fetch.fetch("text8", str(tmp_path / "data"), catalog)
    assert os.listdir(tmp_path / "data") == []


def test_mirror_first(tmp_path, server):
    url, archive = server
    (tmp_path / "mirror" / "corpora").mkdir(parents=True)
    (tmp_path / "mirror" / "corpora" / "text8").write_bytes(b"mirrored")
    path = fetch.fetch("text8", str(tmp_path / "data"), _catalog(tmp_path, "http://x", archive))
    assert path == str(tmp_path / "mirror" / "corpora" / "text8")


def test_the_shipped_catalog_matches_the_shared_files():
    with open(fetch.CATALOG) as f:
        entries = json.load(f)
    shared = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
    for entry in entries.values():
        for sub in ("corpora", "eval"):
            path = os.path.join(shared, sub, entry["file"])
            if os.path.exists(path):
                assert os.path.getsize(path) == entry["file_bytes"]
                assert fetch.sha256_of(path) == entry["file_sha256"]
