"""Benchmark: 50 000 synthetic Scopus records → keyword network, interstore beside a minimal pipeline.

Both pipelines run in one invocation of this script, each as a child process
(a command line anyone can run; wall, user + system CPU and peak RSS from
``os.wait4``, as ``/usr/bin/time -v`` reports them, interpreter start and
imports included); they read the same generated CSV with the same
``--min-occurrences``:

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
Printed per pipeline: wall time, CPU time, peak RSS, the interstore / minimal ratios, a met/missed verdict against the targets
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


def _run(cmd: list[str]) -> dict:
    """Run ``cmd`` as a child process; its wall time, CPU time (user + system) and peak RSS (wait4)."""
    import subprocess

    w0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - w0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if status != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} … failed ({status}): {err[-500:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def _commands(src: Path, tmp: Path, min_occurrences: int) -> dict[str, list[str]]:
    """The two pipelines as command lines anyone can run (and time with /usr/bin/time -v)."""
    out = tmp / "interstore"
    return {
        "minimal": [sys.executable, __file__, "--minimal", str(src), str(tmp / "minimal"),
                    "--min-occurrences", str(min_occurrences)],
        "interstore": [sys.executable, "-c", "import sys; from interstore.cli import main; sys.exit(main())",
                       "literature", "network", str(src), "--min-occurrences", str(min_occurrences),
                       "--out", str(out), "--json", str(out / "result.json")],
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=50_000)
    ap.add_argument("--min-occurrences", type=int, default=2, help="as the CLI's default (2)")
    ap.add_argument("--minimal", nargs=2, metavar=("CSV", "OUT"), help="run only the minimal pipeline (child)")
    args = ap.parse_args(argv)
    if args.minimal:
        print(minimal_pipeline(Path(args.minimal[0]), Path(args.minimal[1]), args.min_occurrences))
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import json

    from _measure import conditions, print_table

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "scopus.csv"
        synthetic_scopus_csv(src, args.records)
        size = src.stat().st_size / 2**20
        res = {name: _run(cmd) for name, cmd in _commands(src, tmp, args.min_occurrences).items()}
        out = json.loads((tmp / "interstore" / "result.json").read_text(encoding="utf-8"))
        minimal = pd_read_nodes(tmp / "minimal" / "keywords.csv")
    res["interstore"]["note"] = f"{out['n_keywords']} keywords, {out['n_links']} links, {out['n_clusters']} clusters"
    res["minimal"]["note"] = f"{minimal} keywords"
    i, m = res["interstore"], res["minimal"]
    rows = [(name, f"{r['wall']:.2f}", f"{r['cpu']:.2f}", f"{r['rss']:.0f}", r["note"]) for name, r in res.items()]
    rows.append(("ratio interstore / minimal", f"{i['wall'] / m['wall']:.2f}", f"{i['cpu'] / m['cpu']:.2f}",
                 f"{i['rss'] / m['rss']:.2f}", ""))
    print_table(["pipeline (whole process)", "wall (s)", "CPU user+sys (s)", "peak RSS (MiB)", "result"], rows,
                title=f"literature benchmark: {args.records} synthetic Scopus records ({size:.0f} MiB CSV), "
                      f"--min-occurrences {args.min_occurrences}, Python {sys.version.split()[0]}")
    cpu_ratio = i["cpu"] / m["cpu"]
    print(f"\nverdict: CPU {cpu_ratio:.2f} × minimal (target ≤ {CPU_TARGET}): "
          f"{'met' if cpu_ratio <= CPU_TARGET else 'MISSED'}; peak RSS {i['rss']:.0f} MiB "
          f"(target ≤ {RSS_TARGET:.0f} MiB): {'met' if i['rss'] <= RSS_TARGET else 'MISSED'}")
    print(conditions())


def pd_read_nodes(path: Path) -> int:
    """Number of keyword rows the minimal pipeline wrote."""
    with open(path, encoding="utf-8") as fh:
        return sum(1 for _ in fh) - 1


if __name__ == "__main__":
    main()
