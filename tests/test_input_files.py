"""Input files met the same way by every reader: size limit, binary head, text encodings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
DEMO = HERE.parent / "examples" / "demo_study"


def _interstore(*args, env_extra=None, timeout=120, rss_file=None):
    env = dict(os.environ, PYTHONPATH=str(SRC), OMP_NUM_THREADS="1", **(env_extra or {}))
    # VmHWM: the peak RSS of this process image alone (ru_maxrss would carry the forking pytest
    # process's own peak across exec, e.g. after the torch tests)
    record = ("import atexit, re\natexit.register(lambda: open(%r, 'w').write(re.search(r'VmHWM:\\s+(\\d+)', "
              "open('/proc/self/status').read()).group(1)))\n" % str(rss_file)) if rss_file else ""
    code = f"import sys\n{record}from interstore.cli import main\nsys.exit(main())\n"
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)


def _valid_csv(path: Path, rows: int) -> Path:
    with open(path, "w") as fh:
        fh.write("time_s,potential_V,current_A\n")
        for k in range(rows):
            fh.write(f"{k},{0.5 + 1e-6 * k:.6f},{1e-3 if (k // 1000) % 2 else -1e-3}\n")
    return path


def test_a_file_over_the_size_limit_is_refused_and_the_error_names_the_variable(tmp_path):
    big = _valid_csv(tmp_path / "big.csv", 60000)  # ~1.5 MiB
    res = _interstore("read", big, env_extra={"INTERSTORE_MAX_INPUT_MB": "1"})
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [res.stderr.strip()]
    assert "over the 1 MiB limit" in res.stderr and "INTERSTORE_MAX_INPUT_MB" in res.stderr
    assert _interstore("read", big, env_extra={"INTERSTORE_MAX_INPUT_MB": "4"}).returncode == 0


def _peak_rss_mib_of(*args, env_extra=None):
    """Run the command; its own peak RSS (MiB), recorded by the child as it exits."""
    with tempfile.TemporaryDirectory() as tmp:
        rss = Path(tmp) / "rss"
        res = _interstore(*args, env_extra=env_extra, rss_file=rss)
        return res, int(rss.read_text()) / 1024  # VmHWM is in kB


@pytest.mark.parametrize("name", ["zeros.csv", "zeros.mpt", "zeros.txt"])
def test_a_2_gib_sparse_file_is_called_binary_after_reading_its_head(tmp_path, name):
    sparse = tmp_path / name
    with open(sparse, "wb") as fh:
        fh.truncate(2 * 2**30)  # 2 GiB of zeros, no disk used
    res = _interstore("read", sparse)  # default limit: refused by size, nothing read
    assert res.returncode == 2 and "over the 512 MiB limit" in res.stderr
    res, peak = _peak_rss_mib_of("read", sparse, env_extra={"INTERSTORE_MAX_INPUT_MB": "4096"})
    assert res.returncode == 2 and "binary content" in res.stderr, res.stderr
    assert peak < 600, f"peak RSS {peak:.0f} MiB: the file was read whole"


def test_a_2_gib_sparse_manifest_is_refused_without_reading_it(tmp_path):
    sparse = tmp_path / "study.toml"
    with open(sparse, "wb") as fh:
        fh.truncate(2 * 2**30)
    res, peak = _peak_rss_mib_of("evidence", "verdict", sparse)
    assert res.returncode == 2 and "over the 16 MiB limit" in res.stderr
    assert peak < 600


SCOPUS_1252 = ('"Authors","Title","Year","Author Keywords","Index Keywords","DOI"\r\n'
               '"Müller A.","“Interface” storage in V₂O₅–rGO","2024","Zn-ion; interface storage; café","",'
               '"10.1/a"\r\n'
               '"Nuñez B.","Heterostructure cathodes","2023","Zn-ion; interface storage","","10.1/b"\r\n')


def test_a_windows_1252_scopus_csv_is_decoded_with_a_warning(run_cli, tmp_path):
    export = tmp_path / "scopus.csv"
    export.write_bytes(SCOPUS_1252.replace("₂", "2").replace("₅", "5").encode("cp1252"))
    from interstore.literature.readers import read_export

    with pytest.warns(UserWarning, match="decoded as Windows-1252"):
        records = read_export(export)
    assert "café" in records[0].author_keywords and records[1].title == "Heterostructure cathodes"
    code, out, err = run_cli("literature", "network", export, "--min-occurrences", "1", "--json", tmp_path / "n.json")
    assert code == 0, err
    assert "Windows-1252" in err and "warning" not in out.lower()
    labels = {n["keyword"] for n in json.loads((tmp_path / "n.json").read_text())["nodes"]}
    assert any("café" in k for k in labels)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_exports_decode_without_a_warning(tmp_path, encoding, recwarn):
    from interstore.literature.readers import read_export

    export = tmp_path / "scopus.csv"
    export.write_bytes(SCOPUS_1252.encode(encoding))
    records = read_export(export)
    assert len(records) == 2 and not [w for w in recwarn if "decoded as" in str(w.message)]
