"""`w2v plot`: maps of query words and their neighbours (PCA by NumPy, t-SNE by
scikit-learn, drawn by matplotlib)."""

import os
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from w2v import KeyedVectors
from w2v.cli import cli
from w2v.errors import W2VError
from w2v.tools import plot


def _pca_by_eigenvectors(rows: np.ndarray) -> np.ndarray:
    """The first two principal components, from the covariance's eigenvectors (not the
    SVD that plot uses), each axis's sign set as plot sets it."""
    centred = rows.astype(np.float64) - rows.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    xy = centred @ vectors[:, np.argsort(values)[::-1][:2]]
    return xy * np.sign(xy[np.abs(xy).argmax(axis=0), [0, 1]])


def _unit(kv, word):
    return kv[word] / np.linalg.norm(kv[word])


def test_the_map_is_the_pca_of_the_unit_vectors(planted_kv):
    points = plot.neighbourhood_map(planted_kv, ["e1_1", "e3_2"], neighbours=5)
    assert points.labels[:2] == ["e1_1", "e3_2"] and len(points.labels) == 12
    assert points.group == [0, 1] + [0] * 5 + [1] * 5
    expected_neighbours = [w for w, _ in planted_kv.most_similar(["e1_1"], topn=5)]
    assert points.labels[2:7] == expected_neighbours
    rows = np.array([_unit(planted_kv, w) for w in points.labels])
    np.testing.assert_allclose(points.vectors, rows, atol=1e-6)
    np.testing.assert_allclose(points.xy, _pca_by_eigenvectors(rows), atol=1e-5)


def test_arithmetic_is_drawn_at_the_analogy_point_with_arrows(planted_kv):
    points = plot.neighbourhood_map(planted_kv, ["e1_2-e1_1+e3_1"], neighbours=3)
    assert points.labels[:4] == ["e1_2-e1_1+e3_1", "e1_2", "e3_1", "e1_1"]
    point = _unit(planted_kv, "e1_2") - _unit(planted_kv, "e1_1") + _unit(planted_kv, "e3_1")
    np.testing.assert_allclose(points.vectors[0], point / np.linalg.norm(point), atol=1e-6)
    assert points.arrows == [(3, 1), (2, 0)]  # e1_1 -> e1_2, and e3_1 -> the result
    assert points.labels[4:] == [w for w, _ in planted_kv.analogy("e1_2", "e1_1", "e3_1",
                                                                  topn=3)]


def test_a_word_with_a_hyphen_is_a_word_and_bad_arithmetic_is_an_error():
    kv = KeyedVectors(["well-known", "a", "b"], np.eye(3, 4, dtype=np.float32))
    assert plot.parse(kv, "well-known") == (["well-known"], [])
    assert plot.parse(kv, "a-b") == (["a"], ["b"])
    assert plot.parse(kv, "a+b") == (["a", "b"], [])
    with pytest.raises(W2VError, match="not in the vocabulary"):
        plot.parse(kv, "a+zz")
    with pytest.raises(W2VError, match="words joined by \\+ and -"):
        plot.parse(kv, "a+")


def test_a_subword_model_plots_a_word_it_never_saw(planted_sentences):
    from conftest import PLANTED_CONFIG

    from w2v import TrainConfig, train

    kv = train(planted_sentences, TrainConfig(**{**PLANTED_CONFIG, "subwords": True}))
    points = plot.neighbourhood_map(kv, ["e1_9"], neighbours=3)  # never in the corpus
    assert points.labels[0] == "e1_9" and "e1_9" not in kv
    np.testing.assert_allclose(points.vectors[0], _unit(kv, "e1_9"), atol=1e-6)
    assert points.labels[1:] == [w for w, _ in kv.most_similar(["e1_9"], topn=3)]
    with pytest.raises(W2VError, match="none of its character n-grams was trained"):
        plot.parse(kv, "qqqq")


def test_tsne_lays_out_every_point(planted_kv):
    points = plot.neighbourhood_map(planted_kv, ["e1_1", "e3_2"], neighbours=6,
                                    method="tsne", seed=1)
    assert points.xy.shape == (len(points.labels), 2) and np.isfinite(points.xy).all()
    again = plot.neighbourhood_map(planted_kv, ["e1_1", "e3_2"], neighbours=6,
                                   method="tsne", seed=1)
    np.testing.assert_allclose(points.xy, again.xy)  # the seed fixes it


def test_the_installed_command_draws_a_tsne_map(planted_kv, tmp_path):
    # main() keeps SciPy out of every command that does not need it; t-SNE does.
    import subprocess
    planted_kv.save(tmp_path / "v.w2v")
    proc = subprocess.run([sys.executable, "-m", "w2v", "plot", "e1_1", "-n", "4", "--method",
                           "tsne", "-m", str(tmp_path / "v.w2v"), "-o",
                           str(tmp_path / "map.png")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "map.png").stat().st_size > 0


def test_the_drawn_points_are_the_map(planted_kv, tmp_path):
    points = plot.neighbourhood_map(planted_kv, ["e1_1", "e1_2-e1_1+e3_1"], neighbours=4)
    figure = plot.draw(points, tmp_path / "map.png", "title")
    drawn = np.concatenate([c.get_offsets() for c in figure.axes[0].collections])
    order = np.argsort([g for g in points.group], kind="stable")  # drawn by neighbourhood
    np.testing.assert_allclose(drawn, points.xy[order])
    texts = [t.get_text() for t in figure.axes[0].texts if t.get_text()]
    assert sorted(texts) == sorted(points.labels)
    assert [t.get_text() for t in figure.axes[0].get_legend().get_texts()] == points.queries
    assert figure.axes[0].get_title() == "title"


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml"),
                                          (".pdf", b"%PDF")])
def test_the_command_writes_a_valid_image(tmp_path, planted_kv, suffix, magic):
    from matplotlib import image

    planted_kv.save(tmp_path / "v.w2v")
    out = tmp_path / f"map{suffix}"
    result = CliRunner().invoke(cli, ["plot", "e1_1", "e1_2-e1_1+e3_1", "-m",
                                      str(tmp_path / "v.w2v"), "-o", str(out), "-n", "5"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)
    assert oct(os.stat(out).st_mode & 0o777) != "0o600"
    if suffix == ".png":
        pixels = image.imread(out)
        assert pixels.shape == (700, 900, 4) and pixels.std() > 0  # not blank
    elif suffix == ".svg":  # labels are drawn as paths, each after a comment naming it
        assert b"e1_2-e1_1+e3_1" in out.read_bytes()
    assert sorted(os.listdir(tmp_path)) == sorted(["v.w2v", f"map{suffix}"])


def test_command_errors_are_one_line(tmp_path, planted_kv, monkeypatch):
    planted_kv.save(tmp_path / "v.w2v")
    model = ["-m", str(tmp_path / "v.w2v")]
    runner = CliRunner()
    result = runner.invoke(cli, ["plot", "nope", *model, "-o", str(tmp_path / "m.png")])
    assert result.exit_code == 1 and "'nope' is not in the vocabulary" in result.output
    result = runner.invoke(cli, ["plot", "e1_1", *model, "-o", str(tmp_path / "m.gif")])
    assert result.exit_code == 2 and "--output must end in .png, .svg, .pdf" in result.output
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    result = runner.invoke(cli, ["plot", "e1_1", *model, "-o", str(tmp_path / "m.png")])
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: w2v plot needs matplotlib: "
                                     "pip install 'w2v[plot]'")
    assert sorted(os.listdir(tmp_path)) == ["v.w2v"]
