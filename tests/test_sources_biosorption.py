"""Bio-sorbents (reemud.sources.biosorption): isotherms, batch balance, Thomas column, cost."""

import numpy as np
import pytest

from reemud.sources import biosorption as b

CHLORELLA = b.sorbents()[("chlorella-vulgaris", "Nd")]


def test_published_chlorella_isotherm_and_hand_points():
    assert CHLORELLA["q_max_mg_per_g"] == 188.68
    assert CHLORELLA["k_l_per_mg"] == 0.029
    # c = 100 mg/L: 188.68 x 2.9 / 3.9 = 140.3005 mg/g
    assert b.langmuir(100.0, 188.68, 0.029) == pytest.approx(188.68 * 2.9 / 3.9, rel=1e-12)
    assert b.langmuir(1 / 0.029, 188.68, 0.029) == pytest.approx(188.68 / 2, rel=1e-12)


def test_milt_capacity_from_its_milliequivalents():
    milt = b.sorbents()[("salmon-milt", "Dy")]
    assert milt["q_max_mg_per_g"] == pytest.approx(1.04 / 3 * 162.50, rel=2e-3)
    assert np.isnan(milt["k_l_per_mg"])  # not published: never a silent zero
    assert milt["mode"] == "batch"


def test_competitive_langmuir_reduces_to_langmuir_and_falls_with_iron():
    alone = b.competitive_langmuir(np.array([50.0]), np.array([188.68]), np.array([0.029]))
    assert alone[0] == pytest.approx(b.langmuir(50.0, 188.68, 0.029), rel=1e-12)
    with_fe = b.competitive_langmuir(np.array([50.0, 200.0]), np.array([188.68, 100.0]),
                                     np.array([0.029, 0.01]))
    assert with_fe[0] == pytest.approx(188.68 * 1.45 / (1 + 1.45 + 2.0), rel=1e-12)
    assert with_fe[0] < alone[0]


@pytest.mark.parametrize(("c0", "dose"), [(100.0, 1.0), (5.0, 0.2), (1000.0, 10.0)])
def test_batch_equilibrium_closes_the_mass_balance(c0, dose):
    out = b.batch_equilibrium(c0, dose, 188.68, 0.029)
    assert c0 - out["c_mg_per_l"] == pytest.approx(dose * out["q_mg_per_g"], rel=1e-9)
    assert 0 < out["removed"] < 1


def test_thomas_half_breakthrough_and_its_inverse():
    c0, q, m, q0, k = 50.0, 2.0, 100.0, 120.0, 0.002
    t_half = q0 * m / (c0 * q)
    assert b.thomas(t_half, c0, q, m, q0, k) == pytest.approx(0.5, abs=1e-12)
    t10 = b.thomas_breakthrough_h(0.1, c0, q, m, q0, k)
    assert b.thomas(t10, c0, q, m, q0, k) == pytest.approx(0.1, rel=1e-10)
    t = np.linspace(0, 400, 41)
    assert (np.diff(b.thomas(t, c0, q, m, q0, k)) > 0).all()


def test_sorbent_cost_by_hand_and_undefined_for_the_milt():
    out = b.sorbent_per_kg(76.49, 10, 0.9, 10.0)
    assert out["kg_sorbent_per_kg"] == pytest.approx(1 / (0.07649 * 10 * 0.9), rel=1e-12)
    assert out["usd_per_kg"] == pytest.approx(10 / (0.07649 * 10 * 0.9), rel=1e-12)
    milt = b.sorbents()[("salmon-milt", "Nd")]
    cost = b.sorbent_per_kg(milt["q_max_mg_per_g"], milt["cycles"], milt["desorption_fraction"],
                            milt["price_usd_per_kg"])
    assert np.isnan(cost["usd_per_kg"])


def test_draw_axis_equals_scalar_calls():
    rng = np.random.default_rng(2)
    c0, dose = rng.uniform(1, 500, 30), rng.uniform(0.1, 5, 30)
    together = b.batch_equilibrium(c0, dose, 188.68, 0.029)["c_mg_per_l"]
    one = [float(b.batch_equilibrium(c0[i], dose[i], 188.68, 0.029)["c_mg_per_l"])
           for i in range(30)]
    np.testing.assert_allclose(together, one, rtol=1e-14)


def test_separation_factor_by_hand_and_the_published_point():
    # Kucuker et al. 2017: R_L = 0.12 at c0 = 250 mg/L with K_L = 0.029 L/mg
    assert b.separation_factor(250.0, 0.029) == pytest.approx(1 / 8.25, rel=1e-12)
    assert round(float(b.separation_factor(250.0, 0.029)), 2) == 0.12
    assert b.separation_factor(np.array([0.0, 1e9]), 0.029).tolist() == pytest.approx([1.0, 0.0],
                                                                                     abs=1e-7)


def test_assumed_sorbent_ranges_come_from_the_table():
    assert b.sorbent_ranges("chlorella-vulgaris", "Nd") == {
        "cycles": (3.0, 30.0), "desorption_fraction": (0.7, 0.99), "price_usd_per_kg": (1.0, 30.0)}
    assert all(np.isnan(v).all() for v in b.sorbent_ranges("salmon-milt", "Dy").values())
