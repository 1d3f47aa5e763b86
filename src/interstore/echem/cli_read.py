"""``interstore read FILE``: read any supported instrument file, summarise it and
write the canonical CSV (unit-named columns) and an overview figure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import ColumnsOption, InstrumentOption, JsonOption, OutOption, emit, table, warn


def _span(values) -> list[float]:
    return [float(values.min()), float(values.max())]


def measurement_summary(m, capacity_check=None) -> dict:
    """JSON-ready summary of a :class:`Measurement` (units in every key), with the
    comparison of the integrated charge against the file's own capacity column."""
    return {
        "source": m.source, "instrument": m.instrument, "technique": m.technique, "rows": len(m.data),
        "duration_s": float(m.time_s[-1] - m.time_s[0]), "potential_range_V": _span(m.potential_V),
        "current_range_A": _span(m.current_A), "cycles": int(len(set(m.cycle.tolist()))),
        "steps": int(len(set(m.step.tolist()))), "scan_rate_mV_s": m.scan_rate_mV_s,
        "active_mass_g": m.active_mass_g, "columns": list(m.data.columns), "extra": dict(m.extra),
        "capacity_check": None if capacity_check is None else capacity_check.to_dict(),
    }


def spectrum_summary(s) -> dict:
    """JSON-ready summary of an :class:`ImpedanceSpectrum`."""
    return {
        "source": s.source, "instrument": s.instrument, "rows": len(s.frequency_Hz),
        "frequency_range_Hz": _span(s.frequency_Hz), "z_real_range_ohm": _span(s.z_real_ohm),
        "z_imag_range_ohm": _span(s.z_imag_ohm), "columns": ["frequency_Hz", "z_real_ohm", "z_imag_ohm"],
        "zero_frequency_rows_dropped": s.zero_frequency_rows_dropped, "text_encoding": s.text_encoding,
    }


def zero_frequency_note(s) -> str | None:
    """The line stating how many rows at f = 0 Hz a reader dropped (``None`` when none)."""
    n = s.zero_frequency_rows_dropped
    return None if n == 0 else (f"{s.source}: {n} row(s) at f = 0 Hz (time-domain rows, no impedance) "
                                "were dropped")


def _fmt(value: float | None, unit: str) -> str:
    return "not recorded" if value is None else f"{value:.4g} {unit}"


def read(
    file: Annotated[Path, typer.Argument(help="Instrument file: .mpt/.mpr, .nda/.ndax, .DTA, CHI .txt, CSV/TSV.")],
    columns: ColumnsOption = None,
    instrument: InstrumentOption = None,
    mass_mg: Annotated[Optional[float], typer.Option(
        "--mass-mg", help="Active-material mass in mg, stored with the record.")] = None,
    scan_rate: Annotated[Optional[float], typer.Option(
        "--scan-rate", help="Scan rate in mV/s: replaces the file's; times a file of potential and current "
        "only (t = Σ|ΔE|/v).")] = None,
    impedance: Annotated[bool, typer.Option(
        "--impedance", help="Read an EIS export (frequency, Z′, Z″) instead of a time series.")] = False,
    spectrum: Annotated[Optional[int], typer.Option(
        "--spectrum", help="With --impedance: which frequency sweep (1, 2, …) of a multi-sweep file.")] = None,
    json_path: JsonOption = None,
    out: OutOption = None,
) -> None:
    """Read an instrument file into the canonical record; print a summary, write CSV + PNG to --out."""
    import pandas as pd
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..bounds import require_in_range
    from ..outputs import save_figure, write_csv
    from .capacity_check import check_capacity
    from .readers import parse_column_mapping, read_impedance, read_measurement
    from .readers.overview import measurement_figure, nyquist_figure

    mapping = parse_column_mapping(columns) if columns else None
    mass_g = None if mass_mg is None else require_in_range("--mass-mg", mass_mg, "mass_mg") * 1e-3
    written: list[Path] = []
    notes: list[str] = []
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task(f"reading {file.name}", total=2)
        if impedance:
            record = read_impedance(file, columns=mapping, instrument=instrument, spectrum=spectrum)
            result = spectrum_summary(record)
            notes += [n for n in [zero_frequency_note(record)] if n]
            frame = pd.DataFrame({"frequency_Hz": record.frequency_Hz, "z_real_ohm": record.z_real_ohm,
                                  "z_imag_ohm": record.z_imag_ohm})
        else:
            record = read_measurement(file, columns=mapping, instrument=instrument, active_mass_g=mass_g,
                                      scan_rate_mV_s=scan_rate)
            check = check_capacity(record)
            result = measurement_summary(record, check)
            notes += [] if check is None else check.warnings()
            frame = record.data
        bar.update(task, advance=1, description="writing outputs")
        if out is not None:
            written.append(write_csv(out / f"{file.stem}_canonical.csv", frame))
            fig = nyquist_figure(record) if impedance else measurement_figure(record)
            written.append(save_figure(fig, out / f"{file.stem}_overview.png"))
            result["csv"] = str(written[0])
        bar.update(task, advance=1)
    if impedance:
        rows = [("instrument", result["instrument"]), ("points", result["rows"]),
                ("frequency range", "{:.4g} – {:.4g} Hz".format(*result["frequency_range_Hz"])),
                ("Z′ range", "{:.4g} – {:.4g} Ω".format(*result["z_real_range_ohm"])),
                ("Z″ range (as measured)", "{:.4g} – {:.4g} Ω".format(*result["z_imag_range_ohm"])),
                ("rows at f = 0 Hz dropped", result["zero_frequency_rows_dropped"])]
        encoding = record.text_encoding
    else:
        mass = "not given" if record.active_mass_g is None else f"{record.active_mass_g * 1e3:.4g} mg (active)"
        rows = [("instrument", result["instrument"]), ("technique", result["technique"] or "not recorded"),
                ("rows", result["rows"]), ("duration", f"{result['duration_s'] / 3600:.4g} h"),
                ("potential range", "{:.4g} – {:.4g} V".format(*result["potential_range_V"])),
                ("current range", "{:.4g} – {:.4g} mA".format(*(1e3 * v for v in result["current_range_A"]))),
                ("cycles", result["cycles"]), ("scan rate", _fmt(result["scan_rate_mV_s"], "mV/s")),
                ("active mass", mass), ("capacity vs instrument's own column", _check_row(check))]
        encoding = record.extra.get("text_encoding")
    rows += [("text encoding", encoding)] if encoding else []
    emit(result, json_path, table(f"{file.name}", ("quantity", "value"), rows), written=written)
    for note in notes:
        warn(note)


def _check_row(check) -> str:
    """One cell: the capacity self-consistency verdict."""
    if check is None:
        return "no capacity column in the file: not checked"
    if not check.blocks:
        return "capacity column present, but no step of 3 rows or more to compare"
    w = check.worst
    verdict = "agrees" if check.ok else f"DISAGREES in {len(check.disagreeing)} step(s)"
    return (f"{verdict} ({len(check.blocks)} step(s) compared, worst {100 * w.relative_difference:+.2f} %, "
            f"tolerance {100 * check.tolerance:g} %)")


def register(app: typer.Typer) -> None:
    """Add the top-level ``read`` command."""
    app.command("read")(read)
