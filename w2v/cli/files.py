"""`w2v convert` and `w2v export`: vector files in and out."""

from __future__ import annotations

import os

import click
import numpy as np

from .. import outputs
from ..errors import W2VError
from ..vectors import KeyedVectors, formats
from .common import (
    cli,
    friendly_errors,
    limit_option,
)


@cli.command("convert")
@click.argument("source", metavar="IN")
@click.argument("target", metavar="OUT")
@click.option("--format", "format_", type=click.Choice(formats.FORMATS), default=None,
              help="OUT's format [default: from its suffix].")
@click.option("--from", "source_format", type=click.Choice(formats.FORMATS), default=None,
              help="IN's format [default: native files by content, others by suffix].")
@limit_option
@friendly_errors
def convert_command(source: str, target: str, format_: str | None, source_format: str | None,
                    limit: int | None) -> None:
    """Convert vectors between formats: .w2v (native), .bin (word2vec binary), .txt,
    .vec and .txt.gz (word2vec text). Counts, metadata and output weights carry over
    between .w2v files; word2vec files hold words and vectors only.

    \b
    w2v convert GoogleNews-vectors-negative300.bin news.w2v
    w2v convert vectors.w2v vectors.txt.gz --limit 50000
    """
    formats.check_writable(target, format_)
    kv = KeyedVectors.load(source, format=source_format, limit=limit)
    kv.save(target, format=format_)
    click.echo(f"wrote {target}: {len(kv):,} words x {kv.dim} dimensions", err=True)


@cli.command("export")
@click.argument("model", metavar="MODEL")
@click.option("--format", "format_", type=click.Choice(["npy", "tsv", "txt"]), required=True,
              help="npy: vectors.npy and vocab.txt (tags.txt with --docs); tsv: "
                   "vectors.tsv and metadata.tsv; txt: vectors.txt, word2vec text.")
@click.option("-o", "--output", "folder", metavar="DIR", default=".", show_default=True,
              help="The folder to write the files to.")
@click.option("--docs", "documents", is_flag=True,
              help="Export a document model's document vectors, by tag, instead of its "
                   "word vectors.")
@limit_option
@friendly_errors
def export_command(model: str, format_: str, folder: str, documents: bool,
                   limit: int | None) -> None:
    """Export vectors for other tools.

    \b
    npy: vectors.npy (float32, words x dim) and vocab.txt (a word per line, same
         order), for torch.nn.Embedding.from_pretrained or a Keras Embedding layer
    tsv: vectors.tsv and metadata.tsv, for projector.tensorflow.org ("Load")
    txt: vectors.txt, word2vec text (gensim's load_word2vec_format reads it)
    """
    if not os.path.isdir(folder):
        raise W2VError(f"cannot write to {folder}: no such folder")
    kv = KeyedVectors.load(model, limit=None if documents else limit)
    if documents:
        if kv.docs is None:
            raise W2VError(f"{model} holds no document vectors (w2v docs train writes them)")
        kv = kv.docs if limit is None else KeyedVectors(kv.docs.words[:limit],
                                                        kv.docs.vectors[:limit])
    if format_ == "txt":
        target = os.path.join(folder, "vectors.txt")
        kv.save(target, format="txt")
        click.echo(f"wrote {target}: {len(kv):,} {'documents' if documents else 'words'} x "
                   f"{kv.dim} dimensions", err=True)
        return
    names = ("vectors.npy", "tags.txt" if documents else "vocab.txt") if format_ == "npy" \
        else ("vectors.tsv", "metadata.tsv")
    matrix, words = (os.path.join(folder, n) for n in names)
    vectors = np.asarray(kv.vectors, dtype=np.float32)
    with outputs.atomic_write(matrix) as out:
        if format_ == "npy":
            np.lib.format.write_array(out, vectors, allow_pickle=False)
        else:
            for row in vectors:
                out.write(("\t".join(f"{x:.6g}" for x in row.tolist()) + "\n").encode())
    with outputs.atomic_write(words) as out:
        out.write("".join(w + "\n" for w in kv.words).encode("utf-8", "surrogateescape"))
    click.echo(f"wrote {matrix} and {words}: {len(kv):,} {'documents' if documents else 'words'}"
               f" x {kv.dim} dimensions", err=True)
