"""What a report was made from: every input file (absolute path, size, SHA-256) and the versions
of interstore and of the libraries that produced its numbers, so a report can be reproduced
and audited."""

from __future__ import annotations

import hashlib
import platform
from pathlib import Path

LIBRARIES = ("interstore", "numpy", "scipy", "pandas", "matplotlib", "plotly", "pydantic", "galvani",
             "NewareNDA", "impedance", "pymatgen", "ase", "networkx", "igraph", "leidenalg", "dask",
             "distributed", "torch", "chgnet")


def library_versions(names=LIBRARIES) -> dict[str, str | None]:
    """Installed version of each distribution (``None`` when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def file_record(path: str | Path) -> dict:
    """Absolute path, size (bytes) and SHA-256 of one file, read in 1 MiB blocks."""
    p = Path(path).resolve()
    digest = hashlib.sha256()
    with open(p, "rb") as fh:
        for block in iter(lambda: fh.read(2**20), b""):
            digest.update(block)
    return {"path": str(p), "size_bytes": p.stat().st_size, "sha256": digest.hexdigest()}


def study_inputs(study) -> list[dict]:
    """The manifest and every file it names (resolved against the manifest's folder)."""
    from ..evidence.manifest import _path_fields

    paths = [study.path] + [study.resolve(rel) for _, rel in _path_fields(study.manifest)]
    seen, records = set(), []
    for p in paths:
        rec = file_record(p)
        if rec["path"] not in seen:
            seen.add(rec["path"])
            records.append(rec)
    return records


def provenance(study) -> dict:
    """``{"files": [...], "versions": {...}, "python": "3.11.7"}`` for report.json."""
    return {"files": study_inputs(study), "versions": library_versions(), "python": platform.python_version()}


def provenance_section(prov: dict) -> str:
    """HTML: the input files and the library versions (every string escaped)."""
    from .html import esc, html_table

    files = html_table(["file (absolute path)", "size (bytes)", "SHA-256"],
                       [[f["path"], f["size_bytes"], f["sha256"]] for f in prov["files"]], numeric_from=99)
    versions = ", ".join(f"{esc(k)} {esc(v)}" for k, v in prov["versions"].items() if v is not None)
    return files + f"<p>Python {esc(prov['python'])}; {versions}.</p>"
