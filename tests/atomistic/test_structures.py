"""Built-in heterostructures, structure loading, interfacial bridges and the void search."""

from __future__ import annotations

import numpy as np
import pytest

from interstore.atomistic.bonds import bond_state, find_bridges
from interstore.atomistic.sites import SiteSearch, candidate_sites, interface_window
from interstore.atomistic.structures import (BUILTINS, OXIDE_TAG, SUBSTRATE_TAG, build_vo2_graphene,
                                             build_vo2_ti3c2, load_structure)
from interstore.errors import InputError


def test_builtins_are_small_and_stoichiometric():
    g = build_vo2_graphene()
    assert len(g) == 96 and g.get_chemical_formula() == "C48O32V16"
    t = build_vo2_ti3c2()
    assert len(t) == 72 and t.get_chemical_formula() == "C18O18Ti27V9"
    for atoms in (g, t):
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


def test_builtin_registry_names():
    assert set(BUILTINS) == {"vo2-graphene", "vo2-ti3c2"}
    assert load_structure("builtin:vo2-ti3c2").get_chemical_formula() == "C18O18Ti27V9"
