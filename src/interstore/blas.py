"""One BLAS thread for interstore's small linear algebra.

numpy and scipy ship multithreaded OpenBLAS.  On vectors of 10⁴–10⁵ elements and matrices of a few
hundred rows the threads cost more than they save, and on a shared or loaded machine they spin
against each other (a dot product of 50 000 elements measured 49× slower with the default threads
than with one on a busy 2-core box).  The analyses and simulators that only do such small
operations run under :func:`single_threaded_blas` (threadpoolctl), and inner reductions use
element-wise forms (``(a * b).sum()``) that never reach BLAS.  The BLAS libraries are looked up
once, at the first call (numpy's and scipy's OpenBLAS are loaded by then): a fresh lookup costs
0.7–1.6 ms, as much as a whole bulk-only rate sweep, and entering the limit afterwards ~10 µs.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable)
_CONTROLLER: list[Any] = []   # the threadpoolctl.ThreadpoolController, built at the first call


def single_threaded_blas(fn: F) -> F:
    """Decorator: run ``fn`` with the BLAS libraries (those loaded at the first call) limited to one thread
    (restored after)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not _CONTROLLER:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER.append(ThreadpoolController())
        with _CONTROLLER[0].limit(limits=1, user_api="blas"):
            return fn(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
