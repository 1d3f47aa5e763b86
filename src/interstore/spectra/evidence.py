"""From a study's ``[spectra]`` section to the measured records the verdict reads.

* ``[[spectra.operando]]`` — the series is linked to its electrochemistry file
  (:func:`~.series.link_electrochemistry`), the band is fitted in every spectrum
  (:func:`~.vibrational.track_band`) and its area's Δ, R, RI and hysteresis
  (:func:`~.vibrational.reversibility`) become a
  :class:`~interstore.evidence.measured.TrackingRecord`; the whole series is also resolved
  by MCR-ALS (:func:`~.mcr.resolve`, ``mcr_components``, 2 by default) to show what changes
  and whether it comes back.
* ``[[spectra.xps]]`` — each state is fitted (:func:`~.xps.fit_region`); the feature is the
  mean V valence for V 2p3/2 and the V–O–C / C–O share for O 1s.  The reference state is
  the pristine electrode, else the charged one; with pristine, discharged *and* charged
  the record also carries R and RI.
* ``[[spectra.xas]]`` — each state is normalised (:func:`~.xas.normalise`); the feature is the
  V K-edge pre-edge intensity, or the mean valence from the edge position through reference
  spectra of known valence (:func:`~.xas.valence_from_edge`); states as for XPS.
* ``[[spectra.eels]]`` — each state's V L2,3 edge is analysed (:func:`~.eels.analyse_v_l23`);
  the feature is the L3/L2 white-line ratio or the mean valence from the L3 peak through
  reference spectra of known valence; states as for XPS; the record's technique is EELS.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..evidence.measured import TrackingRecord, state_changes
from .mcr import McrResult, resolve
from .series import link_electrochemistry, read_series
from .vibrational import BandFit, BandTrack, Reversibility, position_shift, reversibility, track_band
from .xps import XpsFit, fit_region

XPS_FEATURE = {"V2p3/2": "mean V valence (V 2p3/2)", "O1s": "V–O–C / C–O share of O 1s"}


@dataclass(frozen=True, eq=False)
class OperandoAnalysis:
    technique: str
    mode: str
    feature: str
    first_fit: BandFit
    track: BandTrack
    reversibility: Reversibility
    position: dict[str, float]
    record: TrackingRecord
    mcr: McrResult | None = None

    def to_dict(self) -> dict:
        return {"technique": self.technique, "mode": self.mode, "feature": self.feature,
                "first_fit": self.first_fit.to_dict(), "track": self.track.to_dict(),
                "reversibility": self.reversibility.to_dict(), "position_cm1": self.position,
                "record": self.record.to_dict(), "mcr": None if self.mcr is None else self.mcr.to_dict()}


@dataclass(frozen=True, eq=False)
class XpsAnalysis:
    region: str
    mode: str
    fits: dict[str, XpsFit]
    record: TrackingRecord

    def to_dict(self) -> dict:
        return {"region": self.region, "mode": self.mode, "fits": {k: f.to_dict() for k, f in self.fits.items()},
                "record": self.record.to_dict()}


@dataclass(frozen=True, eq=False)
class StatesAnalysis:
    """XANES or EELS of one electrode in two or three states: each state's results and the record."""

    feature: str
    mode: str
    states: dict[str, dict]
    record: TrackingRecord

    def to_dict(self) -> dict:
        return {"feature": self.feature, "mode": self.mode, "states": self.states, "record": self.record.to_dict()}


@dataclass(frozen=True, eq=False)
class SpectraResults:
    operando: tuple[OperandoAnalysis, ...]
    xps: tuple[XpsAnalysis, ...]
    xas: tuple[StatesAnalysis, ...] = ()
    eels: tuple[StatesAnalysis, ...] = ()

    @property
    def records(self) -> tuple[TrackingRecord, ...]:
        return tuple(a.record for group in (self.operando, self.xps, self.xas, self.eels) for a in group)

    def to_dict(self) -> dict:
        return {"operando": [a.to_dict() for a in self.operando], "xps": [a.to_dict() for a in self.xps],
                "xas": [a.to_dict() for a in self.xas], "eels": [a.to_dict() for a in self.eels],
                "records": [r.to_dict() for r in self.records]}


def analyse_operando(series_path, echem_path, *, technique: str, band_cm1: float, mode: str = "operando",
                     feature: str = "interfacial band", window=None, shape: str = "lorentzian",
                     baseline: str = "arpls", n_average: int = 5, instrument: str | None = None,
                     mass_g: float | None = None, mcr_components: int = 0) -> OperandoAnalysis:
    """Series + electrochemistry → band track, reversibility and its record; with ``mcr_components`` > 0
    also the MCR-ALS of the whole series as measured (no baseline removal: a background common to
    every spectrum goes into the components, one that changes becomes a component of its own; removing
    an arPLS baseline from each spectrum first would cost ≈ 0.5 s CPU for the demo's 41 spectra)."""
    from ..echem.readers import read_measurement

    series = link_electrochemistry(read_series(series_path, technique=technique),
                                   read_measurement(echem_path, instrument=instrument), mass_g=mass_g)
    win = tuple(window) if window is not None else None
    track = track_band(series, band_cm1, window=win, shape=shape, baseline=baseline, name=feature)
    rev = reversibility(track.area, track.area_sigma, track.soc, feature=f"{feature} area", n_average=n_average)
    record = TrackingRecord(technique=technique, mode=mode, feature=f"{feature} area at {band_cm1:g} cm⁻¹",
                            change_on_discharge=rev.change, change_sigma=rev.change_sigma, source=str(series_path),
                            recovery_on_charge=rev.recovery, recovery_sigma=rev.recovery_sigma,
                            reversibility_index=rev.index, reversibility_sigma=rev.index_sigma,
                            hysteresis=rev.hysteresis)
    mcr = resolve(series, mcr_components) if mcr_components else None
    return OperandoAnalysis(technique, mode, feature, track.first_fit, track, rev,
                            position_shift(track, n_average=n_average),
                            record, mcr)


def _xps_feature(fit: XpsFit) -> tuple[float, float]:
    if fit.mean_valence is not None:
        return fit.mean_valence, fit.mean_valence_sigma
    c = next(c for c in fit.components if c.name.startswith("C–O"))
    return c.fraction, c.fraction_sigma


def analyse_xps(states: dict, *, region: str = "V2p3/2", mode: str = "ex situ", block=None) -> XpsAnalysis:
    """``states`` maps pristine / discharged / charged to spectrum paths (discharged and one other)."""
    from .readers import read_spectrum

    fits = {k: fit_region(read_spectrum(p, technique="XPS", block=block), region) for k, p in states.items()
            if p is not None}
    record = state_record({k: _xps_feature(f) for k, f in fits.items()}, technique="XPS", mode=mode,
                          feature=XPS_FEATURE[region], source=str(states["discharged"]),
                          tracks="redox state" if region == "V2p3/2" else "interfacial bond")
    return XpsAnalysis(region, mode, fits, record)


def state_record(values: dict[str, tuple[float, float]], *, technique: str, mode: str, feature: str,
                 source: str, tracks: str) -> TrackingRecord:
    """The record of a feature given per state as (value, σ): reference state pristine, else charged;
    R and RI when pristine, discharged and charged are all there."""
    ref = "pristine" if "pristine" in values else "charged"
    f0, s0 = values[ref]
    fd, sd = values["discharged"]
    fc, sc = values["charged"] if ref == "pristine" and "charged" in values else (None, None)
    ch = state_changes(f0, s0, fd, sd, fc, sc)
    return TrackingRecord(technique=technique, mode=mode, feature=f"{feature}, {ref} → discharged",
                          change_on_discharge=ch["change"], change_sigma=ch["change_sigma"], source=source,
                          recovery_on_charge=ch["recovery"], recovery_sigma=ch["recovery_sigma"],
                          reversibility_index=ch["index"], reversibility_sigma=ch["index_sigma"],
                          unit=f"fraction of the {ref} value", tracks=tracks)


def _state_spectrum(spec, technique: str = "XAS"):
    """``PATH`` or ``PATH@BLOCK`` → the spectrum (named after the block when one is given)."""
    from .readers import read_spectrum

    path, _, block = str(spec).partition("@")
    s = read_spectrum(path, technique=technique, block=block or None)
    return s if block == "" else type(s)(s.x, s.y, technique, s.source, block)


def analyse_xas(states: dict, *, feature: str = "pre-edge intensity", mode: str = "ex situ",
                references: list = (), valences: list = (), intensity_sigma: float = 0.02) -> StatesAnalysis:
    """``states`` maps pristine / discharged / charged to ``PATH`` or ``PATH@BLOCK``.  The feature is the
    pre-edge intensity (σ: ``intensity_sigma`` relative, a stated default) or the valence from the edge
    position through the references' calibration (σ from :func:`~.xas.valence_from_edge`)."""
    from .xas import normalise, pre_edge_peak, valence_from_edge

    norms = {k: normalise(_state_spectrum(p)) for k, p in states.items() if p is not None}
    refs = {}
    if feature == "valence":
        refs = {f"{i}:{r}": (normalise(_state_spectrum(r)), v) for i, (r, v) in enumerate(zip(references, valences))}
    out, values = {}, {}
    for k, n in norms.items():
        pe = pre_edge_peak(n)
        out[k] = {**n.to_dict(), "pre_edge": pe.__dict__}
        if feature == "valence":
            cal = valence_from_edge(n, refs)
            out[k]["valence"] = cal.to_dict()
            values[k] = (cal.valence, cal.valence_sigma)
        else:
            values[k] = (pe.intensity, intensity_sigma * pe.intensity)
    name = "V K-edge pre-edge intensity" if feature == "pre-edge intensity" else "mean V valence (XANES edge)"
    record = state_record(values, technique="XANES", mode=mode, feature=name, source=str(states["discharged"]),
                          tracks="redox state")
    return StatesAnalysis(feature, mode, out, record)


def analyse_eels(states: dict, *, feature: str = "L3/L2 ratio", mode: str = "ex situ", references: list = (),
                 valences: list = ()) -> StatesAnalysis:
    """``states`` maps pristine / discharged / charged to ``PATH`` or ``PATH@BLOCK`` of V L2,3 spectra.  The
    feature is the L3/L2 white-line ratio (σ from the fit) or the mean valence from the L3 peak through the
    references (``PATH[@BLOCK]`` with ``valences``, on the same energy scale; σ from the calibration)."""
    from .eels import analyse_v_l23

    refs = {}
    if feature == "valence":
        refs = {f"{i}:{r}": (float(v), analyse_v_l23(_state_spectrum(r, "EELS")).l3_peak_eV)
                for i, (r, v) in enumerate(zip(references, valences))}
    out, values = {}, {}
    for k, p in states.items():
        if p is None:
            continue
        res = analyse_v_l23(_state_spectrum(p, "EELS"))
        if feature == "valence":
            res = res.with_valence(refs)
            cal = res.valence
            values[k] = (float("nan"), float("nan")) if cal is None else (cal.valence, cal.valence_sigma)
        else:
            values[k] = (res.l3_l2_ratio, res.l3_l2_ratio_sigma)
        out[k] = res.to_dict()
    name = "V L3/L2 white-line ratio (EELS)" if feature == "L3/L2 ratio" else "mean V valence (EELS V L3 position)"
    record = state_record(values, technique="EELS", mode=mode, feature=name, source=str(states["discharged"]),
                          tracks="redox state")
    return StatesAnalysis(feature, mode, out, record)


def analyse_spectra(study) -> SpectraResults:
    """Every ``[spectra]`` entry of a study (paths relative to the manifest)."""
    sec = study.manifest.spectra
    operando = tuple(analyse_operando(study.resolve(o.series), study.resolve(o.echem), technique=o.technique,
                                      band_cm1=o.band_cm1, mode=o.mode, feature=o.feature, window=o.window_cm1,
                                      shape=o.shape, baseline=o.baseline, n_average=o.n_average,
                                      instrument=o.instrument, mass_g=study.masses.active_g,
                                      mcr_components=o.mcr_components)
                     for o in sec.operando)
    xps = tuple(analyse_xps({k: None if getattr(x, k) is None else study.resolve(getattr(x, k))
                             for k in ("pristine", "discharged", "charged")}, region=x.region, mode=x.mode,
                            block=x.block) for x in sec.xps)

    def at(spec: str) -> str:
        path, sep, block = spec.partition("@")
        return f"{study.resolve(Path(path))}{sep}{block}"

    xas = tuple(analyse_xas({k: None if getattr(x, k) is None else at(getattr(x, k))
                             for k in ("pristine", "discharged", "charged")}, feature=x.feature, mode=x.mode,
                            references=[at(r) for r in x.references], valences=x.valences) for x in sec.xas)
    eels = tuple(analyse_eels({k: None if getattr(x, k) is None else at(getattr(x, k))
                               for k in ("pristine", "discharged", "charged")}, feature=x.feature, mode=x.mode,
                              references=[at(r) for r in x.references], valences=x.valences) for x in sec.eels)
    return SpectraResults(operando, xps, xas, eels)
