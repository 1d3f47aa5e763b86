"""Read VOSviewer map and network files back into a :class:`KeywordMap` (cross-tool exchange).

Map file (tab-separated, header): ``id``, ``label`` required; ``x``, ``y``,
``cluster``, ``weight<Occurrences>`` (or ``weight<Documents>``) used when
present (VOSviewer writes them; other ``weight<…>``/``score<…>`` columns are
ignored).  Network file (tab-separated, no header): ``id1 id2 strength`` with
the link strength c_ij.  A VOSviewer JSON file (``.json``: ``network.items``
with id, label, x, y, cluster, weights; ``network.links`` with source_id,
target_id, strength) holds both.  Total link strengths and link counts are recomputed
from the network, normalised strengths s_ij with ``normalization``; clusters
come from the map file (Leiden when it has none), coordinates from the map file
(the force layout when it has none).  VOSviewer thesaurus files are read by
``normalize.read_thesaurus``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import InputError
from .cooccurrence import Cooccurrence
from .network import KeywordMap, keyword_map

_MAP_EXPECTED = "VOSviewer map file: tab-separated header with 'id' and 'label' (x, y, cluster, weight<Occurrences>)"
_NET_EXPECTED = "VOSviewer network file: 'id1<TAB>id2<TAB>strength' lines, ids from the map file"
_JSON_EXPECTED = "VOSviewer JSON: {'network': {'items': [{id, label, x, y, cluster, weights}], 'links': [...]}}"


def _table(path: Path, expected: str, **kw) -> pd.DataFrame:
    from .readers import decode

    if not path.is_file():
        raise InputError(path, "file not found", expected=expected)
    from io import StringIO

    try:
        return pd.read_csv(StringIO(decode(path.read_bytes(), path)), sep="\t", dtype=str, keep_default_na=False,
                           **kw)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path, f"unreadable table ({' '.join(str(exc).split())})", expected=expected) from None


def _numbers(path: Path, frame: pd.DataFrame, column: str, expected: str, *, integer: bool = False,
             row: str = "line", first: int = 2) -> np.ndarray:
    values = pd.to_numeric(frame[column].astype(str).str.strip(), errors="coerce")
    bad = np.flatnonzero(values.isna() | (integer and (values % 1 != 0)))
    if len(bad):
        raise InputError(path, f"column '{column}' holds {frame[column].iloc[bad[0]]!r}",
                         where=f"{row} {bad[0] + first}", expected=expected)
    return values.to_numpy(dtype=np.int64 if integer else np.float64)


def _json_tables(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """VOSviewer JSON → (items with the map file's columns, links as id1/id2/strength)."""
    import json

    from .readers import decode

    if not path.is_file():
        raise InputError(path, "file not found", expected=_JSON_EXPECTED)
    try:
        network = json.loads(decode(path.read_bytes(), path))["network"]
        items = pd.DataFrame([{"id": it["id"], "label": it["label"],
                               **{k: it[k] for k in ("x", "y", "cluster") if k in it},
                               **({"weight<Occurrences>": it["weights"]["Occurrences"]}
                                  if "Occurrences" in it.get("weights", {}) else {})}
                              for it in network["items"]])
        links = pd.DataFrame([(lk["source_id"], lk["target_id"], lk.get("strength", 1)) for lk in
                              network.get("links", [])], columns=["id1", "id2", "strength"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(path, f"not a VOSviewer JSON network ({type(exc).__name__}: {exc})",
                         expected=_JSON_EXPECTED) from None
    return items, links


def read_vosviewer(map_path: str | Path, network_path: str | Path | None = None, *,
                   normalization: str = "association", resolution: float = 1.0, seed: int = 0) -> KeywordMap:
    """A keyword map from a VOSviewer map file and (optionally) its network file, or from a
    VOSviewer JSON file (``network.items`` / ``network.links``; suffix ``.json``)."""
    map_path = Path(map_path)
    if map_path.suffix.lower() == ".json":
        items, net = _json_tables(map_path)
        return _keyword_map(map_path, items, map_path, net, "item", 1, normalization, resolution, seed)
    items = _table(map_path, _MAP_EXPECTED)
    net = None
    if network_path is not None:
        network_path = Path(network_path)
        net = _table(network_path, _NET_EXPECTED, header=None)
        if net.shape[1] < 2:
            raise InputError(network_path, f"{net.shape[1]} column(s)", where="line 1", expected=_NET_EXPECTED)
        net.columns = ["id1", "id2", "strength"][:net.shape[1]] + [f"extra{k}" for k in range(net.shape[1] - 3)]
    return _keyword_map(map_path, items, network_path, net, "line", 2, normalization, resolution, seed)


def _keyword_map(map_path: Path, items: pd.DataFrame, network_path: Path | None, net: pd.DataFrame | None,
                 row: str, first: int, normalization: str, resolution: float, seed: int) -> KeywordMap:
    items.columns = [str(c).strip() for c in items.columns]
    missing = [c for c in ("id", "label") if c not in items.columns]
    if missing:
        raise InputError(map_path, f"header lacks column '{missing[0]}'", where=f"{row} 1", expected=_MAP_EXPECTED)
    ids = _numbers(map_path, items, "id", _MAP_EXPECTED, integer=True, row=row, first=first)
    if len(set(ids.tolist())) != len(ids):
        raise InputError(map_path, "repeated item id", expected="one line per item id")
    occurrence_col = next((c for c in ("weight<Occurrences>", "weight<Documents>") if c in items.columns), None)
    occ = (_numbers(map_path, items, occurrence_col, _MAP_EXPECTED, integer=True, row=row, first=first)
           if occurrence_col else np.zeros(len(ids), dtype=np.int64))
    order = np.lexsort((np.arange(len(ids)), -occ))  # nodes most frequent first, as interstore orders them
    items, ids, occ = items.iloc[order].reset_index(drop=True), ids[order], occ[order]
    n = len(ids)
    position = {int(i): k for k, i in enumerate(ids.tolist())}
    counts = sparse.csr_matrix((n, n))
    if net is not None and len(net):
        net_row, net_first = ("item", 1) if row == "item" else ("line", 1)
        a = _numbers(network_path, net, "id1", _NET_EXPECTED, integer=True, row=net_row, first=net_first)
        b = _numbers(network_path, net, "id2", _NET_EXPECTED, integer=True, row=net_row, first=net_first)
        w = (_numbers(network_path, net, "strength", _NET_EXPECTED, row=net_row, first=net_first)
             if "strength" in net else np.ones(len(a)))
        unknown = [k for k, (p, q) in enumerate(zip(a.tolist(), b.tolist())) if p not in position or q not in position]
        if unknown:
            raise InputError(network_path, f"item id {int(a[unknown[0]])} or {int(b[unknown[0]])} is not in "
                             f"{map_path.name}", where=f"{net_row} {unknown[0] + 1}", expected=_NET_EXPECTED)
        rows = np.array([position[p] for p in a.tolist()], dtype=np.int64)
        cols = np.array([position[q] for q in b.tolist()], dtype=np.int64)
        counts = sparse.coo_matrix((np.r_[w, w], (np.r_[rows, cols], np.r_[cols, rows])), shape=(n, n)).tocsr()
        counts.setdiag(0)
        counts.eliminate_zeros()
    co = Cooccurrence(tuple(items["label"].astype(str).str.strip()), occ, counts, "as read")
    m = keyword_map(co, normalization=normalization, resolution=resolution, seed=seed)
    if "cluster" in items.columns:
        m = replace(m, cluster=_numbers(map_path, items, "cluster", _MAP_EXPECTED, integer=True, row=row,
                                        first=first))
    if "x" in items.columns and "y" in items.columns:
        xy = np.column_stack([_numbers(map_path, items, "x", _MAP_EXPECTED, row=row, first=first),
                              _numbers(map_path, items, "y", _MAP_EXPECTED, row=row, first=first)])
        m = replace(m, xy=xy, layout="as read")
    return m
