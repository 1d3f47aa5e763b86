"""TaskRunner: serial and dask.distributed (LocalCluster) give the same ordered results."""

from __future__ import annotations

import math

import pytest

from interstore.atomistic.parallel import TaskRunner
from interstore.errors import InputError


def _work(x: float) -> float:
    return math.sqrt(x) + x ** 2


@pytest.mark.slow
def test_local_cluster_matches_serial():
    items = [float(i) for i in range(7)]
    with TaskRunner(1, show_progress=False) as serial:
        expected = serial.map(_work, items)
    with TaskRunner(2, show_progress=False) as runner:
        assert runner.distributed
        got = runner.map(_work, items, "testing")
    assert got == expected == [_work(x) for x in items]


def test_bad_workers_and_unreachable_scheduler():
    with pytest.raises(InputError, match="--workers"):
        TaskRunner(0)
    with pytest.raises(InputError, match="--scheduler"):
        with TaskRunner(1, "tcp://127.0.0.1:9", show_progress=False):
            pass
