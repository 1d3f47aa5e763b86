"""The study report: render a :class:`~interstore.study.StudyResults` as ``report.html``
(self-contained), ``report.json`` and one PNG per figure.  Inputs are only read; outputs are
written atomically.  The analyses themselves run in :mod:`interstore.study`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import InputError
from ..study import StudyResults, analyse_study, study_row

DPI = 150  # dots per inch of the report's PNGs; the page shows them at 100 per inch (sharp when zoomed)


def build_report(path: str | Path, out_dir: str | Path, *,
                 progress: Callable[[str], None] | None = None) -> dict[str, Path]:
    """Analyse a study (:func:`interstore.study.analyse_study`) and write its report (:func:`write_report`)."""
    tick = progress or (lambda stage: None)
    return write_report(analyse_study(path, progress=tick), out_dir, progress=tick)


def write_report(results: StudyResults, out_dir: str | Path, *,
                 progress: Callable[[str], None] | None = None) -> dict[str, Path]:
    """Write report.html (self-contained), report.json and one PNG per figure of ``results``."""
    from ..evidence.table1 import comparison_rows
    from ..outputs import to_jsonable, write_bytes, write_json, write_text
    from ..plotting import describe, render_figure
    from .figures import report_figures
    from .html import figure_block, study_page
    from .provenance import provenance

    tick = progress or (lambda stage: None)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(out, "output path exists and is not a folder", expected="a folder for the report")
    report = to_jsonable(results.to_dict())
    report["provenance"] = provenance(results.study)  # input files with SHA-256, library versions
    written, divs = {}, {}
    for key, fig in report_figures(results).items():  # each drawn once: the PNG file and the page share the bytes
        png = render_figure(fig, dpi=DPI, crop=False, compress_level=1)
        written[f"{key}.png"] = write_bytes(out / f"{key}.png", png)
        divs[key] = figure_block(png, key, describe(fig), round(fig.get_figwidth() * 100))
    rows = [[r[k] for k in ("system", "interface_bonding", "main_claim", "characterisation_evidence", "verdict",
                            "tier")] for r in comparison_rows() + [study_row(results)]]
    if results.rate_fit is not None:  # the data of the rate fit, for `interstore simulate fit` (see its command)
        from ..outputs import write_csv

        written["rate_fit_data.csv"] = write_csv(out / "rate_fit_data.csv", results.rate_fit.data_frame())
        if results.rate_fit.curves is not None:
            written["rate_fit_curves.csv"] = write_csv(out / "rate_fit_curves.csv", results.rate_fit.curves_frame())
    written["report.json"] = write_json(out / "report.json", report)
    written["report.html"] = write_text(out / "report.html", study_page(report, divs, rows))
    tick("report written")
    return written
