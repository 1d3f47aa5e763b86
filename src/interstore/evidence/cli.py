"""``interstore evidence``: the article's Table 1 and the evidence verdict of a study."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..cli_support import JsonOption, OutOption, emit, stage_progress, table

group = typer.Typer(help="Evidence-tiered verdict on interface storage; the focus article's Table 1.",
                    no_args_is_help=True)

StudyArg = Annotated[Path, typer.Argument(help="Study manifest (TOML), see docs/study-manifest.md.")]


def verdict_rows(v: dict) -> list[tuple]:
    """(rule, yes/no/unknown, detail, threshold) rows of a verdict dict"""

    return [(r["rule"], {True: "yes", False: "no", None: "unknown"}[r["met"]], r["detail"], r.get("threshold", ""))
            for r in v["reasons"]]


def _analyse(study: Path):
    """The study's analyses without simulation, behind a progress bar."""
    from ..study import STAGES, analyse_study

    with stage_progress(len(STAGES)) as tick:
        return analyse_study(study, simulate=False, progress=tick)


@group.command("table")
def table_cmd(study: Annotated[Optional[Path], typer.Option("--study", help="Place this study beside Table 1.")] = None,
              json_path: JsonOption = None, out: OutOption = None) -> None:
    """Print the focus article's Table 1 systems with their verdicts (and your study beside them)."""
    import pandas as pd

    from ..outputs import write_csv
    from .table1 import SOURCE, comparison_rows

    rows = comparison_rows()
    if study is not None:
        from ..study import study_row

        rows.append(study_row(_analyse(study)))
    written = []
    if out is not None:
        written.append(write_csv(out / "evidence_table.csv", pd.DataFrame(rows)))
    cols = ("system", "interface_bonding", "main_claim", "characterisation_evidence", "verdict", "tier")
    emit({"systems": rows}, json_path,
         table(f"Interface-storage evidence ({SOURCE})", cols, [[r[c] for c in cols] for r in rows]),
         written=written)


@group.command("verdict")
def verdict_cmd(study: StudyArg, json_path: JsonOption = None, out: OutOption = None) -> None:
    """Evidence verdict of a study: tier, verdict, each reason and what would raise the tier."""

    from ..outputs import write_json

    res = _analyse(study)
    result = res.verdict.to_dict()
    result["kinetics"] = res.kinetics_summary()
    written = [write_json(out / "verdict.json", result)] if out is not None else []
    emit(result, json_path,
         table(f"Verdict for {res.study.name}: {res.verdict.headline} (tier {res.verdict.tier})",
               ("rule", "met", "detail", "threshold"), verdict_rows(result)),
         table("What would raise the tier", ("#", "evidence to add"),
               [(i + 1, t) for i, t in enumerate(result["to_raise_tier"])]),
         written=written)


def register(app: typer.Typer) -> None:
    app.add_typer(group, name="evidence")
