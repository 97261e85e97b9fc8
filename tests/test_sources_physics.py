"""Bio-sorbent and seawater physics by hand: the arithmetic is written out so it can fail.

Complements test_sources_biosorption.py and test_sources_seawater.py: the multi-species batch
(a liquor), the data files' published figures, and 1,000 draws against a loop of scalars.
"""

import math

import numpy as np
import pytest

from reemud.elements import ATOMIC_MASS_G_PER_MOL, INDEX, REY
from reemud.sources import biosorption as b
from reemud.sources import seawater as sw


def test_thomas_by_hand():
    # c0 50 mg/L, Q 2 L/h, m 100 g, q0 120 mg/g, k 0.002 L/(mg h)
    # half breakthrough at q0 m / (c0 Q) = 12,000 / 100 = 120 h
    assert b.thomas(120.0, 50.0, 2.0, 100.0, 120.0, 0.002) == pytest.approx(0.5, abs=1e-15)
    # 10 %: (0.002 x 120 x 100 / 2 - ln 9) / (0.002 x 50) = (12 - 2.1972246) / 0.1 = 98.027754 h
    t10 = b.thomas_breakthrough_h(0.1, 50.0, 2.0, 100.0, 120.0, 0.002)
    assert t10 == pytest.approx((12.0 - math.log(9.0)) / 0.1, rel=1e-12)
    assert t10 == pytest.approx(98.027754, rel=1e-7)


def test_milt_nd_capacity_from_milliequivalents():
    # 1.04e-3 eq/g / 3 eq/mol x 144.24 g/mol x 1000 mg/g = 50.003 mg/g
    milt = b.sorbents()[("salmon-milt", "Nd")]
    hand = 1.04e-3 / 3 * ATOMIC_MASS_G_PER_MOL[INDEX["Nd"]] * 1000
    assert hand == pytest.approx(50.003, rel=1e-4)
    assert milt["q_max_mg_per_g"] == pytest.approx(hand, rel=1e-3)
    assert milt["mode"] == "batch"
    for key in ("k_l_per_mg", "cycles", "desorption_fraction", "price_usd_per_kg"):
        assert math.isnan(milt[key]), key  # not published: NaN, never a silent zero


def test_competitive_batch_reduces_to_the_quadratic_for_one_species():
    for c0, dose in ((100.0, 1.0), (5.0, 0.2), (1000.0, 10.0)):
        one = b.competitive_batch_equilibrium(np.array([c0]), dose, np.array([188.68]),
                                              np.array([0.029]))
        quad = b.batch_equilibrium(c0, dose, 188.68, 0.029)
        assert one["c_mg_per_l"][0] == pytest.approx(quad["c_mg_per_l"], rel=1e-12)
        assert one["q_mg_per_g"][0] == pytest.approx(quad["q_mg_per_g"], rel=1e-12)


def test_two_species_batch_by_hand():
    # dose 0.1 g/L; species 1: q_max 100, K 0.1, c0 7.5; species 2: q_max 40, K 0.05, c0 11.
    # a_i = dose q_max K = 1 and 0.2. Try S = 1: c1 = 7.5 / (1 + 1/2) = 5, c2 = 11 / (1 + 0.2/2) = 10
    # and S = 0.1 x 5 + 0.05 x 10 = 1: consistent, so S = 1 (the root is unique).
    # q1 = 100 x 0.1 x 5 / 2 = 25 mg/g (7.5 - 5 = 2.5 = 0.1 x 25); q2 = 40 x 0.05 x 10 / 2 = 10 mg/g
    out = b.competitive_batch_equilibrium(np.array([7.5, 11.0]), 0.1, np.array([100.0, 40.0]),
                                          np.array([0.1, 0.05]))
    np.testing.assert_allclose(out["c_mg_per_l"], [5.0, 10.0], rtol=1e-12)
    np.testing.assert_allclose(out["q_mg_per_g"], [25.0, 10.0], rtol=1e-12)
    np.testing.assert_allclose(out["removed"], [2.5 / 7.5, 1.0 / 11.0], rtol=1e-12)
    # one adsorption-desorption, desorbed 0.9, 10 cycles: recovered 0.9 x (2.5, 1) = (2.25, 0.9)
    # mg/L, 3.15 mg/L in all; sorbent 1000 x 0.1 / (3.15 x 10) = 3.1746 kg per kg recovered
    liq = b.batch_liquor(np.array([7.5, 11.0]), 0.1, np.array([100.0, 40.0]),
                         np.array([0.1, 0.05]), 0.9, 10)
    np.testing.assert_allclose(liq["recovered_mg_per_l"], [2.25, 0.9], rtol=1e-12)
    assert liq["recovered_total_mg_per_l"] == pytest.approx(3.15, rel=1e-12)
    assert liq["kg_sorbent_per_kg"] == pytest.approx(100.0 / 31.5, rel=1e-12)


def test_iron_lowers_nd_uptake_and_every_species_balances():
    # Chlorella Nd (published) with Fe3+ at an affinity given for the test (none is published)
    c0 = np.array([100.0, 500.0])
    q_max, k = np.array([188.68, 100.0]), np.array([0.029, 0.01])
    dose = 1.0
    with_fe = b.competitive_batch_equilibrium(c0, dose, q_max, k)
    np.testing.assert_allclose(c0 - with_fe["c_mg_per_l"], dose * with_fe["q_mg_per_g"],
                               rtol=1e-9)
    alone = b.batch_equilibrium(100.0, dose, 188.68, 0.029)
    assert with_fe["q_mg_per_g"][0] < alone["q_mg_per_g"]


def test_liquor_sorbent_per_kg_matches_the_single_species_formula():
    chl = b.sorbents()[("chlorella-vulgaris", "Nd")]
    q = b.batch_equilibrium(100.0, 1.0, chl["q_max_mg_per_g"], chl["k_l_per_mg"])["q_mg_per_g"]
    single = b.sorbent_per_kg(q, chl["cycles"], chl["desorption_fraction"],
                              chl["price_usd_per_kg"])
    liq = b.batch_liquor(np.array([100.0]), 1.0, np.array([chl["q_max_mg_per_g"]]),
                         np.array([chl["k_l_per_mg"]]), chl["desorption_fraction"],
                         chl["cycles"])
    assert liq["kg_sorbent_per_kg"] == pytest.approx(single["kg_sorbent_per_kg"], rel=1e-12)


def test_an_unpublished_affinity_leaves_the_liquor_undefined_not_zero():
    # a 15-element liquor on the milt: K not published -> NaN for every element
    milt = b.sorbents()[("salmon-milt", "Nd")]
    c0 = np.full(len(REY), 10.0)
    q_max = np.full(len(REY), milt["q_max_mg_per_g"])
    k = np.full(len(REY), milt["k_l_per_mg"])
    out = b.batch_liquor(c0, 1.0, q_max, k, 0.9, 10)
    assert np.isnan(out["recovered_mg_per_l"]).all()
    assert np.isnan(out["kg_sorbent_per_kg"])


def test_seawater_table_covers_every_rey_element_and_the_published_sum():
    c = sw.concentrations_ng_per_l()
    assert set(REY) | {"U"} <= set(c)
    # gold is kept apart, with its four disagreeing values (seawater_gold.csv): CRC 4 ng/L
    # / 1.025 kg/L = 3.90 ng/kg = 3.9e-3 mg/t
    gold = {g["case"]: g["mg_per_t"] for g in sw.gold_cases()}
    assert gold["crc-2014"] == pytest.approx(4 / 1.025 * 1e-3, rel=2e-3)
    # domain facts §6.4 [DERIVED]: the 15 REY of the CRC column sum to 25.6 ng/L
    assert sum(c[s] for s in REY) == pytest.approx(25.6, abs=1e-9)
    # uranium 3.3 mg/t x 1.025 t/m3 = 3.3825 mg/m3 = 3,382.5 ng/L (stored rounded to 3,382)
    assert c["U"] == pytest.approx(3.3 * 1.025 * 1000, rel=2e-4)
    # Dy at 0.91 ng/L: 1e12 / 0.91 / 1e3 x 1.025 = 1.1264e9 t per kg
    assert sw.seawater_t_per_kg(c["Dy"]) == pytest.approx(1.126374e9, rel=1e-6)


def test_haber_value_per_tonne_at_the_2024_gold_price():
    price = sw.parameters()["gold_price"]["value"]
    # 2,386 US$/oz / 31.1035 g/oz = 76.711 US$/g
    assert price == pytest.approx(2386 / 31.1035, rel=1e-4)
    # 6 mg/t: 1000 / 6 = 166.67 t per g; 6 / 1000 g x 76.71 = US$0.460 per tonne
    out = sw.haber(6.0, price)
    assert out["t_per_g"] == pytest.approx(166.67, rel=1e-4)
    assert out["usd_per_t"] == pytest.approx(0.46026, rel=1e-4)


def test_uranium_analogy_at_the_published_cost_range():
    p = sw.parameters()
    assert (p["uranium_cost"]["low"], p["uranium_cost"]["high"]) == (326.0, 1430.0)
    # Nd 2.8 ng/L, U 3,382 ng/L: ratio 3382 / 2.8 = 1207.857
    # US$326 x 1207.857 = US$393,761 per kg of Nd; US$1,430 x 1207.857 = US$1,727,236
    c = sw.concentrations_ng_per_l()
    low = sw.uranium_analogy(c["Nd"], c["U"], 326.0, 2.0)["usd_per_kg"]
    high = sw.uranium_analogy(c["Nd"], c["U"], 1430.0, 2.0)["usd_per_kg"]
    assert low == pytest.approx(393_761.43, rel=1e-6)
    assert high == pytest.approx(1_727_235.71, rel=1e-6)


def test_a_thousand_draws_equal_a_loop_of_scalars():
    rng = np.random.default_rng(14)
    n = 1000
    c, q_max, k = rng.uniform(1, 500, n), rng.uniform(20, 200, n), rng.uniform(0.005, 0.1, n)
    t, q0, kth = rng.uniform(0, 300, n), rng.uniform(50, 150, n), rng.uniform(1e-3, 5e-3, n)
    frac = rng.uniform(0.05, 0.95, n)
    conc, head, eff = rng.uniform(0.1, 15, n), rng.uniform(5, 20, n), rng.uniform(0.7, 0.85, n)
    liquor = rng.uniform(0, 200, (n, 3))
    qs, ks = rng.uniform(20, 200, (n, 3)), rng.uniform(0.005, 0.1, (n, 3))
    dose = rng.uniform(0.1, 5, n)
    together = {
        "langmuir": b.langmuir(c, q_max, k),
        "thomas": b.thomas(t, c, 2.0, 100.0, q0, kth),
        "thomas_t": b.thomas_breakthrough_h(frac, c, 2.0, 100.0, q0, kth),
        "sorbent": b.sorbent_per_kg(q_max, 10, 0.9, 10.0)["usd_per_kg"],
        "water": sw.seawater_t_per_kg(conc, 0.8),
        "pumped": sw.pumped_plant(conc, head, eff, 0.8, 0.12, 0.484)["usd_per_kg"],
        "moored": sw.uranium_analogy(conc, 3382.0, 1230.0, 2.0)["usd_per_kg"],
        "haber": sw.haber(conc, 76.71)["usd_per_t"],
        "liquor": b.batch_liquor(liquor, dose, qs, ks, 0.9, 10)["recovered_mg_per_l"],
    }
    for i in range(n):
        one = {
            "langmuir": b.langmuir(c[i], q_max[i], k[i]),
            "thomas": b.thomas(t[i], c[i], 2.0, 100.0, q0[i], kth[i]),
            "thomas_t": b.thomas_breakthrough_h(frac[i], c[i], 2.0, 100.0, q0[i], kth[i]),
            "sorbent": b.sorbent_per_kg(q_max[i], 10, 0.9, 10.0)["usd_per_kg"],
            "water": sw.seawater_t_per_kg(conc[i], 0.8),
            "pumped": sw.pumped_plant(conc[i], head[i], eff[i], 0.8, 0.12, 0.484)["usd_per_kg"],
            "moored": sw.uranium_analogy(conc[i], 3382.0, 1230.0, 2.0)["usd_per_kg"],
            "haber": sw.haber(conc[i], 76.71)["usd_per_t"],
            "liquor": b.batch_liquor(liquor[i], dose[i], qs[i], ks[i], 0.9, 10)[
                "recovered_mg_per_l"],
        }
        for key, value in one.items():
            np.testing.assert_allclose(together[key][i], value, rtol=1e-12, err_msg=key)
    assert together["liquor"].shape == (n, 3)
