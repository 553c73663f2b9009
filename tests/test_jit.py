"""w2v.jit: kernels load from Numba's disk cache without refreshing the compiler."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

_MODULE = textwrap.dedent('''
    import numpy as np
    from w2v.jit import kernel

    @kernel(fastmath=True)
    def scaled_sum(values, factor, out):
        total = 0.0
        for i in range(len(values)):
            out[i] = values[i] * factor
            total += out[i]
        return total
''')

_RUN = textwrap.dedent('''
    import json, sys
    import numpy as np
    import probe
    out = np.empty(4)
    total = probe.scaled_sum(np.arange(4.0), 2.5, out)
    print(json.dumps({
        "total": total, "out": out.tolist(),
        "hits": sum(probe.scaled_sum.stats.cache_hits.values()),
        "compiler_loaded": "numba.np.linalg" in sys.modules,
    }))
''')


def _run(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(tmp_path), os.getcwd()]))
    done = subprocess.run([sys.executable, "-c", _RUN], env=env, capture_output=True,
                          text=True, cwd=tmp_path, check=True)
    return json.loads(done.stdout)


def test_a_cached_kernel_loads_without_the_compiler(tmp_path):
    (tmp_path / "probe.py").write_text(_MODULE)
    first = _run(tmp_path)  # compiles and writes the cache
    second = _run(tmp_path)  # loads it
    assert first["hits"] == 0 and first["compiler_loaded"]
    assert second["hits"] == 1 and not second["compiler_loaded"]
    assert second["total"] == first["total"] == 15.0
    assert second["out"] == [0.0, 2.5, 5.0, 7.5]


def test_kernels_cannot_allocate():
    import numpy as np

    from w2v.jit import kernel

    @kernel
    def allocates(n):
        return np.zeros(n).sum()

    with pytest.raises(Exception, match="nopython mode pipeline"):  # fails to compile
        allocates(3)


_TRAIN = textwrap.dedent('''
    import json, sys
    import w2v
    words = "the cat sat on the mat while the dog sat on the log".split()
    w2v.train([words] * 20, w2v.TrainConfig(min_count=1, epochs=1, threads=1, dim=8))
    print(json.dumps(sorted(m for m in ("numba.np.arraymath", "numba.np.linalg", "scipy.linalg")
                            if m in sys.modules)))
''')


def test_training_with_cached_kernels_loads_no_numpy_support_or_scipy():
    # A kernel that calls a NumPy function such as np.searchsorted makes its cached
    # copy import Numba's NumPy support, which imports SciPy when it is installed.
    def run():
        done = subprocess.run([sys.executable, "-c", _TRAIN], capture_output=True,
                              text=True, check=True)
        return json.loads(done.stdout)

    run()  # fills the cache if it is empty
    assert run() == []


def test_sentence_of_is_a_right_bisection():
    import numpy as np

    from w2v.training.kernels import _sentence_of

    starts = np.array([0, 3, 4, 9, 15], dtype=np.int64)
    for p in range(16):
        assert _sentence_of(starts, p) == np.searchsorted(starts, p, side="right") - 1
