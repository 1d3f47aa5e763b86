"""One BLAS thread for interstore's small linear algebra.

numpy and scipy ship multithreaded OpenBLAS.  On vectors of 10⁴–10⁵ elements and matrices of a few
hundred rows the threads cost more than they save, and on a shared or loaded machine they spin
against each other (a dot product of 50 000 elements measured 49× slower with the default threads
than with one on a busy 2-core box).  The analyses and simulators that only do such small
operations run under :func:`single_threaded_blas` (threadpoolctl; ~1 ms to enter), and inner
reductions use element-wise forms (``(a * b).sum()``) that never reach BLAS.
"""

from __future__ import annotations

import functools
from typing import Callable, TypeVar

F = TypeVar("F", bound=Callable)


def single_threaded_blas(fn: F) -> F:
    """Decorator: run ``fn`` with every loaded BLAS library limited to one thread (restored after)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return fn(*args, **kwargs)
    return wrapper  # type: ignore[return-value]
