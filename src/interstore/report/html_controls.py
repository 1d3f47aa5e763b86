"""Report section of the ledger from controls: replicate statistics per electrode, the interfacial
excess per rate with its 95 % interval, the estimate-based ledger beside it, and which of the
estimate ledger's inputs were measured or typed.  Every user string is escaped by :func:`html_table`."""

from __future__ import annotations

from .html import esc, html_table, num


def _ci(stat: dict, fmt: str = ".1f") -> str:
    if stat["mean"] is None:
        return "–"
    if stat["ci95_half_width"] is None:
        return f"{stat['mean']:{fmt}} (n = {stat['n']}, no interval)"
    return f"{stat['mean']:{fmt}} ± {stat['ci95_half_width']:{fmt}} (n = {stat['n']})"


def _pm(pair: dict | None) -> str:
    if pair is None or pair["value_mAh_g"] is None:
        return "–"
    half = pair["ci95_half_width_mAh_g"]
    return f"{pair['value_mAh_g']:.1f}" + ("" if half is None else f" ± {half:.1f}")


def controls_section(report: dict) -> str:
    """HTML body: electrodes, excess table, side-by-side comparison and the input provenance."""
    c = report["controls"]
    out = [f"<p>{esc(c['method'])}. Unit: {esc(c['unit'])}; oxide mass fraction of the heterostructure "
           f"w_ox = {num(c['oxide_mass_fraction'], '.3f')}. Values are mean ± 95 % half-width.</p>"]
    rows = []
    for e in c["electrodes"].values():
        for r in e["rates"]:
            rows.append([e["name"], e["role"], r["rate_index"], _ci(r["current_A_g"], ".3g"),
                         _ci(r["capacity_mAh_g"]), _ci(r["coulombic_efficiency_pct"], ".2f")])
    out.append("<h3>Replicate cells per electrode</h3>" + html_table(
        ["electrode", "role", "rate step", "i (A g⁻¹ of its basis)", "Q_dis (mAh g⁻¹ of its basis)", "CE (%)"],
        rows, numeric_from=2))
    kin = [[e["name"], _ci(e["b"], ".3f"), _ci(e["capacitive_fraction"], ".3f")] for e in c["electrodes"].values()
           if e["b"]["n"] or e["capacitive_fraction"]["n"]]
    if kin:
        out.append(html_table(["electrode", "b (–)", "capacitive fraction (–)"], kin))
    rows = [[r["rate_index"], num(r["current_A_g_composite"], ".3g"), _ci(r["heterostructure_mAh_g"]),
             _pm(r["oxide_share"]), _pm(r["substrate_share"]),
             _pm({"value_mAh_g": r["interfacial_excess"]["value_mAh_g"],
                  "ci95_half_width_mAh_g": None if r["interfacial_excess"]["ci95_high_mAh_g"] is None
                  else r["interfacial_excess"]["ci95_high_mAh_g"] - r["interfacial_excess"]["value_mAh_g"]}),
             num(r["interfacial_excess"]["value_mAh_g_oxide"], ".1f"), _pm(r["proton_share"]), _pm(r["mixture_excess"])]
            for r in c["rows"]]
    out.append("<h3>Interfacial excess per rate</h3>" + html_table(
        ["rate step", "i (A g⁻¹, composite)", "heterostructure (mAh g⁻¹)", "oxide share", "substrate share",
         "interfacial excess (mAh g⁻¹, composite)", "excess (mAh g⁻¹, oxide)", "proton share (proton-only cell)",
         "mixture − controls"], rows, numeric_from=1))
    for note in c["notes"]:
        out.append(f"<p class=\"note\">{esc(note)}</p>")
    if report.get("ledger") is not None:
        est = report["ledger"]["rows"]
        side = [[k + 1,
                 num(est[k]["current_A_g_active"], ".3g") if k < len(est) else "–",
                 (f"{est[k]['shares']['interface']['composite']['value_mAh_g']:.1f} ± "
                  f"{est[k]['shares']['interface']['composite']['sigma_mAh_g']:.1f} (1σ)") if k < len(est) else "–",
                 num(r["current_A_g_composite"], ".3g"), rows[k][5]]
                for k, r in enumerate(c["rows"])]
        out.append("<h3>Estimate-based ledger beside the ledger from controls</h3>"
                   "<p>Rates matched by their order in the programme.</p>" + html_table(
                       ["rate step", "estimate: i (A g⁻¹, active)", "estimate: least interface share (mAh g⁻¹, composite)",
                        "controls: i (A g⁻¹, composite)", "controls: interfacial excess (mAh g⁻¹, composite, 95 %)"],
                       side, numeric_from=1))
    return "".join(out)


def ledger_inputs_section(inputs: list[dict]) -> str:
    """Which inputs of the estimate-based ledger were measured, computed or typed."""
    return ("<h3>Inputs of the estimate-based ledger</h3>"
            + html_table(["input", "source", "detail"], [[r["input"], r["source"], r["detail"]] for r in inputs],
                         numeric_from=99))
