"""Run independent calculations serially or on a dask.distributed cluster, with a progress bar.

``workers <= 1`` and no scheduler: in-process, one task after another.
``workers > 1``: a ``LocalCluster`` of that many single-threaded processes
(each loads the potential once).  ``scheduler="tcp://host:port"``: an existing
dask scheduler.  The runner is a context manager so a cluster lives for a
whole scan.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Sequence

from ..errors import InputError


class TaskRunner:
    """Map a function over items with a rich progress bar; serial or through dask.distributed."""

    def __init__(self, workers: int = 1, scheduler: str | None = None, *, show_progress: bool = True) -> None:
        if int(workers) != workers or workers < 1:
            raise InputError("option --workers", f"got {workers!r}", expected="an integer >= 1")
        self.workers = int(workers)
        self.scheduler = scheduler
        self.show_progress = show_progress
        self._client = None
        self._session = None  # the dask_client context while a cluster is in use
        self._progress = None

    @property
    def distributed(self) -> bool:
        return self.workers > 1 or bool(self.scheduler)

    def __enter__(self) -> "TaskRunner":
        if self.distributed:
            from ..cluster import dask_client

            self._session = dask_client(self.scheduler, n_workers=self.workers, threads_per_worker=1,
                                        processes=True)  # processes: each loads the potential once
            self._client = self._session.__enter__()
        if self.show_progress:
            from rich.progress import Progress

            from ..cli_support import console

            # quiet when stdout is not a terminal (logs, CI, notebooks capturing output)
            self._progress = Progress(transient=True, disable=not console.is_terminal)
            self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._progress is not None:
            self._progress.stop()
        if self._session is not None:
            self._session.__exit__(*exc)
        self._client = self._session = self._progress = None

    def track(self, items: Iterable, description: str, total: int | None = None) -> Iterator:
        """Iterate over ``items`` showing a progress bar (only inside ``with TaskRunner(...)``)."""
        total = len(items) if total is None else total
        task = None if self._progress is None else self._progress.add_task(description, total=total)
        for item in items:
            yield item
            if task is not None:
                self._progress.advance(task)
        if task is not None:
            self._progress.remove_task(task)

    @contextmanager
    def steps(self, description: str, total: int) -> Iterator[Callable[[], None]]:
        """A progress bar of ``total`` steps; the yielded function advances it by one (optimizer steps)."""
        if self._progress is None:
            yield lambda: None
            return
        task = self._progress.add_task(description, total=total)
        try:
            yield lambda: self._progress.advance(task)
        finally:
            self._progress.remove_task(task)

    def map(self, fn: Callable, items: Sequence, description: str = "working") -> list:
        """``[fn(x) for x in items]`` in order, serially or on the cluster, with a progress bar."""
        if self._client is None:
            return [fn(item) for item in self.track(items, description)]
        from dask.distributed import as_completed

        futures = self._client.map(fn, items, pure=False)
        for _ in self.track(as_completed(futures), description, total=len(futures)):
            pass
        return self._client.gather(futures)
