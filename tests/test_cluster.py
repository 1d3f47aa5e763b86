"""No open door: a LocalCluster started by interstore is reachable from this machine only."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.error
import urllib.request

import psutil
import pytest

from interstore.cluster import dask_client

LOOPBACK = "127.0.0.1"


def _listening(pids):
    out = []
    for pid in pids:
        for conn in psutil.Process(pid).net_connections("inet"):
            if conn.status == psutil.CONN_LISTEN:
                out.append((pid, conn.laddr.ip, conn.laddr.port))
    return out


@pytest.mark.parametrize("processes", [False, True])
def test_local_cluster_listens_on_loopback_only_and_never_probes_outside(processes, monkeypatch):
    contacted = []
    real_connect = socket.socket.connect

    def record(sock, address):
        contacted.append(address)
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", record)
    me = psutil.Process()
    before = {(ip, port) for _, ip, port in _listening([me.pid])}
    with dask_client(None, n_workers=1, threads_per_worker=1, processes=processes) as client:
        assert client.scheduler.address.startswith(f"tcp://{LOOPBACK}:")
        pids = [me.pid] + [c.pid for c in me.children(recursive=True)]
        sockets = [s for s in _listening(pids) if (s[1], s[2]) not in before]
        assert sockets, "the cluster should listen somewhere"
        assert all(ipaddress.ip_address(ip).is_loopback for _, ip, _ in sockets), sockets
        assert all(port != 8787 for _, _, port in sockets), "no dashboard on dask's default port"
        for port in {p for pid, ip, p in sockets if pid == me.pid}:  # the scheduler's HTTP endpoint
            try:
                with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/status", timeout=2) as resp:
                    assert resp.status != 200, "a dashboard page is served"
            except (urllib.error.URLError, http.client.HTTPException, OSError):
                pass  # not HTTP, or 404: no dashboard page
    outside = [a for a in contacted if isinstance(a, tuple) and not ipaddress.ip_address(
        socket.gethostbyname(a[0]) if not a[0][0].isdigit() and ":" not in a[0] else a[0]).is_loopback]
    assert outside == [], f"contacted a non-loopback address: {outside}"
