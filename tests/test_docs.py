"""The documents: docs/cli.md is the commands' own help, and the README stays a short
page for users that links to docs/."""

import pathlib

from w2v.cli import reference

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_the_command_reference_is_the_commands_help():
    assert (ROOT / "docs" / "cli.md").read_text() == reference.markdown(), \
        "docs/cli.md is out of date: run `make docs`"


def test_the_readme_is_short_and_links_to_every_document():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    for name in ("benchmarks.md", "algorithms.md", "formats.md", "cli.md"):
        assert (ROOT / "docs" / name).is_file()
        assert f"docs/{name}" in readme
    assert "docs/map.png" in readme and (ROOT / "docs" / "map.png").is_file()
