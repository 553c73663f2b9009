"""How w2v compiles its kernels with Numba: ``@kernel`` and ``@kernel(fastmath=True)``.

Every kernel is compiled on its first use and kept in Numba's on-disk cache, releases
the GIL, and runs without Numba's reference-counted runtime (NRT): kernels never
allocate; their callers pass in every array, scratch space included.

That last rule makes a run's start-up cheap. When Numba loads a cached function it
first refreshes its whole compiler (every typing and lowering registry: about 0.2 s and
40 MB per process) and then starts the NRT, which compiles a module with LLVM (another
20 MB). Loaded machine code that never allocates needs neither, so ``_LeanCache`` goes
straight to the cached object code; a cache miss still compiles through Numba's normal
path, which refreshes the compiler itself. Only w2v's own kernels are loaded this way.
"""

from __future__ import annotations

from numba import njit

try:  # Numba's cache class; if a Numba release moves it, kernels load the usual way
    from numba.core.caching import FunctionCache
except ImportError:  # pragma: no cover
    FunctionCache = None


if FunctionCache is not None:

    class _LeanCache(FunctionCache):
        """Numba's per-function disk cache, without the compiler refresh on loading."""

        def load_overload(self, sig, target_context):
            with self._guard_against_spurious_io_errors():
                return self._load_overload(sig, target_context)


def kernel(function=None, *, fastmath: bool | set = False, inline: bool = False,
           numpy_errors: bool = False):
    """Compile ``function`` with Numba: cached on disk, nogil, no runtime allocation;
    with ``inline``, into each caller (Numba's inline="always"); ``fastmath``: True or a
    set of LLVM's flags; ``numpy_errors``: a float division by zero gives inf or NaN as
    in NumPy, instead of Numba's check for it, which keeps a loop that divides from
    being vectorised."""

    def compile_lazily(function):
        dispatcher = njit(cache=True, nogil=True, fastmath=fastmath, _nrt=False,
                          inline="always" if inline else "never",
                          error_model="numpy" if numpy_errors else "python")(function)
        if FunctionCache is not None and isinstance(getattr(dispatcher, "_cache", None),
                                                    FunctionCache):
            dispatcher._cache = _LeanCache(function)
        return dispatcher

    return compile_lazily if function is None else compile_lazily(function)
