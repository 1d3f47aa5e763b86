"""Built-in heterostructures, structure loading, interfacial bridges and the void search."""

from __future__ import annotations

import numpy as np
import pytest

from interstore.atomistic.bonds import bond_state, find_bridges
from interstore.atomistic.sites import SiteSearch, candidate_sites, interface_window
from interstore.atomistic.structures import (BUILTINS, OXIDE_TAG, SUBSTRATE_TAG, build_vo2_graphene,
                                             build_vo2_ruo2, build_vo2_ti3c2, build_vo2_ti3c2tx, load_structure)
from interstore.errors import InputError


def test_builtins_are_small_and_stoichiometric():
    g = build_vo2_graphene()
    assert len(g) == 98 and g.get_chemical_formula() == "C50O32V16"  # pristine graphene first
    gv = build_vo2_graphene(vacancies=2)
    assert len(gv) == 96 and gv.get_chemical_formula() == "C48O32V16"
    t = build_vo2_ti3c2()
    assert len(t) == 72 and t.get_chemical_formula() == "C18O18Ti27V9"
    for atoms in (g, gv, t):
        assert len(atoms) <= 120
        assert set(atoms.get_tags()) == {SUBSTRATE_TAG, OXIDE_TAG}
        # every V is octahedral: 6 O within 2.3 Å
        v = [i for i, s in enumerate(atoms.get_chemical_symbols()) if s == "V"]
        o = [i for i, s in enumerate(atoms.get_chemical_symbols()) if s == "O"]
        counts = [(atoms.get_distances(i, o, mic=True) < 2.3).sum() for i in v]
        assert set(counts) == {6}


def test_ti3c2_bridges_are_v_o_ti():
    bridges = find_bridges(build_vo2_ti3c2())
    # each of the 9 lower O sits in a hollow of 3 top-plane Ti: 27 V–O–Ti bridges, Ti–O = 2.09 Å
    assert len(bridges) == 27
    assert set(bridges.labels) == {"V–O–Ti"}
    assert np.allclose(bridges.d0_A, np.sqrt(3.07 ** 2 / 3 + 1.1 ** 2), atol=1e-6)


def test_bond_state_classifies_stretch_and_break():
    atoms = build_vo2_ti3c2()
    bridges = find_bridges(atoms)
    assert bond_state(bridges, atoms).intact == 27
    lifted = atoms.copy()
    lifted.positions[lifted.get_tags() == OXIDE_TAG, 2] += 0.2  # Ti–O 2.09 -> ~2.28 Å: +9 %
    s = bond_state(bridges, lifted)
    assert (s.intact, s.stretched, s.broken) == (0, 27, 0)
    lifted.positions[lifted.get_tags() == OXIDE_TAG, 2] += 1.0  # far beyond +25 %
    assert bond_state(bridges, lifted).broken == 27


def test_roundtrip_file_keeps_tags_and_untagged_files_are_tagged(tmp_path):
    from ase.io import write

    atoms = build_vo2_graphene()
    write(tmp_path / "cell.extxyz", atoms)
    assert np.array_equal(load_structure(tmp_path / "cell.extxyz").get_tags(), atoms.get_tags())
    plain = atoms.copy()
    plain.set_tags(0)
    write(tmp_path / "POSCAR", plain, format="vasp")
    assert np.array_equal(load_structure(tmp_path / "POSCAR").get_tags(), atoms.get_tags())


@pytest.mark.parametrize("spec,match", [("builtin:nope", "unknown built-in"), ("missing.cif", "not found")])
def test_load_structure_errors(spec, match, tmp_path):
    with pytest.raises(InputError, match=match):
        load_structure(spec)


def test_garbage_structure_file(tmp_path):
    bad = tmp_path / "cell.cif"
    bad.write_text("data_x\n_cell_length_a banana\n")
    with pytest.raises(InputError) as err:
        load_structure(bad)
    assert "cell.cif" in str(err.value)


def test_void_search_finds_the_gap_and_respects_clearance():
    atoms = build_vo2_ti3c2()
    opened = atoms.copy()
    opened.positions[opened.get_tags() == OXIDE_TAG, 2] += 2.0  # open a 3.1 Å gap
    z_lo, z_hi = interface_window(opened)
    search = SiteSearch(min_distance_A=1.8, max_sites=4)
    sites = candidate_sites(opened, search)
    assert len(sites) == 4
    assert np.all((sites[:, 2] >= z_lo) & (sites[:, 2] <= z_hi))
    for p in sites:  # clearance to every atom (minimum image) >= 1.8 Å
        probe = opened.copy()
        probe.append("Zn")
        probe.positions[-1] = p
        assert probe.get_distances(len(probe) - 1, range(len(opened)), mic=True).min() >= 1.8 - 1e-9
    # a closed interface has no void of 2.5 Å
    assert len(candidate_sites(atoms, SiteSearch(min_distance_A=2.5))) == 0
    upside_down = atoms.copy()
    upside_down.positions[:, 2] *= -1
    with pytest.raises(InputError, match="not above"):
        interface_window(upside_down)


def test_ti3c2tx_terminations_sit_in_the_hollows_on_both_faces():
    atoms = build_vo2_ti3c2tx()
    assert atoms.get_chemical_formula() == "C18H4F4O32Ti27V9" and len(atoms) == 94
    sym = np.array(atoms.get_chemical_symbols())
    sub = atoms.get_tags() == SUBSTRATE_TAG
    ti = np.flatnonzero(sym == "Ti")
    heads = np.flatnonzero(sub & np.isin(sym, ["O", "F"]))
    assert len(heads) == 18  # 9 sites per face
    for i in heads:  # a hollow site: 3 outer-plane Ti at sqrt(a²/3 + 1.1²) = 2.09 Å
        d = atoms.get_distances(i, ti, mic=True)
        assert np.sum(np.abs(d - np.sqrt(3.07 ** 2 / 3 + 1.1 ** 2)) < 1e-6) == 3
    for h in np.flatnonzero(sym == "H"):  # O–H 0.97 Å pointing away from the sheet
        d = atoms.get_distances(h, heads, mic=True)
        assert d.min() == pytest.approx(0.97, abs=1e-9)
    # the oxide's lower O plane sits 1.9 Å (H···O) above the OH hydrogens, not on top of a T site
    z = atoms.positions[:, 2]
    ox_o = np.flatnonzero((atoms.get_tags() == OXIDE_TAG) & (sym == "O"))
    assert z[atoms.get_tags() == OXIDE_TAG].min() - z[sym == "H"].max() == pytest.approx(1.9, abs=1e-6)
    flat = atoms.copy()
    flat.positions[:, 2] = 0
    lower = ox_o[z[ox_o] < z[ox_o].mean()]
    assert min(flat.get_distances(i, heads, mic=True).min() for i in lower) > 1.5


def test_ruo2_cell_is_the_rutile_stacking_opened_by_the_gap():
    atoms = build_vo2_ruo2()
    assert atoms.get_chemical_formula() == "O32Ru8V8" and len(atoms) == 48
    sym = np.array(atoms.get_chemical_symbols())
    assert set(sym[atoms.get_tags() == SUBSTRATE_TAG]) == {"Ru", "O"}
    assert set(sym[atoms.get_tags() == OXIDE_TAG]) == {"V", "O"}
    closed = build_vo2_ruo2(gap_A=0.0)
    o = np.flatnonzero(np.array(closed.get_chemical_symbols()) == "O")
    metals = np.flatnonzero(np.isin(closed.get_chemical_symbols(), ["Ru", "V"]))
    z = closed.positions[metals, 2]
    planes = np.unique(np.round(z, 2))
    assert len(planes) == 4 and np.allclose(np.diff(planes), 4.4919 / np.sqrt(2), atol=0.01)  # d(110)
    inner = metals[(z > planes[0] + 0.1) & (z < planes[-1] - 0.1)]
    # closed: the two interface planes are bulk rutile, every metal six-fold (M–O 1.94–2.0 Å)
    coordination = [(closed.get_distances(i, o, mic=True) < 2.1).sum() for i in inner]
    assert set(coordination) == {6}
    opened = [(atoms.get_distances(i, o, mic=True) < 2.1).sum() for i in
              np.flatnonzero(np.isin(atoms.get_chemical_symbols(), ["Ru", "V"]))]
    assert sorted(set(opened)) == [5, 6]  # opened: the cus metals at the interface lose their O_br partner
    assert len(find_bridges(atoms)) == 0 and len(find_bridges(closed)) > 0


def test_builtin_registry_names():
    assert set(BUILTINS) == {"vo2-graphene", "vo2-graphene-vac", "vo2-ti3c2", "vo2-ti3c2tx", "vo2-ruo2"}
    assert load_structure("builtin:vo2-ti3c2").get_chemical_formula() == "C18O18Ti27V9"
