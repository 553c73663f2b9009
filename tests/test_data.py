"""w2v.tools.data and `w2v data` against a local mirror and a local HTTP server on 127.0.0.1
(never the network)."""

import hashlib
import http.server
import io
import json
import os
import threading
import zipfile

import pytest
from click.testing import CliRunner
from conftest import SHARED

from w2v.cli import cli
from w2v.errors import ChecksumError, DownloadError, UnknownDatasetError
from w2v.tools import data

TEXT = b"the quick brown fox " * 100


def _serve(handler):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture
def server(tmp_path):
    """Serves text8.zip (holding TEXT as text8) and a truncated copy, cut.zip, that
    promises the full length and closes the connection halfway."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("text8", TEXT)
    body = buffer.getvalue()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path not in ("/text8.zip", "/cut.zip"):
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body if self.path == "/text8.zip" else body[:len(body) // 2])

        def log_message(self, *args):
            pass

    httpd, url = _serve(Handler)
    yield url, body
    httpd.shutdown()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No mirror but an empty $W2V_DATA; the checkout's shared folder hidden."""
    monkeypatch.setenv("W2V_DATA", str(tmp_path / "mirror"))
    monkeypatch.setattr(data, "_CHECKOUT_SHARED", str(tmp_path / "no-shared"))


def _catalog(tmp_path, base, archive, **changes):
    entry = {"kind": "corpus", "description": "test", "url": base + "/text8.zip",
             "bytes": len(archive), "sha256": hashlib.sha256(archive).hexdigest(),
             "member": "text8", "file": "text8", "file_bytes": len(TEXT),
             "file_sha256": hashlib.sha256(TEXT).hexdigest(), **changes}
    path = tmp_path / "datasets.json"
    path.write_text(json.dumps({"text8": entry}))
    return str(path)


def test_download_is_checked_then_lands(tmp_path, server):
    url, archive = server
    seen = []
    path = data.get("text8", str(tmp_path / "data"), _catalog(tmp_path, url, archive),
                    on_bytes=lambda done, total: seen.append((done, total)))
    assert open(path, "rb").read() == TEXT
    assert os.listdir(tmp_path / "data") == ["text8"]
    assert seen[-1] == (len(archive), len(archive))
    # a second call finds the verified copy in the data folder and downloads nothing
    assert data.get("text8", str(tmp_path / "data"),
                    _catalog(tmp_path, "http://127.0.0.1:9", archive)) == path


@pytest.mark.parametrize("change,message", [
    ({"sha256": "0" * 64}, "sha256 does not match"),
    ({"file_sha256": "0" * 64}, "sha256 does not match"),
    ({"bytes": 10}, "the catalog says 10"),
])
def test_a_mismatch_keeps_nothing(tmp_path, server, change, message):
    url, archive = server
    with pytest.raises(ChecksumError, match=message):
        data.get("text8", str(tmp_path / "data"), _catalog(tmp_path, url, archive, **change))
    assert os.listdir(tmp_path / "data") == []


@pytest.mark.parametrize("address", ["http://127.0.0.1:9/text8.zip", "/cut.zip", "/missing.zip",
                                     "not a url"])
def test_failed_and_interrupted_downloads_leave_nothing(tmp_path, server, address):
    url, archive = server
    address = url + address if address.startswith("/") else address
    with pytest.raises(DownloadError, match="cannot download"):
        data.get("text8", str(tmp_path / "data"), _catalog(tmp_path, url, archive, url=address))
    assert os.listdir(tmp_path / "data") == []


def test_the_mirror_comes_first_and_is_verified(tmp_path, server):
    url, archive = server
    catalog = _catalog(tmp_path, "http://127.0.0.1:9", archive)
    mirrored = tmp_path / "mirror" / "corpora" / "text8"
    mirrored.parent.mkdir(parents=True)
    mirrored.write_bytes(TEXT)
    assert data.get("text8", str(tmp_path / "data"), catalog) == str(mirrored)
    mirrored.write_bytes(TEXT[:-1] + b"!")
    with pytest.raises(ChecksumError, match="altered copy"):
        data.get("text8", str(tmp_path / "data"), catalog)
    assert not (tmp_path / "data").exists()


def test_a_checkout_shared_folder_serves_as_a_mirror(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_CHECKOUT_SHARED", SHARED)
    assert data.find("questions-words") == os.path.join(SHARED, "eval", "questions-words.txt")
    assert data.find("text8") == os.path.join(SHARED, "corpora", "text8-prefix.txt")


def test_unknown_names_and_missing_addresses(tmp_path):
    with pytest.raises(UnknownDatasetError, match="unknown dataset 'text9'; known: text8"):
        data.get("text9")
    with pytest.raises(DownloadError, match="no public download address"):
        data.get("text8-prefix", str(tmp_path / "data"))


def test_the_shipped_catalog_matches_the_shared_files():
    checked = 0
    for entry in data.catalog().values():
        for sub in ("corpora", "eval"):
            path = os.path.join(SHARED, sub, entry.file)
            if os.path.exists(path):
                data.verify(path)
                checked += 1
    assert checked == 4  # text8-prefix and the three benchmark files


def test_cli_get_and_list(tmp_path, server, monkeypatch):
    url, archive = server
    monkeypatch.setattr(data, "CATALOG", _catalog(tmp_path, url, archive))
    runner = CliRunner()
    listed = runner.invoke(cli, ["data", "list"])
    assert listed.exit_code == 0 and "not here: w2v data get text8" in listed.output
    got = runner.invoke(cli, ["data", "get", "text8", "-q"])  # into $W2V_DATA
    assert got.exit_code == 0
    assert got.output == str(tmp_path / "mirror" / "text8") + "\n"
    entries = json.loads(runner.invoke(cli, ["data", "list", "--json"]).output)
    assert entries[0]["name"] == "text8"
    assert entries[0]["local"] == str(tmp_path / "mirror" / "text8")


@pytest.mark.parametrize("args,message", [
    (["data", "get", "text9"], "Error: unknown dataset 'text9'"),
    (["data", "get", "text8", "-q", "--dir", "{tmp}/d"], "Error: http://127.0.0.1:"),
])
def test_cli_errors_are_one_line(tmp_path, server, monkeypatch, args, message):
    url, archive = server
    monkeypatch.setattr(data, "CATALOG", _catalog(tmp_path, url, archive, sha256="0" * 64))
    result = CliRunner().invoke(cli, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 1
    assert result.output.startswith(message) and result.output.count("\n") == 1
    assert not os.path.exists(tmp_path / "d" / "text8")
