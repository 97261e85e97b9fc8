import numpy as np
import pytest

from reemud import leaching
from reemud.elements import INDEX


def test_hcl_per_kg_apatite_models_md():
    # models.md §4.1: 0.726 kg HCl per kg hydroxyapatite (to H3PO4)
    assert leaching.apatite_acid_kg_per_kg(36.46, 1) == pytest.approx(0.726, abs=5e-4)


def test_acid_consumption_by_hand():
    # 0.3 kg apatite/kg feed + 0.5 mol/L x 10 L/kg free HCl
    kg_t = leaching.acid_consumption_kg_per_dry_t(0.3, 0.5, 10.0, 36.46, 1)
    assert kg_t == pytest.approx(0.3 * 10 * 36.46 / 502.31 * 1000 + 0.5 * 10 * 36.46, rel=1e-14)


def test_takaya_recoveries_by_element():
    rec = leaching.takaya2015_recoveries(0.951, 0.307)
    assert rec[INDEX["Ce"]] == 0.307
    assert np.all(np.delete(rec, INDEX["Ce"]) == 0.951)


def test_default_leach_balance(default_result):
    conc = default_result.records["beneficiation"]
    liq = default_result.records["leaching"]
    np.testing.assert_allclose(liq.rey_t_per_year + liq.residue_rey_t_per_year,
                               conc.rey_t_per_year, rtol=1e-14)
    assert np.all((liq.recovery >= 0) & (liq.recovery <= 1))
