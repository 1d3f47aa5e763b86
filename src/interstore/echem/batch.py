"""Batch analysis of a cycler archive: every supported file → one tidy table of per-cycle figures.

Files come from a folder (searched recursively), a glob pattern or a single path.  Each file is read
with the format registry (:func:`~interstore.echem.readers.read_measurement`) and analysed with
:func:`~interstore.echem.galvanostatic.analyze_cycling` exactly as ``interstore gcd analyze`` does, so
the per-cycle capacities are the same numbers.  Files recorded with a non-cycling technique (CV, LSV,
EIS, chronoamperometry) are skipped, unreadable ones listed with their one-line error; neither stops
the batch.

Labels (electrode, cell, rate) and the active mass come from a regular expression with named groups
applied to the file name (``(?P<electrode>[^_]+)_(?P<cell>\\d+)``) or from a small CSV table with a
``file`` column (name or path) and any of ``electrode``, ``cell``, ``rate``, ``mass_mg``.

Columns of the table (units in the names): see :data:`COLUMNS`; ``*_mAh_g`` columns are per g of
active material and filled only when the mass is known (table, or the file's own record).
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from ..errors import InputError

SUFFIXES = (".mpt", ".mpr", ".nda", ".ndax", ".dta", ".csv", ".txt")
LABELS = ("electrode", "cell", "rate")
NON_CYCLING_WORDS = ("voltammetry", "impedance", "chrono")   # in a technique name: not a cycling file
NON_CYCLING_NAMES = ("cv", "lsv", "eis", "peis", "geis")
COLUMNS = ("file", "electrode", "cell", "rate", "cycle", "rate_step", "current_A", "discharge_capacity_mAh",
           "charge_capacity_mAh", "coulombic_efficiency_pct", "capacity_retention_pct", "discharge_energy_mWh",
           "discharge_average_voltage_V", "discharge_duration_s", "active_mass_mg", "discharge_capacity_mAh_g",
           "charge_capacity_mAh_g")


def find_files(target: str | Path) -> list[Path]:
    """Supported files under a folder (recursive), matching a glob pattern, or the one file named."""
    text = str(target)
    p = Path(text)
    if p.is_dir():
        found = [f for f in p.rglob("*") if f.is_file()]
    elif p.is_file():
        found = [p]
    elif any(ch in text for ch in "*?["):
        found = [Path(f) for f in glob.glob(text, recursive=True) if Path(f).is_file()]
    else:
        raise InputError(text, "no such file or folder", expected="a folder, a glob pattern or a file")
    files = sorted(f for f in found if f.suffix.lower() in SUFFIXES and not f.name.startswith("."))
    if not files:
        raise InputError(text, "no supported file found", expected=f"files ending in {', '.join(SUFFIXES)}")
    return files


@dataclass(frozen=True)
class Grouping:
    """Labels and masses per file: a regex on the file name and/or a table keyed by file."""

    pattern: re.Pattern | None = None
    table: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def from_options(cls, pattern: str | None, table_path: str | Path | None) -> "Grouping":
        regex = None
        if pattern is not None:
            try:
                regex = re.compile(pattern)
            except re.error as exc:
                raise InputError("parameter 'pattern'", f"not a regular expression: {exc}",
                                 expected="a regex with named groups, e.g. (?P<electrode>[^_]+)_(?P<cell>\\d+)") from None
            unknown = set(regex.groupindex) - set(LABELS)
            if unknown:
                raise InputError("parameter 'pattern'", f"unknown group name(s) {', '.join(sorted(unknown))}",
                                 expected=f"named groups among {', '.join(LABELS)}")
        rows: dict[str, dict] = {}
        if table_path is not None:
            rows = _read_table(Path(table_path))
        return cls(regex, rows)

    def labels(self, path: Path) -> dict:
        """{electrode, cell, rate, mass_mg} for one file (None where unknown)."""
        out = {k: None for k in (*LABELS, "mass_mg")}
        if self.pattern is not None:
            m = self.pattern.search(path.name)
            if m:
                out |= {k: v for k, v in m.groupdict().items() if v is not None}
        row = self.table.get(str(path.resolve())) or self.table.get(path.name)
        if row:
            out |= {k: v for k, v in row.items() if v is not None}
        return out


def _read_table(path: Path) -> dict[str, dict]:
    if not path.is_file():
        raise InputError(path, "table not found", expected="a CSV file with a 'file' column")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a readable CSV table: {exc}", expected="file,electrode,cell,rate,mass_mg") from None
    if "file" not in frame.columns:
        raise InputError(path, "no 'file' column", expected="a header with file and any of electrode, cell, rate, mass_mg")
    extra = set(frame.columns) - {"file", *LABELS, "mass_mg"}
    if extra:
        raise InputError(path, f"unknown column(s) {', '.join(sorted(extra))}", expected="file, electrode, cell, rate, mass_mg")
    rows = {}
    for line, rec in enumerate(frame.to_dict("records"), start=2):
        entry = {k: (rec.get(k) or None) for k in (*LABELS, "mass_mg")}
        if entry["mass_mg"] is not None:
            try:
                mass = float(entry["mass_mg"])
            except ValueError:
                mass = float("nan")
            if not (np.isfinite(mass) and 0 < mass < 1e6):
                raise InputError(path, f"mass_mg {entry['mass_mg']!r}", where=f"line {line}",
                                 expected="a positive mass in mg below 10⁶")
            entry["mass_mg"] = mass
        f = Path(rec["file"])
        rows[str((path.parent / f).resolve()) if f.parent != Path(".") else f.name] = entry
    return rows


def cycle_rows(path: str | Path, labels: dict | None = None, *, instrument: str | None = None) -> dict:
    """Per-cycle rows of one file (the batch's unit of work; runs on a dask worker).

    Returns ``{"file", "rows": [...]}`` on success, ``{"file", "skipped": reason}`` for a non-cycling
    technique and ``{"file", "error": one line}`` for an unreadable file."""
    from ..massbasis import ElectrodeMasses
    from .galvanostatic import analyze_cycling, capacity_retention_pct
    from .readers import read_measurement

    labels = dict(labels or {})
    mass_mg = labels.pop("mass_mg", None)
    name = str(path)
    try:
        m = read_measurement(path, instrument=instrument)
        tech = (m.technique or "").lower()
        if tech in NON_CYCLING_NAMES or any(word in tech for word in NON_CYCLING_WORDS):
            return {"file": name, "skipped": f"technique {m.technique!r} is not galvanostatic cycling"}
        mass_g = mass_mg * 1e-3 if mass_mg is not None else m.active_mass_g
        analysis = analyze_cycling(m, ElectrodeMasses(mass_g if mass_g else 1.0))
    except InputError as exc:
        return {"file": name, "error": exc.one_line()}
    except (OSError, ValueError, KeyError, IndexError) as exc:  # a reader's library choking on a damaged file
        return {"file": name, "error": f"{name}: {type(exc).__name__}: {exc}"}
    q_dis = [c.discharge.capacity_mAh if c.discharge else np.nan for c in analysis.cycles]
    kept = capacity_retention_pct(q_dis, [c.rate_step for c in analysis.cycles])
    rows = []
    for c, q, r in zip(analysis.cycles, q_dis, kept):
        d, ch = c.discharge, c.charge
        q_ch = ch.capacity_mAh if ch is not None else np.nan
        rows.append({"file": name, **{k: labels.get(k) for k in LABELS}, "cycle": c.cycle, "rate_step": c.rate_step,
                     "current_A": (d or ch).current_A, "discharge_capacity_mAh": q, "charge_capacity_mAh": q_ch,
                     "coulombic_efficiency_pct": c.coulombic_efficiency_pct, "capacity_retention_pct": r,
                     "discharge_energy_mWh": d.energy_mWh if d is not None else np.nan,
                     "discharge_average_voltage_V": d.average_voltage_V if d is not None else np.nan,
                     "discharge_duration_s": d.duration_s if d is not None else np.nan,
                     "active_mass_mg": 1e3 * mass_g if mass_g else np.nan,
                     "discharge_capacity_mAh_g": q / mass_g if mass_g else np.nan,
                     "charge_capacity_mAh_g": q_ch / mass_g if mass_g else np.nan})
    return {"file": name, "rows": rows}


@dataclass(frozen=True, eq=False)
class BatchResult:
    table: pd.DataFrame             # one row per cycle per file, columns :data:`COLUMNS`
    skipped: tuple[tuple[str, str], ...]
    errors: tuple[tuple[str, str], ...]

    @property
    def n_files(self) -> int:
        return int(self.table["file"].nunique()) if len(self.table) else 0


def collect(results: Iterable[dict]) -> BatchResult:
    """Assemble worker results into one table (sorted by file and cycle)."""
    rows, skipped, errors = [], [], []
    for r in results:
        if "rows" in r:
            rows += r["rows"]
        elif "skipped" in r:
            skipped.append((r["file"], r["skipped"]))
        else:
            errors.append((r["file"], r["error"]))
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    for k in LABELS:
        table[k] = table[k].astype("string")
    table = table.sort_values(["file", "cycle"], kind="stable").reset_index(drop=True)
    return BatchResult(table, tuple(sorted(skipped)), tuple(sorted(errors)))


def _rows_of_chunk(chunk: list[tuple[str, dict]], instrument: str | None) -> list[dict]:
    """:func:`cycle_rows` of several files: one dask task, so the per-task overhead is paid once per chunk."""
    return [cycle_rows(f, lab, instrument=instrument) for f, lab in chunk]


def run_batch(files: list[Path], grouping: Grouping = Grouping(), *, client=None, instrument: str | None = None,
              advance: Callable[[int], None] | None = None, chunk_size: int | None = None) -> BatchResult:
    """Analyse every file, on the dask ``client`` when given, else in this process; ``advance(n)`` is
    called as files finish.  On dask, files go in chunks (default: about 8 chunks per worker, at most
    50 files each), since one small file takes milliseconds, about as long as dask's overhead per task."""
    tick = advance or (lambda n: None)
    jobs = [(str(f), grouping.labels(Path(f))) for f in files]
    if client is None:
        out = []
        for f, lab in jobs:
            out.append(cycle_rows(f, lab, instrument=instrument))
            tick(1)
        return collect(out)
    from dask.distributed import as_completed

    workers = max(len(client.scheduler_info().get("workers", {})), 1)
    size = chunk_size or max(1, min(50, -(-len(jobs) // (8 * workers))))
    chunks = [jobs[k:k + size] for k in range(0, len(jobs), size)]
    futures = [client.submit(_rows_of_chunk, c, instrument, pure=False) for c in chunks]
    out = []
    for fut in as_completed(futures):
        part = fut.result()
        out += part
        tick(len(part))
    return collect(out)


UNITS = {"current_A": "A", "discharge_capacity_mAh": "mAh", "charge_capacity_mAh": "mAh",
         "coulombic_efficiency_pct": "% (discharge/charge)", "capacity_retention_pct": "% of the rate step's first discharge",
         "discharge_energy_mWh": "mWh", "discharge_average_voltage_V": "V", "discharge_duration_s": "s",
         "active_mass_mg": "mg", "discharge_capacity_mAh_g": "mAh per g active",
         "charge_capacity_mAh_g": "mAh per g active"}


def write_tables(result: BatchResult, out: Path) -> list[Path]:
    """``cycles.parquet`` (units in the schema metadata), ``cycles.csv`` and ``files.csv`` (skipped and failed
    files with the reason), each written atomically."""
    import io
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..outputs import _atomic_write_bytes, write_csv

    table = pa.Table.from_pandas(result.table, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           b"interstore_units": json.dumps(UNITS, ensure_ascii=False).encode()})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    status = pd.DataFrame([(f, "skipped", why) for f, why in result.skipped]
                          + [(f, "error", why) for f, why in result.errors], columns=["file", "status", "reason"])
    return [_atomic_write_bytes(out / "cycles.parquet", buf.getvalue()), write_csv(out / "cycles.csv", result.table),
            write_csv(out / "files.csv", status)]
