import numpy as np
import pytest

from reemud import refining
from reemud.elements import INDEX, N_ELEMENTS
from reemud.stages import oxalate_isotherm

# docs/models/refining.md §5 case 1 (PrOMMiS isotherm, pH 1.5), 3 decimals
ISOTHERM = {"Nd": (0.979, 0.996, 0.999), "Dy": (0.417, 0.968, 0.999),
            "Y": (0.525, 0.975, 0.999), "La": (0.585, 0.979, 0.999)}


@pytest.mark.parametrize(("symbol", "expected"), ISOTHERM.items())
def test_isotherm_table(symbol, expected):
    eps, n = oxalate_isotherm()
    x = [refining.oxalate_conversion(c, eps, n)[INDEX[symbol]] for c in (5.0, 10.0, 20.0)]
    np.testing.assert_allclose(x, expected, atol=6e-4)


@pytest.mark.parametrize(("symbol", "oxalic", "co2"),
                         [("Nd", 0.803, 0.785), ("Dy", 0.724, 0.708), ("Y", 1.196, 1.169)])
def test_stoichiometry_per_kg_oxide(symbol, oxalic, co2):
    # docs/models/refining.md §1 table: anhydrous oxalic acid and calcination CO2 per kg oxide
    el = np.zeros(N_ELEMENTS)
    el[INDEX[symbol]] = 1.0
    oxide, acid, carbon = refining.calcine(el)
    assert acid / oxide.sum() == pytest.approx(oxalic, abs=6e-4)
    assert carbon / oxide.sum() == pytest.approx(co2, abs=6e-4)


def test_calcination_returns_the_element_fed():
    el = np.arange(1.0, 16.0)
    oxide, _, _ = refining.calcine(el)
    from reemud.elements import oxide_to_element_t
    np.testing.assert_allclose(oxide_to_element_t(oxide), el, rtol=1e-14)


@pytest.mark.parametrize(("symbol", "expected"), [("Ca", (0.000, 0.021, 0.734)),
                                                  ("Fe", (0.000, 0.591, 0.976)),
                                                  ("Al", (0.0004, 0.014, 0.102))])
def test_impurity_isotherm_table(symbol, expected):
    # docs/models/refining.md §5 case 1, impurity columns
    from reemud.stages.common import impurity_isotherm
    eps, n = impurity_isotherm()[symbol]
    x = refining.precipitated_fraction(np.array([5.0, 10.0, 20.0]), eps, n)
    np.testing.assert_allclose(x, expected, atol=6e-4)


def test_default_purity_by_hand(default_result):
    from reemud.stages.common import IMPURITY_OXIDE, impurity_isotherm
    ox = default_result.records["refining"]
    sep = default_result.records["separation"]
    impurities = sum(v * refining.precipitated_fraction(10.0, *impurity_isotherm()[k])
                     * IMPURITY_OXIDE[k] for k, v in sep.impurities_t_per_year.items())
    reo = ox.oxide_t_per_year.sum()
    assert ox.purity == pytest.approx(reo / (reo + impurities), rel=1e-12)
    assert ox.purity >= ox.purity_spec
    assert default_result.kpis["product_purity"] == ox.purity
