"""``interstore report STUDY.toml --out DIR``: the self-contained HTML report of a whole study."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from ..cli_support import JsonOption, OutOption, console, emit, plain, table


@contextmanager
def stage_progress(total: int):
    """A transient rich progress bar; yields ``tick(stage)`` that advances it by one stage."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("starting", total=total)
        yield lambda stage: bar.update(task, advance=1, description=stage)


def report(study: Annotated[Path, typer.Argument(help="Study manifest (TOML), see docs/study-manifest.md.")],
           json_path: JsonOption = None, out: OutOption = Path("report-output")) -> None:
    """Analyse STUDY.toml and write report.html, report.json and PNG figures into --out."""
    import json

    from rich.markup import escape

    from ..evidence.cli import verdict_rows
    from ..massbasis import BASES
    from ..outputs import after_commit, staged
    from .build import STAGES, build_report

    out = out or Path("report-output")
    with stage_progress(len(STAGES) + 1) as tick:
        written = build_report(study, out, progress=tick)

    report = json.loads(staged(written["report.json"]).read_text(encoding="utf-8"))
    v = report["verdict"]
    labels = report["basis_labels"]
    rates = [[r["current_A_g_active"]] + [r["discharge_capacity_mAh_g"][b] for b in BASES] for r in report["rates"]]
    summary = {"report_html": str(written["report.html"]), "report_json": str(written["report.json"]),
               "verdict": v["verdict"], "tier": v["tier"], "rates": report["rates"]}
    emit(summary, json_path,
         table(f"{report['study']['name']}: {v['verdict']} (tier {v['tier']})", ("rule", "met", "detail"),
               verdict_rows(v)),
         *([table("Discharge capacity (mAh g⁻¹) on every mass basis",
                  ["current (A g⁻¹, active)"] + [labels[b] for b in BASES], rates)] if rates else []),
         *([_ledger_table(report["ledger"])] if report["ledger"] else []),
         written=written.values())
    html_path = written["report.html"].resolve()
    after_commit(lambda: console.print(f"report: [bold]{escape(plain(html_path))}[/bold]", highlight=False))


def _ledger_table(ledger: dict):
    """Ledger shares (mAh g⁻¹, active basis, value ± 1σ) per rate and the bases on which the
    apparent capacity does not exceed the bulk limit."""
    from ..evidence.ledger import COMPONENTS

    rows = [[f"{r['current_A_g_active']:.3g}"]
            + [f"{r['shares'][c]['active']['value_mAh_g']:.1f} ± {r['shares'][c]['active']['sigma_mAh_g']:.1f}"
               for c in COMPONENTS] + [", ".join(r["flag_cleared_on_basis"]) or "none"] for r in ledger["rows"]]
    return table(f"Capacity ledger (mAh g⁻¹, {ledger['basis_labels']['active']})",
                 ["A g⁻¹ (active)", *COMPONENTS, "bases not above the bulk limit"], rows)


def register(app: typer.Typer) -> None:
    """``report`` is a single command, so it is added as a command rather than a group."""
    app.command("report")(report)
