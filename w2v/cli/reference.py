"""docs/cli.md, made from the commands' own ``--help``: ``make docs`` writes it
(``python -m w2v.cli.reference > docs/cli.md``) and ``tests/test_docs.py`` fails when
the file and the commands differ, so the two cannot drift apart."""

from __future__ import annotations

import click

from . import cli

WIDTH = 100
HEAD = """# Command reference

`w2v COMMAND --help` is the reference; this page is that help for every command, made
by `make docs` and checked by `tests/test_docs.py` against the commands themselves.
"""


def markdown() -> str:
    """The help of ``w2v`` and of every command and subcommand, as Markdown."""
    parts = [HEAD]

    def add(command: click.Command, context: click.Context, title: str) -> None:
        parts.append(f"## `{title}`\n\n```\n{command.get_help(context).rstrip()}\n```\n")
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                add(sub, click.Context(sub, info_name=name, parent=context,
                                       terminal_width=WIDTH, max_content_width=WIDTH),
                    f"{title} {name}")

    add(cli, click.Context(cli, info_name="w2v", terminal_width=WIDTH,
                           max_content_width=WIDTH, **cli.context_settings), "w2v")
    return "\n".join(parts)


if __name__ == "__main__":
    print(markdown(), end="")
