"""One way to reach dask.distributed: an existing scheduler or a LocalCluster started for the job.

Used by the long sweeps (``interstore simulate designmap``, ``interstore interface scan --workers``).
An unreachable or malformed ``--scheduler`` address is an :class:`InputError`, after at most
``SCHEDULER_TIMEOUT_S`` seconds.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from .errors import InputError

SCHEDULER_TIMEOUT_S = 5  # s to wait for an existing scheduler before giving up


@contextmanager
def dask_client(scheduler: str | None, *, n_workers: int, threads_per_worker: int,
                processes: bool) -> Iterator:
    """Yield a ``dask.distributed.Client`` on ``scheduler`` or on a LocalCluster of
    ``n_workers`` × ``threads_per_worker`` (closed again on exit)."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_S)
            except (OSError, ValueError) as exc:  # unreachable (OSError, TimeoutError) or malformed
                raise InputError("option --scheduler", f"cannot connect to {scheduler!r}: {exc}",
                                 expected="the address of a running dask scheduler, "
                                          "e.g. tcp://host:8786") from None
        else:
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker,
                                   processes=processes, dashboard_address=None)
            client = Client(cluster)
        with client:
            yield client
    finally:
        if cluster is not None:
            cluster.close()
