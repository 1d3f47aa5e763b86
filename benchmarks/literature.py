"""Benchmark: 50 000 synthetic Scopus records → keyword network, interstore beside a minimal pipeline.

Both pipelines run in one invocation of this script, each in its own fresh
process (``multiprocessing`` spawn) so that each has its own peak resident
memory; they read the same generated CSV with the same ``--min-occurrences``:

* **interstore**: ``build_network`` (read, de-duplicate, normalise, count,
  association strength, Leiden) + ``write_network_files`` (force layout, HTML,
  PNG, SVG, VOSviewer map/network/JSON, GraphML, CSV) + the JSON result
  (``network_payload``), i.e. everything ``interstore literature network --out
  --json`` writes;
* **minimal**: ``pandas.read_csv`` of the four needed columns, DOI
  de-duplication, keywords split/stripped/case-folded with pandas string
  methods, ``scipy.sparse`` incidence product XᵀX, association strength,
  igraph + leidenalg (modularity), one CSV of nodes.

Keywords follow a Zipf law over a synthetic vocabulary (rank r drawn with
p ∝ r^−s; one word in six is a plural), 3–8 author keywords and 0–6 index
keywords (in capitals, as Keywords Plus) per record, 2 % of the records repeated.
Printed per pipeline: wall time, CPU time of the work and of the whole process
(interpreter start and imports included), peak RSS (``ru_maxrss`` of the child),
the interstore / minimal ratios, a met/missed verdict against the targets
(CPU ≤ 1.3 × minimal, peak RSS ≤ 600 MiB) and the load average.

    python benchmarks/literature.py [--records 50000] [--min-occurrences 2]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # same BLAS threads in both children; no oversubscription on 2 cores

CPU_TARGET = 1.3     # × the minimal pipeline's whole-process CPU time
RSS_TARGET = 600.0   # MiB peak resident memory


def synthetic_scopus_csv(path: Path, n_records: int, *, vocabulary: int = 40_000, zipf_s: float = 1.1,
                         seed: int = 1) -> None:
    """Write ``n_records`` Scopus-style rows with Zipf-distributed keywords."""
    import numpy as np

    rng = np.random.default_rng(seed)
    stems = ["zinc ion battery", "vanadium oxide", "interface", "cathode", "MXene", "rGO", "diffusion", "capacity",
             "electrolyte", "heterostructure", "kinetics", "vacancy", "DFT", "layered", "RuO2", "anode"]
    words = [f"{stems[i % len(stems)]} {i // len(stems)}" if i >= len(stems) else stems[i] for i in range(vocabulary)]
    words = [f"{w} electrodes" if i % 6 == 5 else w for i, w in enumerate(words)]  # plurals to fold
    p = 1.0 / np.arange(1, vocabulary + 1) ** zipf_s
    p /= p.sum()
    n_author = rng.integers(3, 9, n_records)
    n_index = rng.integers(0, 7, n_records)
    draws = rng.choice(vocabulary, size=int(n_author.sum() + n_index.sum()), p=p)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Authors", "Title", "Year", "DOI", "Abstract", "Author Keywords", "Index Keywords", "EID"])
        pos = 0
        for i in range(n_records):
            a = draws[pos:pos + n_author[i]]
            pos += n_author[i]
            x = draws[pos:pos + n_index[i]]
            pos += n_index[i]
            row = [f"Author {i}", f"Synthetic record {i}", str(2000 + i % 25), f"10.5555/bench.{i}",
                   f"Abstract of synthetic record {i}, " * 20, "; ".join(words[k] for k in a),
                   "; ".join(words[k].upper() for k in x), f"2-s2.0-{i}"]
            w.writerow(row)
            if i % 50 == 0:  # 2 % duplicates, DOI in upper case
                w.writerow(row[:3] + [row[3].upper()] + row[4:])


def interstore_pipeline(src: Path, out: Path, min_occurrences: int) -> str:
    """``interstore literature network SRC --out OUT --json OUT/result.json`` (the CLI, in this process)."""
    import contextlib
    import io
    import json

    from interstore.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["literature", "network", str(src), "--min-occurrences", str(min_occurrences), "--out", str(out),
                     "--json", str(out / "result.json")])
    if code != 0:
        raise RuntimeError(f"interstore exited with {code}")
    res = json.loads((out / "result.json").read_text(encoding="utf-8"))
    return f"{res['n_keywords']} keywords, {res['n_links']} links, {res['n_clusters']} clusters"


def minimal_pipeline(src: Path, out: Path, min_occurrences: int) -> str:
    """pandas read → sparse XᵀX → association strength → igraph + leidenalg → one CSV."""
    import igraph as ig
    import leidenalg
    import numpy as np
    import pandas as pd
    from scipy import sparse

    df = pd.read_csv(src, usecols=["Title", "DOI", "Author Keywords", "Index Keywords"], dtype=str,
                     keep_default_na=False)
    df = df[~df["DOI"].str.lower().duplicated()].reset_index(drop=True)
    kw = (df["Author Keywords"] + ";" + df["Index Keywords"]).str.split(";").explode()
    kw = kw.str.strip().str.casefold()
    kw = kw[kw != ""]
    pairs = pd.DataFrame({"doc": kw.index.to_numpy(), "key": kw.to_numpy()}).drop_duplicates()
    codes, keys = pd.factorize(pairs["key"])
    x = sparse.csr_matrix((np.ones(len(codes)), (pairs["doc"].to_numpy(), codes)), shape=(len(df), len(keys)))
    occ = np.asarray(x.sum(axis=0)).ravel()
    keep = np.flatnonzero(occ >= min_occurrences)
    xk = x[:, keep].tocsc()
    c = (xk.T @ xk).tocsr()
    c.setdiag(0)
    c.eliminate_zeros()
    k = np.asarray(c.sum(axis=1)).ravel()
    u = sparse.triu(c, k=1).tocoo()
    s = k.sum() * u.data / (k[u.row] * k[u.col])
    g = ig.Graph(n=len(keep), edges=np.column_stack([u.row, u.col]).tolist())
    part = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition, weights=s.tolist(), seed=0)
    out.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"keyword": keys[keep], "occurrences": occ[keep], "total_link_strength": k,
                  "cluster": part.membership}).to_csv(out / "keywords.csv", index=False)
    return f"{len(keep)} keywords, {len(u.data)} links, {max(part.membership) + 1} clusters"


def _child(name: str, src: str, out: str, min_occurrences: int, conn) -> None:
    import resource

    w0, c0 = time.perf_counter(), time.process_time()
    note = {"interstore": interstore_pipeline, "minimal": minimal_pipeline}[name](Path(src), Path(out),
                                                                                 min_occurrences)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    conn.send({"wall": wall, "cpu": cpu, "cpu_process": ru.ru_utime + ru.ru_stime, "rss": ru.ru_maxrss / 1024,
               "note": note})
    conn.close()


def _run(name: str, src: Path, out: Path, min_occurrences: int) -> dict:
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    w0 = time.perf_counter()
    proc = ctx.Process(target=_child, args=(name, str(src), str(out), min_occurrences, child))
    proc.start()
    result = parent.recv()
    proc.join()
    result["wall_process"] = time.perf_counter() - w0
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=50_000)
    ap.add_argument("--min-occurrences", type=int, default=2, help="as the CLI's default (2)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _measure import conditions, print_table

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "scopus.csv"
        synthetic_scopus_csv(src, args.records)
        size = src.stat().st_size / 2**20
        res = {name: _run(name, src, tmp / name, args.min_occurrences) for name in ("minimal", "interstore")}
    i, m = res["interstore"], res["minimal"]
    rows = [(name, f"{r['wall']:.2f}", f"{r['cpu']:.2f}", f"{r['wall_process']:.2f}", f"{r['cpu_process']:.2f}",
             f"{r['rss']:.0f}", r["note"]) for name, r in res.items()]
    rows.append(("ratio interstore / minimal", f"{i['wall'] / m['wall']:.2f}", f"{i['cpu'] / m['cpu']:.2f}",
                 f"{i['wall_process'] / m['wall_process']:.2f}", f"{i['cpu_process'] / m['cpu_process']:.2f}",
                 f"{i['rss'] / m['rss']:.2f}", ""))
    print_table(["pipeline", "work wall (s)", "work CPU (s)", "process wall (s)", "process CPU (s)",
                 "peak RSS (MiB)", "result"], rows,
                title=f"literature benchmark: {args.records} synthetic Scopus records ({size:.0f} MiB CSV), "
                      f"--min-occurrences {args.min_occurrences}, Python {sys.version.split()[0]}")
    cpu_ratio = i["cpu_process"] / m["cpu_process"]
    print(f"\nverdict: CPU {cpu_ratio:.2f} × minimal (target ≤ {CPU_TARGET}): "
          f"{'met' if cpu_ratio <= CPU_TARGET else 'MISSED'}; peak RSS {i['rss']:.0f} MiB "
          f"(target ≤ {RSS_TARGET:.0f} MiB): {'met' if i['rss'] <= RSS_TARGET else 'MISSED'}")
    print(conditions())


if __name__ == "__main__":
    main()
