"""``interstore report STUDY.toml --out DIR``: the self-contained HTML report of a whole study."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..cli_support import JsonOption, OutOption, console, emit, plain, stage_progress, table


def report(study: Annotated[Path, typer.Argument(help="Study manifest (TOML), see docs/study-manifest.md.")],
           json_path: JsonOption = None, out: OutOption = Path("report-output")) -> None:
    """Analyse STUDY.toml and write report.html, report.json and PNG figures into --out."""
    import json

    from rich.markup import escape

    from ..evidence.cli import verdict_rows
    from ..massbasis import BASES
    from ..results import rate
    from ..study import STAGES
    from .build import build_report
    from ..outputs import after_commit, staged

    out = out or Path("report-output")
    with stage_progress(len(STAGES) + 1) as tick:
        written = build_report(study, out, progress=tick)

    report = json.loads(staged(written["report.json"]).read_text(encoding="utf-8"))
    v = report["verdict"]
    labels = report["basis_labels"]
    rates = [[rate(r["current_A_g_active"])] + [r["discharge_capacity_mAh_g"][b] for b in BASES]
             for r in report["rates"]]
    summary = {"report_html": str(written["report.html"]), "report_json": str(written["report.json"]),
               "verdict": v["verdict"], "headline": v["headline"], "tier": v["tier"], "rates": report["rates"]}
    emit(summary, json_path,
         table(f"{report['study']['name']}: {v['headline']} (tier {v['tier']})", ("rule", "met", "detail", "threshold"),
               verdict_rows(v)),
         *([table("Discharge capacity on every mass basis", ["A g⁻¹ (active)"] + [labels[b] for b in BASES], rates,
                  caption="current in A g⁻¹ of active; capacities in mAh g⁻¹ of each basis")] if rates else []),
         *([_ledger_table(report["ledger"])] if report["ledger"] else []),
         *([kinetics_table(report["cv"])] if report["cv"] else []),
         written=written.values())
    html_path = written["report.html"].resolve()
    after_commit(lambda: console.print(f"report: [bold]{escape(plain(html_path))}[/bold]", highlight=False))


def _ledger_table(ledger: dict):
    """Ledger shares (mAh g⁻¹, active basis, value ± 1σ) per rate and the bases on which the
    apparent capacity does not exceed the bulk limit."""
    from ..evidence.ledger import COMPONENTS
    from ..results import rate

    rows = [[rate(r["current_A_g_active"])]
            + [f"{r['shares'][c]['active']['value_mAh_g']:.1f}±{r['shares'][c]['active']['sigma_mAh_g']:.1f}"
               for c in COMPONENTS] + [", ".join(r["flag_cleared_on_basis"]) or "none"] for r in ledger["rows"]]
    return table("Capacity ledger", ["A g⁻¹ (active)", *COMPONENTS, "bases not above the bulk limit"], rows,
                 caption=f"shares in mAh g⁻¹ of {ledger['basis_labels']['active']}, value±1σ; interface limit "
                         f"{ledger['interface_limit_mAh_g_active']:.1f}±{ledger['interface_limit_sigma_mAh_g_active']:.1f}"
                         f" mAh g⁻¹ ({ledger['interface_limit_source']})")


def kinetics_table(cv: dict):
    """b per peak, the Dunn capacitive share per scan rate and Trasatti's q_outer/q_total, with the
    warnings that qualify them (negative Dunn coefficients, non-linear Trasatti fits) beside them."""
    from ..results import sig

    flagged = cv["dunn_flags"]["flagged_fraction"]
    t = cv["trasatti"]
    ratio = t["q_outer_C"] / t["q_total_C"] if t["q_total_C"] else float("nan")
    rows = [[f"b ({b['peak']})", f"{b['b']:.2f}±{b['stderr']:.2f}", f"R² {b['r2']:.3f}"] for b in cv["b_values"]]
    v = [d["scan_rate_mV_s"] for d in cv["dunn"]]
    f = [100 * d["capacitive_fraction"] for d in cv["dunn"]]
    rows.append(["capacitive share (Dunn)", f"{min(f):.0f}–{max(f):.0f} %",
                 f"at {sig(min(v), 3)}–{sig(max(v), 3)} mV s⁻¹; "
                 + (f"k1 or k2 < 0 at {100 * flagged:.0f} % of points" if flagged > 0 else "no negative k1, k2")])
    rows.append(["q_outer/q_total (Trasatti)", sig(ratio, 2),
                 "fits not linear: indicative only" if t["linear_warning"] else "fits linear"])
    return table("Kinetics", ["quantity", "value", "qualified by"], rows)


def register(app: typer.Typer) -> None:
    """``report`` is a single command, so it is added as a command rather than a group."""
    app.command("report")(report)
