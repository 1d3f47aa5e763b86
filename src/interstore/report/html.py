"""Self-contained HTML page of a study: every figure inline as the PNG the report also writes
(drawn once, see :mod:`interstore.report.figures`), described in its ``alt`` text; every
user-supplied string passed through :func:`html.escape`.  No network access is needed to view it."""

from __future__ import annotations

import html
from datetime import datetime, timezone

from .. import __version__
from ..evidence.ledger import COMPONENTS
from ..massbasis import BASES
from ..echem.cv_analysis import dunn_warning, trasatti_warning
from ..results import rate

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;
color:#1d2733;line-height:1.45}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #dfe6ee;padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #d4dbe3;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f2f5f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.banner{background:#fff4d6;border:1px solid #e8c766;padding:.5rem .8rem;border-radius:4px;margin:.6rem 0}
.verdict{font-size:1.25rem;font-weight:600}.tier{display:inline-block;background:#1d4f91;color:#fff;padding:0 .5rem;
border-radius:3px;margin-left:.4rem}.yes{color:#17693a}.no{color:#a32020}.unknown{color:#7a6a00}
.fig{margin:1rem 0;border:1px solid #eef1f4}.fig img{max-width:100%;height:auto;display:block}
.fig figcaption{color:#555;font-size:.8rem;padding:.2rem .5rem}.note{color:#555;font-size:.85rem}
"""


def esc(value) -> str:
    """HTML-escaped text of any value (quotes included)."""
    return html.escape(str(value), quote=True)


def num(value, fmt: str = ".4g") -> str:
    return "–" if value is None else format(value, fmt)


def html_table(headers, rows, *, numeric_from: int = 1) -> str:
    """A table; every cell is escaped, columns from ``numeric_from`` on are right-aligned."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td class=\"{'num' if i >= numeric_from else ''}\">{esc(c)}</td>"
                                    for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _status(met) -> str:
    word = {True: "yes", False: "no", None: "unknown"}[met]
    return f'<span class="{word}">{word}</span>'


def verdict_section(v: dict) -> str:
    rows = "".join(f"<tr><td>{esc(r['rule'])}</td><td>{_status(r['met'])}</td><td>{esc(r['detail'])}</td>"
                   f"<td class=\"note\">{esc(r.get('threshold', ''))}</td></tr>" for r in v["reasons"])
    raise_ = "".join(f"<li>{esc(t)}</li>" for t in v["to_raise_tier"]) or "<li>nothing: this is the top tier</li>"
    return (f'<p class="verdict">{esc(v.get("headline", v["verdict"]))}<span class="tier">tier {esc(v["tier"])}</span></p>'
            f"<table><thead><tr><th>rule (Chen et al., Mater. Horiz. 2026)</th><th>met</th><th>detail</th>"
            f"<th>threshold (interstore's own where marked 'ours')</th></tr>"
            f"</thead><tbody>{rows}</tbody></table><h3>What would raise the tier</h3><ol>{raise_}</ol>")


def ledger_section(ledger: dict) -> str:
    """One table per rate: each share on every basis as value ± 1σ, then the bulk-limit flags."""
    labels = ledger["basis_labels"]
    out = [f"<p>Bulk limit {num(ledger['bulk_limit_mAh_g_active'], '.1f')} mAh g⁻¹ (active); interface limit "
           f"{num(ledger['interface_limit_mAh_g_active'], '.1f')} ± "
           f"{num(ledger['interface_limit_sigma_mAh_g_active'], '.1f')} mAh g⁻¹ (active) from "
           f"{esc(ledger['interface_limit_source'])}.</p>"]
    for r in ledger["rows"]:
        rows = [[c] + [f"{s[b]['value_mAh_g']:.1f} ± {s[b]['sigma_mAh_g']:.1f}" for b in BASES]
                for c, s in [("measured", r["measured"])] + [(c, r["shares"][c]) for c in COMPONENTS]]
        flags = ", ".join(b for b, f in r["exceeds_bulk_on_basis"].items() if f) or "none"
        cleared = ", ".join(r["flag_cleared_on_basis"]) or "none"
        out.append(f"<h3>{rate(r['current_A_g_active'])} A g⁻¹ (active)</h3>"
                   + html_table(["share (mAh g⁻¹)"] + [labels[b] for b in BASES], rows)
                   + f"<p>Apparent capacity exceeds the theoretical bulk capacity on basis: <b>{esc(flags)}</b>; "
                     f"flag goes away on: <b>{esc(cleared)}</b>.</p>")
    return "".join(out)


def mcr_tables(spectra: dict) -> str:
    """Per operando series with an MCR-ALS: each component's concentration at the start, at the end of
    discharge and at the end, the fraction of its change that came back, and whether that is ≥ RI's threshold."""
    from ..evidence.measured import REVERSIBLE_MIN

    out = []
    for a in spectra.get("operando", []):
        mcr = a.get("mcr")
        if not mcr:
            continue
        rows = [[f"component {r['component']}", num(r["start"], ".3f"), num(r["end_of_discharge"], ".3f"),
                 num(r["end"], ".3f"), num(r["returned_fraction"], ".3f"),
                 "–" if r["returned_fraction"] is None else ("yes" if r["returned_fraction"] >= REVERSIBLE_MIN
                                                             else "no")] for r in mcr["recovery"]]
        out.append(f"<h3>MCR-ALS of {esc(a['technique'])} ({esc(a['mode'])}), {mcr['n_components']} components, "
                   f"lack of fit {mcr['lack_of_fit_pct']:.2f} %</h3>"
                   + html_table(["component", "c at start (–)", "c at end of discharge (–)", "c at end (–)",
                                 "returned fraction (–)", f"returns after charge (≥ {REVERSIBLE_MIN:.2f}, ours)"],
                                rows)
                   + "<p class=\"note\">Concentrations sum to 1 per spectrum; returned fraction = (c_end − "
                     "c_discharged)/(c_start − c_discharged). MCR is unique only when each component is nearly "
                     "pure somewhere in the series.</p>")
    return "".join(out)


def spectra_section(spectra: dict, figures: dict[str, str]) -> str:
    """The measured records the verdict read, one row each, then every spectra figure."""
    from ..evidence.measured import MODERATE_TEXT, THRESHOLDS_TEXT

    def pm(value, sigma):
        return "–" if value is None else f"{value:.3f} ± {num(sigma, '.3f')}"

    rows = [[r["technique"], r["mode"], r["feature"], pm(r["change_on_discharge"], r["change_sigma"]),
             pm(r["recovery_on_charge"], r["recovery_sigma"]), pm(r["reversibility_index"], r["reversibility_sigma"]),
             num(r["hysteresis"], ".3f"),
             "yes" if r["reversible"] else "no", r["source"]] for r in spectra["records"]]
    figs = "".join(v for k, v in figures.items() if k.startswith("spectra_"))
    return (html_table(["technique", "mode", "feature", "Δ on discharge", "R on charge", "RI", "hysteresis",
                        "reversible change", "file"], rows, numeric_from=3)
            + f"<p class=\"note\">Δ = (F_dis − F₀)/F₀, R = F_ch/F₀, RI = (F_ch − F_dis)/(F₀ − F_dis), each ± 1σ. "
              f"Thresholds {esc(THRESHOLDS_TEXT)}; {esc(MODERATE_TEXT)}.</p>" + mcr_tables(spectra) + figs)


def areal_paragraph(areal: dict, labels: dict) -> str:
    """Electrode area and the mass loading of every basis, with the low-loading note."""
    if areal["area_cm2"] is None:
        return ("<p class=\"note\">Electrode area and mass loading not given (electrode.area_cm2 / "
                "electrode.active_loading_mg_cm2): no areal capacities.</p>")
    out = (f"<p>Electrode area {num(areal['area_cm2'])} cm²; mass loading:</p>"
           + html_table(["basis", "loading (mg cm⁻²)"], [[labels[b], num(areal["loading_mg_cm2"][b])] for b in BASES]))
    if areal["low_loading_note"]:
        out += f"<p class=\"note\"><b>Note:</b> {esc(areal['low_loading_note'])}.</p>"
    return out


def gitt_t0_section(gitt: dict) -> str:
    """Where each pulse's √t origin t0 came from (instrument step time, fitted t0 or first sample),
    t0 and the first pulse sample's lag behind it (s), and D with that origin beside D with t0 = the
    first sample (cm² s⁻¹), so the reader sees the effect of the origin on D."""
    from ..echem.gitt import T0_SOURCES

    pulses = gitt["pulses"]
    rows = [[p["pulse"], T0_SOURCES.get(p["t0_method"], p["t0_method"]), num(p["t0_s"], ".3f"),
             num(p["t0_offset_s"], ".3g"), num(p["D_cm2_s"], ".3g"), num(p["D_first_sample_origin_cm2_s"], ".3g")]
            for p in pulses]
    notes = "".join(f"<li>pulse {esc(p['pulse'])}: {esc(p['t0_note'])}</li>" for p in pulses if p["t0_note"])
    return (f"<p>Pulse start t0 of the √t fit (start time '{esc(gitt['settings']['start_time'])}'): "
            f"{esc(gitt['t0_summary'])}.</p>"
            + html_table(["pulse", "t0 from", "t0 (s)", "1st pulse sample − t0 (s)", "D (cm² s⁻¹)",
                          "D with t0 = 1st sample (cm² s⁻¹)"], rows, numeric_from=2)
            + (f"<ul class=\"note\">{notes}</ul>" if notes else ""))


def eis_series_section(series: dict, figures: dict[str, str]) -> str:
    """Every sweep of a multi-sweep EIS file: x (each sweep's mean DC potential when the file logs one,
    as ``interstore eis series`` reports it, else the sweep number), each parameter ± stderr with its
    unit, the fit's relative RMS residual and the Lin-KK verdict; then one figure per parameter."""
    from ..echem.eis_series import POTENTIAL_X

    units = series["parameter_units"]
    x = series["x_name"]
    own_x = x != "sweep"  # a cycle / potential column beside the sweep number
    rows = [[s["sweep"]] + ([num(s[x], ".4f" if x == POTENTIAL_X else "g")] if own_x else [])
            + [f"{num(p['value'], '.4g')} ± {num(p['stderr'], '.2g')}" for p in s["parameters"]]
            + [num(s["relative_rms_residual"], ".3g"), s["kramers_kronig"]["verdict"]]
            for s in series["spectra"]]
    figs = figures.get("eis_series", "")
    return (f"<p>{len(rows)} sweeps in {esc(series['source'])}, each fitted with {esc(series['circuit_name'])} "
            f"({esc(series['circuit'])}, {esc(series['weighting'])} weighting); "
            f"{esc(series['warm_start'])}. x = {esc(series['x_label'])}: {esc(series['x_source'])}. "
            f"The impedance section above and R_s are sweep 1's fit.</p>"
            + html_table(["sweep"] + ([series["x_label"]] if own_x else []) + [f"{n} ({u or '–'})" for n, u in units.items()]
                         + ["relative RMS residual (–)", "Lin-KK"], rows)
            + figs)


def committee_paragraph(c: dict | None) -> str:
    """How far the committee of potentials behind a scan agrees: n_max per member, the member used, the
    capacity range, the largest E_b spread and whether the relaxation paths were sampled ('' without one)."""
    if c is None:
        return ""
    n_max = ", ".join(f"{esc(m)} {c['n_max'][m]}" for m in c["members"])
    cap = c["limit_capacity_mAh_g"]
    spread = max(c["spread_eV"], default=0.0)
    at = c["spread_eV"].index(spread) if c["spread_eV"] else 0
    gains = [g for g in c["path_gain_eV"] if g is not None]
    paths = ("relaxation paths not sampled (one per loading): the spread does not include the dependence on the "
             "starting site and optimizer" if c["paths_per_loading"] == 1 else
             f"{c['paths_per_loading']} relaxation paths per loading; the lowest went at most "
             f"{num(max(gains, default=0.0), '.2f')} eV below the first")
    return (f"<p>From a committee scan: n_max per cell {n_max}; this report uses {esc(c['used_member'])}, the "
            f"member with the lowest n_max. Over the committee the limit capacity is {num(cap['at_min_n_max'], '.0f')}"
            f"–{num(cap['at_max_n_max'], '.0f')} mAh g⁻¹ ({esc(cap['basis'])}); the largest spread of E_b(n) between "
            f"the potentials is {num(spread, '.2f')} eV (n = {at}); {paths}.</p>")


def kinetics_warning(text: str) -> str:
    """A warning paragraph placed right under the numbers it qualifies."""
    return f'<p class="banner">warning: {esc(text)}</p>' if text else ""


def page(title: str, sections: list[tuple[str, str]], *, banner: str = "", subtitle: str = "") -> str:
    """The whole document: the (already escaped) section bodies under a title and a banner."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = "".join(f"<section><h2>{esc(h)}</h2>{content}</section>" for h, content in sections)
    ban = f'<div class="banner">{esc(banner)}</div>' if banner else ""
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{esc(title)}</title>"
            f"<style>{CSS}</style></head><body>"
            f"<h1>{esc(title)}</h1><p class=\"note\">{esc(subtitle)} — interstore {esc(__version__)}, {stamp}</p>"
            f"{ban}{body}</body></html>")


def figure_block(png: bytes, key: str, description: str, width_px: int) -> str:
    """A figure inline: the PNG bytes as a data URI shown at ``width_px`` CSS pixels (the PNG has
    more, for high-density screens and zoom), its ``description`` as alt text and caption."""
    import base64

    text = esc(description)
    return (f'<figure class="fig" id="fig-{esc(key)}"><img src="data:image/png;base64,'
            f'{base64.b64encode(png).decode("ascii")}" width="{width_px}" alt="{text}">'
            f"<figcaption>{text}</figcaption></figure>")


def study_page(report: dict, figures: dict[str, str], table1_rows: list[list[str]]) -> str:
    """The report page from the report.json dict, figure divs by key and the Table 1 comparison rows."""
    s = report["study"]
    labels = report["basis_labels"]

    def figs(*keys) -> str:
        return "".join(figures[k] for k in keys if k in figures)

    m = report["masses_mg"]
    bulk = report["bulk_theoretical"]
    sections = [("Verdict", verdict_section(report["verdict"])),
                ("Study and mass bases",
                 f"<p>{esc(s['description'])}</p><p class=\"note\">manifest: {esc(s['manifest'])}</p>"
                 + html_table(["mass", "mg"], [[k.replace("_", " "), f"{v:.4g}"] for k, v in m.items()])
                 + areal_paragraph(report["areal_basis"], labels)
                 + f"<p>Interface site fraction (share of the active phase within one interface layer): "
                   f"{100 * report['interface_site_fraction']:.0f} %.</p>"
                 + f"<p>Theoretical bulk capacity of {esc(bulk['formula'])}, {bulk['electrons_per_formula']:g} e⁻ per "
                   f"formula unit, M = {bulk['molar_mass_g_mol']:.2f} g mol⁻¹:</p>"
                 + html_table(["basis", "mAh g⁻¹"], [[labels[b], f"{bulk['capacity_mAh_g'][b]:.1f}"] for b in BASES]))]
    if report["rates"]:
        rows = [[rate(r["current_A_g_active"])] + [f"{r['discharge_capacity_mAh_g'][b]:.1f}" for b in BASES]
                + [num(r["discharge_capacity_mAh_cm2"], ".4g"), f"{r['discharge_capacity_sigma_mAh_g_active']:.1f}",
                   num(r["coulombic_efficiency_pct"], ".2f"), num(r["capacitive_fraction"], ".2f")]
                for r in report["rates"]]
        loading = report["areal_basis"]["loading_mg_cm2"]["active"]
        at = "loading not given" if loading is None else f"loading {loading:.3g} mg cm⁻² active"
        sections.append((f"Measured capacities on every mass basis and per cm² ({at})",
                         html_table(["current (A g⁻¹, active)"] + [f"Q (mAh g⁻¹, {labels[b]})" for b in BASES]
                                    + ["Q (mAh cm⁻²)", "1σ (mAh g⁻¹, active)", "CE (%)", "capacitive fraction (–)"],
                                    rows, numeric_from=0)
                         + figs("capacity")))
    from .html_controls import controls_section, ledger_inputs_section

    if report["ledger"] is not None:
        sections.append(("Capacity ledger", ledger_section(report["ledger"]) + figs("ledger")
                         + ledger_inputs_section(report.get("ledger_inputs") or [])))
    if report.get("controls") is not None:
        sections.append(("Capacity ledger from controls", controls_section(report)
                         + figs("controls_excess", "excess_dqdv")))
    k = report["kinetics"]
    if report["cv"] is not None:
        b_rows = [[b["peak"], f"{b['b']:.3f}", num(b["stderr"], ".3f"), f"{b['r2']:.4f}"] for b in k["b_values"]]
        d_rows = [[f"{d['scan_rate_mV_s']:g}", f"{d['capacitive_fraction']:.3f}"] for d in k["dunn"]]
        t = report["cv"]["trasatti"]
        sections.append(("Kinetics: b-values, Dunn and Trasatti",
                         html_table(["peak", "b (–)", "stderr (–)", "R² (–)"], b_rows)
                         + html_table(["scan rate (mV s⁻¹)", "capacitive fraction (–)"], d_rows, numeric_from=0)
                         + kinetics_warning(dunn_warning(report["cv"]["dunn_flags"]))
                         + f"<p>Trasatti: q_outer = {num(t['q_outer_C_g'])} C g⁻¹, q_total = {num(t['q_total_C_g'])} "
                           f"C g⁻¹ (active).</p>" + kinetics_warning(trasatti_warning(t))
                         + figs("cv", "b_value", "dunn")))
    if report["eis"] is not None:
        e = report["eis"]
        sections.append(("Impedance",
                         html_table(["parameter", "unit", "value", "stderr"],
                                    [[p["name"], p["unit"], num(p["value"]), num(p["stderr"])] for p in e["parameters"]],
                                    numeric_from=2)
                         + f"<p>Relative RMS residual {num(e['relative_rms_residual'], '.3g')} ({esc(e['weighting'])} "
                           f"weighting); the CV ohmic correction uses R_s = {num(report['r_s_ohm_used'], '.4g')} Ω.</p>"
                         + f"<p>Lin-KK validity: <b>{esc(e['kramers_kronig']['verdict'])}</b> (largest residual "
                           f"{num(e['kramers_kronig']['max_residual_pct_of_abs_Z'], '.3g')} % of |Z|, limit "
                           f"{num(e['kramers_kronig']['threshold_pct_of_abs_Z'], 'g')} %)"
                         + ("; no diffusion coefficient is reported from this spectrum" if e["D_withheld_by_kk"] else "")
                         + ".</p>" + figs("nyquist")))
    if report.get("eis_series") is not None:
        sections.append(("Impedance series", eis_series_section(report["eis_series"], figures)))
    if report["gitt"] is not None:
        gt = report["gitt"]
        sections.append(("GITT",
                         f"<p>{esc(gt['method'])}; diffusion length L = {num(gt['geometry']['length_cm'])} cm "
                         f"(cluster/particle radius or sheet thickness). {gt['n_valid']} of {gt['n_pulses']} pulses "
                         f"pass the √t and τ ≪ L²/D checks; median D of those = "
                         f"{num(gt['D_cm2_s_median_valid'], '.3g')} cm² s⁻¹.</p>" + gitt_t0_section(gt) + figs("gitt")))
    lim = report["atomistic"]["limit"]
    if lim is not None:
        sections.append(("Atomistic limit capacity",
                         html_table(["basis", "limit capacity (mAh g⁻¹)"],
                                    [[lim["basis_labels"][b], f"{lim['capacity_mAh_g'][b]:.1f}"] for b in BASES])
                         + f"<p>n_max = {lim['n_max']:g} Zn per {esc(lim['formula'])}. "
                           f"{esc(lim['quoted_comparison']['statement'])}</p>"
                         + committee_paragraph(report["atomistic"].get("committee")) + figs("binding")))
    if report.get("spectra"):
        sections.append(("Structural tracking from spectra", spectra_section(report["spectra"], figures)))
    if "ragone" in figures:
        sections.append(("Ragone plot", "<p>Measured points and, where a simulation config is given, the "
                         "simulated bulk-only and heterostructure curves.</p>" + figs("ragone")))
    if report.get("rate_fit"):
        from .html_fit import rate_fit_section

        sections.append(("Which model explains the rate capability? Fit of both models",
                         rate_fit_section(report["rate_fit"], figures)))
    elif report.get("rate_fit_skipped"):
        sections.append(("Which model explains the rate capability? Fit of both models",
                         f"<p class=\"note\">Not fitted: {esc(report['rate_fit_skipped'])}.</p>"))
    sections.append(("Beside the focus article's Table 1",
                     html_table(["system", "bonding", "main claim", "characterisation", "verdict", "tier"],
                                table1_rows, numeric_from=99)))
    if "provenance" in report:
        from .provenance import provenance_section

        sections.append(("Inputs and versions", provenance_section(report["provenance"])))
    banner = ("SIMULATED DATA: the instrument files of this study were generated by interstore's own "
              "simulator, not measured.") if s["simulated_data"] else ""
    return page(f"Interface-storage report: {s['name']}", sections, banner=banner,
                subtitle="capacity ledger and evidence verdict")
