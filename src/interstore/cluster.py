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
LOOPBACK = "127.0.0.1"  # the only interface a LocalCluster started here listens on
DASHBOARD_PORT = 8787  # dask's usual dashboard port, used only when a dashboard is asked for


def local_cluster_options(n_workers: int, threads_per_worker: int, processes: bool,
                          dashboard: bool = False) -> dict:
    """``LocalCluster`` keywords for a cluster nobody outside this machine can reach.

    Scheduler, workers and their HTTP endpoints bind to ``LOOPBACK`` (dask's defaults bind the
    HTTP server to every interface on port 8787 and, for in-process clusters, connect a UDP
    socket to a public address to guess the host IP).  The bokeh dashboard is off unless
    ``dashboard`` is true; then it is served on ``LOOPBACK`` at :data:`DASHBOARD_PORT`."""
    http = f"{LOOPBACK}:{DASHBOARD_PORT if dashboard else 0}"
    return dict(n_workers=n_workers, threads_per_worker=threads_per_worker, processes=processes,
                host=LOOPBACK, protocol="tcp://",  # dask's in-process 'inproc://' guesses the host IP
                dashboard_address=http if dashboard else None,
                scheduler_kwargs={"dashboard_address": http, "dashboard": dashboard},
                worker_dashboard_address=None)


@contextmanager
def dask_client(scheduler: str | None, *, n_workers: int, threads_per_worker: int,
                processes: bool, dashboard: bool = False) -> Iterator:
    """Yield a ``dask.distributed.Client`` on ``scheduler`` or on a LocalCluster of
    ``n_workers`` × ``threads_per_worker`` (closed again on exit).

    The LocalCluster listens on the loopback interface only (see :func:`local_cluster_options`)."""
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
            cluster = LocalCluster(**local_cluster_options(n_workers, threads_per_worker, processes, dashboard))
            client = Client(cluster)
        with client:
            yield client
    finally:
        if cluster is not None:
            cluster.close()
