"""Benchmark: 50 000 synthetic Scopus records → keyword network → all written outputs.

Keywords follow a Zipf law over a synthetic vocabulary (rank r drawn with
p ∝ r^−s), 3–8 author keywords and 0–6 index keywords per record, 2 % of the
records repeated (duplicates).  Prints wall time and the process's peak
resident memory (``resource.getrusage`` maxrss) after every stage, plus the
stage's CPU time (``time.process_time``) to tell slowness from a busy machine.

    python benchmarks/literature.py [--records 50000] [--min-occurrences 10]

The benchmark's default ``--min-occurrences`` is 10; the CLI's (``interstore literature``) is 2,
meant for small exports (see docs/literature.md for the cost of 5 and 2 at this size).

Targets (2-core machine): total < 30 s, peak memory < 2 GiB.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _measure import Laps, conditions, max_rss_mib, print_table, verdict


def synthetic_scopus_csv(path: Path, n_records: int, *, vocabulary: int = 40_000, zipf_s: float = 1.1,
                         seed: int = 1) -> None:
    """Write ``n_records`` Scopus-style rows with Zipf-distributed keywords."""
    rng = np.random.default_rng(seed)
    stems = ["zinc ion", "vanadium oxide", "interface", "cathode", "MXene", "rGO", "diffusion", "capacity",
             "electrolyte", "heterostructure", "kinetics", "vacancy", "DFT", "layered", "RuO2", "anode"]
    words = [f"{stems[i % len(stems)]} {i // len(stems)}" if i >= len(stems) else stems[i] for i in range(vocabulary)]
    p = 1.0 / np.arange(1, vocabulary + 1) ** zipf_s
    p /= p.sum()
    n_author = rng.integers(3, 9, n_records)
    n_index = rng.integers(0, 7, n_records)
    draws = rng.choice(vocabulary, size=int(n_author.sum() + n_index.sum()), p=p)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Authors", "Title", "Year", "DOI", "Author Keywords", "Index Keywords"])
        pos = 0
        for i in range(n_records):
            a = draws[pos:pos + n_author[i]]
            pos += n_author[i]
            x = draws[pos:pos + n_index[i]]
            pos += n_index[i]
            row = [f"Author {i}", f"Synthetic record {i}", "2024", f"10.5555/bench.{i}",
                   "; ".join(words[k] for k in a), "; ".join(words[k].upper() for k in x)]
            w.writerow(row)
            if i % 50 == 0:  # 2 % duplicates, DOI in upper case
                w.writerow(row[:3] + [row[3].upper()] + row[4:])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=50_000)
    ap.add_argument("--min-occurrences", type=int, default=10)
    args = ap.parse_args(argv)

    from interstore.literature.cooccurrence import cooccurrence, edge_list, incidence, normalize
    from interstore.literature.export import (graphml, keywords_frame, network_payload, vosviewer_json,
                                              vosviewer_map, vosviewer_network)
    from interstore.literature.network import KeywordMap, force_layout, leiden_clusters
    from interstore.literature.plot import network_figure, network_html
    from interstore.literature.readers import read_export
    from interstore.literature.records import deduplicate
    from interstore.outputs import save_figure, write_csv, write_json, write_text

    laps = Laps()  # each lap: wall and CPU time since the previous one, max RSS so far, a note
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "scopus.csv"
        laps.restart()
        synthetic_scopus_csv(src, args.records)
        laps.lap("write synthetic CSV (not counted)", f"{src.stat().st_size / 2**20:.1f} MiB")
        t_all, cpu_all = time.perf_counter(), time.process_time()
        records = read_export(src)
        laps.lap("read Scopus CSV", f"{len(records)} records")
        unique, removed = deduplicate(records)
        laps.lap("deduplicate", f"{removed} removed")
        inc = incidence(unique)
        laps.lap("normalise keywords + incidence", f"{inc.matrix.shape[1]} distinct keywords")
        co = cooccurrence(inc, min_occurrences=args.min_occurrences)
        laps.lap("co-occurrence (sparse XᵀX)", f"{len(co.labels)} keywords ≥ {args.min_occurrences}, "
                 f"{co.counts.nnz // 2} links")
        s = normalize(co, "association")
        i, j, c = edge_list(co.counts)
        _, _, w = edge_list(s)
        laps.lap("association strength")
        cl = leiden_clusters(len(co.labels), i, j, w, resolution=1.0, seed=0)
        laps.lap("Leiden clustering", f"{cl.max()} clusters")
        xy = force_layout(len(co.labels), i, j, w, seed=0)
        laps.lap("Fruchterman-Reingold layout")
        m = KeywordMap(co.labels, co.occurrences, co.total_link_strength, co.links, cl, xy, i, j, c, w,
                       "full", "association", 1.0, 0)
        out = tmp / "out"
        write_json(out / "network.json", network_payload(m))
        laps.lap("JSON (all nodes and links)", f"{(out / 'network.json').stat().st_size / 2**20:.1f} MiB")
        write_text(out / "vosviewer_map.txt", vosviewer_map(m))
        write_text(out / "vosviewer_network.txt", vosviewer_network(m))
        write_text(out / "vosviewer.json", json.dumps(vosviewer_json(m), ensure_ascii=False, separators=(",", ":")))
        write_text(out / "keyword_network.graphml", graphml(m))
        write_csv(out / "keywords.csv", keywords_frame(m))
        laps.lap("VOSviewer (map, network, JSON) + GraphML + CSV")
        fig = network_figure(m)
        save_figure(fig, out / "keyword_network.png")
        save_figure(fig, out / "keyword_network.svg")
        laps.lap("PNG + SVG (top 300 nodes / 1000 links)")
        write_text(out / "keyword_network.html", network_html(m))
        laps.lap("HTML (top 300 nodes / 1000 links)",
                 f"{(out / 'keyword_network.html').stat().st_size / 2**20:.1f} MiB")
    total, total_cpu = time.perf_counter() - t_all, time.process_time() - cpu_all
    peak = max_rss_mib()

    rows = [(m.label, f"{m.wall_s:.2f}", f"{m.cpu_s:.2f}", f"{m.rss_mib:.0f}", f"{m.load:.2f}", m.result)
            for m in laps.rows]
    rows.append(("TOTAL read → HTML", f"{total:.2f}", f"{total_cpu:.2f}", f"{peak:.0f}", "", ""))
    print_table(["stage", "wall (s)", "CPU (s)", "max RSS (MiB)", "load avg (1 min)", "note"], rows,
                title=f"interstore literature benchmark: {args.records} synthetic records (Zipf keywords), "
                      f"--min-occurrences {args.min_occurrences}, Python {sys.version.split()[0]}")
    print()
    verdict("literature read → HTML, wall", total, 30.0, unit=" s")
    verdict("literature read → HTML, max RSS", peak, 2048.0, unit=" MiB")
    print(conditions())


if __name__ == "__main__":
    main()
