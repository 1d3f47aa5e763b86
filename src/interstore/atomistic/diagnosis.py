"""Why an interface comes out detached, locked or storing no Zn: adhesion, contacts and the failing criterion.

For the relaxed bare interface:

- W_adh (J m⁻²) and its label (:mod:`.adhesion`);
- the cross-interface contacts: substrate–oxide atom pairs closer than
  ``CONTACT_FACTOR`` × (sum of covalent radii, ASE ``natural_cutoffs``),
  counted by element pair (e.g. ``O–Ti: 9``), and the V–O–X bridges;
- the interfacial gap: lowest oxide atom minus highest substrate atom (Å).

The interface is called *detached* when it forms no cross-interface contact
and W_adh is below the "detaches" threshold, *locked* when W_adh is above the
"locked" threshold, otherwise *bonded*.  For n_max, the first loading that
fails is named with the criterion that failed and its numbers (E_b/n ≥
threshold, V̄ ≤ 0, bridges left broken, relaxation not converged).
"""

from __future__ import annotations

from collections import Counter

from .structures import OXIDE_TAG, SUBSTRATE_TAG

CONTACT_FACTOR = 1.15


def cross_contacts(atoms) -> dict[str, int]:
    """Substrate–oxide pairs within 1.15 × the sum of covalent radii, counted by element pair."""
    from ase.neighborlist import natural_cutoffs, neighbor_list

    tags = atoms.get_tags()
    sym = atoms.get_chemical_symbols()
    i, j = neighbor_list("ij", atoms, natural_cutoffs(atoms, mult=CONTACT_FACTOR))
    pairs = Counter("–".join(sorted((sym[a], sym[b]))) for a, b in zip(i, j)
                    if tags[a] == SUBSTRATE_TAG and tags[b] == OXIDE_TAG)
    return dict(sorted(pairs.items()))


def interfacial_gap_A(atoms) -> float:
    """Lowest oxide atom minus highest substrate atom along z (Å); negative when they interpenetrate."""
    tags = atoms.get_tags()
    z = atoms.positions[:, 2]
    return float(z[tags == OXIDE_TAG].min() - z[tags == SUBSTRATE_TAG].max())


def interface_state(adhesion, contacts: dict[str, int]) -> str:
    """"detached", "locked" or "bonded" from W_adh and the contacts (see module docstring)."""
    if adhesion.w_adh_J_m2 > adhesion.locked_above_J_m2:
        return "locked"
    if not contacts and adhesion.w_adh_J_m2 < adhesion.detaches_below_J_m2:
        return "detached"
    return "bonded"


def n_max_reason(limit) -> str:
    """The first loading that fails and why, or that every computed loading passed."""
    for c in limit.criteria:
        if c.passes:
            continue
        why = []
        if not c.eb_per_zn_ok:
            why.append(f"E_b/n = {c.eb_per_zn_eV:+.3f} eV per Zn is not below {limit.eb_threshold_eV:g} eV "
                       "(Zn binds less than in bulk Zn)")
        if not c.voltage_ok:
            why.append(f"V̄ into n = {c.voltage_V:+.3f} V is not positive")
        if c.bonds_reform is False:
            why.append("interfacial bridges stay broken after the Zn is removed")
        if c.converged is False and not c.accept_unconverged:
            why.append("the relaxation did not converge (point excluded; --accept-unconverged to count it)")
        return f"n = {c.n_zn} fails: " + "; ".join(why)
    return "every computed loading passes: n_max is a lower bound (load more Zn)"


def diagnose(scan) -> dict:
    """JSON-ready diagnosis of a :class:`~.scan.ScanResult`."""
    atoms = scan.substrate.atoms
    contacts = cross_contacts(atoms)
    return {"interface": interface_state(scan.adhesion, contacts), "w_adh_J_m2": scan.adhesion.w_adh_J_m2,
            "cross_interface_contacts": contacts, "bridges": len(scan.bridges),
            "bridge_types": sorted(set(scan.bridges.labels)), "interfacial_gap_A": interfacial_gap_A(atoms),
            "n_max": scan.limit.n_max, "n_max_reason": n_max_reason(scan.limit),
            "bare_interface_converged": scan.substrate.converged}
