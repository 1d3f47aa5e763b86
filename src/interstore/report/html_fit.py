"""Report section of the rate-capability fit: the verdict in words, the fitted parameters with
their 95 % intervals and identifiability, goodness of fit, and the list of disagreements with the
study's other evidence.  Every user string is escaped by :func:`esc` / :func:`html_table`."""

from __future__ import annotations

from .html import esc, html_table, num

MODEL_NAMES = {"bulk_only": "bulk-only", "heterostructure": "heterostructure"}


def rate_fit_section(fit: dict, figures: dict[str, str]) -> str:
    """HTML body from ``report.json['rate_fit']`` and the figure divs by key."""
    c = fit["comparison"]
    fits = [c["fits"]["bulk_only"], c["fits"]["heterostructure"]]
    basis = fit["mass_basis"]
    bounds = ", ".join(f"{p['key']} {p['lower']:g}–{p['upper']:g}" for p in fit["free"])
    origin = "the defaults ([simulation.fit] free not given)" if fit["free_are_defaults"] else "[simulation.fit] free"
    out = [f"<p class=\"verdict\">{esc(c['verdict'])}</p>",
           f"<p>Free parameters (config units, fitted in log10 space) from {esc(origin)}: {esc(bounds)}; "
           f"{fit['starts']} least-squares start(s), the first at the "
           f"{'config values' if fit['start'] == 'config' else 'centre of the box'}, seed {fit['seed']}. "
           f"Every other key of {esc(fit['config'])} stays fixed. Capacities on the {esc(basis)} basis; noise: "
           f"{esc(fit['noise_model'])}.</p>"]
    rows = [[MODEL_NAMES[f["model"]], p["key"], f"{p['value']:.3g}", f"{p['ci95_low']:.3g}–{p['ci95_high']:.3g}",
             "yes" if p["identifiable"] else "no", p["note"]] for f in fits for p in f["parameters"]]
    out.append(html_table(["model", "parameter (config units)", "value", "95 % interval (Jacobian)",
                           "identifiable", "why not"], rows, numeric_from=2))
    out.append(html_table(["model", "χ²", "free k", "AIC", "BIC", f"interface capacity (mAh g⁻¹, {basis})",
                           "model evaluations"],
                          [[MODEL_NAMES[f["model"]], num(f["chi2"], ".4g"), f["k_free"], num(f["aic"], ".4g"),
                            num(f["bic"], ".4g"), num(f["interface_capacity_mAh_g"], ".4g"), f["n_evaluations"]]
                           for f in fits]))
    by_rate = [[f"{rb['current_A_g']:.3g}", f"{rb['measured_mAh_g']:.1f}", f"{sigma:.1f}",
                f"{rb['predicted_mAh_g']:.1f}", f"{rb['residual_sigma']:+.2f}",
                f"{rh['predicted_mAh_g']:.1f}", f"{rh['residual_sigma']:+.2f}"]
               for rb, sigma, rh in zip(fits[0]["rates"], fit["data"]["sigma_mAh_g"], fits[1]["rates"])]
    if fit["curves"] is not None:
        out.append(f"<p>Discharge curves fitted with the capacities: {esc(fit['curves']['noise_model'])}; RMS "
                   f"curve residual {num(fits[0]['curves']['rms_residual_sigma'], '.3g')} σ_V (bulk-only), "
                   f"{num(fits[1]['curves']['rms_residual_sigma'], '.3g')} σ_V (heterostructure).</p>"
                   + figures.get("rate_fit_curves", ""))
    fig = figures.get("rate_fit", "") + html_table(
        [f"current (A g⁻¹, {basis})", f"measured (mAh g⁻¹, {basis})", "σ (mAh g⁻¹)", "bulk-only", "residual (σ)",
         "heterostructure", "residual (σ)"], by_rate, numeric_from=0)
    disagree = "".join(f"<li>{esc(t)}</li>" for t in fit["disagreements"])
    out.append(fig + "<h3>Disagreements with the study's other evidence</h3>"
               + (f"<ul>{disagree}</ul>" if disagree else
                  "<p>None: every fitted value that other evidence constrains lies inside its range.</p>"))
    checks = [[MODEL_NAMES[k["model"]], k["quantity"], f"{k['value']:.3g}", f"{k['lower']:.3g}–{k['upper']:.3g}",
               k["source"], "yes" if k["agrees"] else "no"] for k in fit["checks"]]
    if checks:
        out.append(html_table(["model", "quantity", "fitted", "plausible range", "evidence", "agrees"], checks,
                              numeric_from=2))
    if fit["unchecked"]:
        out.append("<p class=\"note\">Not checked: " + esc("; ".join(fit["unchecked"])) + ".</p>")
    out.append(f"<p class=\"note\">The same fit from a shell (rate_fit_data.csv is written beside this report): "
               f"<code>{esc(fit['command'])}</code></p>")
    return "".join(out)
