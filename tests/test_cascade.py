import numpy as np
import pytest

from reemud.separation import cascade

# docs/models/separation.md §6 case 1 (Kremser closed form): fraction not extracted after N ideal stages
KREMSER = [(1.5, 5, 0.04812), (2.0, 5, 0.01587), (1.2, 10, 0.03110), (1.0, 4, 0.2000),
           (0.5, 7, None), (3.0, 12, None)]


def _single_section(d, n, eta=1.0):
    return cascade.solve(0, np.atleast_1d(np.asarray(d, dtype=float)), np.full(n, 1.0),
                         np.full(n, 1.0), 1.0, np.zeros(np.size(d)), 1.0, np.ones(np.size(d)),
                         np.zeros(n), np.zeros((n, np.size(d))), eta, 0.0, np.zeros(n), 3.0, 0.5,
                         1e-12, 50)


@pytest.mark.parametrize(("e", "n", "published"), KREMSER)
def test_kremser_to_1e10(e, n, published):
    x, y, *_ = _single_section(e, n)
    exact = 1.0 / (n + 1) if e == 1.0 else (e - 1.0) / (e ** (n + 1) - 1.0)
    assert x[0, 0] == pytest.approx(exact, rel=1e-10, abs=1e-14)
    if published is not None:
        assert x[0, 0] == pytest.approx(published, abs=5e-6)
    # mass balance: what enters (1) = raffinate + loaded organic
    assert x[0, 0] + y[-1, 0] == pytest.approx(1.0, rel=1e-12)


def test_murphree_efficiency_one_stage_by_hand():
    # one stage, D = 2, O = A = 1, efficiency 0.5: y = 0.5 * 2 x; x + y = 1 -> x = 0.5
    x, y, *_ = _single_section(2.0, 1, eta=0.5)
    assert x[0, 0] == pytest.approx(0.5, rel=1e-14)
    assert y[0, 0] == pytest.approx(0.5, rel=1e-14)


def _binary(beta, fa, w):
    from reemud.separation.design import saturated_binary_products
    heavy, light, res = saturated_binary_products(beta, fa, w)
    return heavy, light, np.array([1 - fa, fa]), res


def test_sharp_purity_transition_at_minimum_reflux():
    # two components, beta = 2, f_A = 0.5: W_min = 1/(beta - 1) = 1 (docs/models/separation.md §1)
    purity = {}
    for w in (0.5, 0.8, 0.9, 1.1, 1.2, 1.5):
        a, b, feed, res = _binary(2.0, 0.5, w)
        assert res < 1e-12
        np.testing.assert_allclose(a + b, feed, rtol=0, atol=1e-13)
        purity[w] = a[1] / a.sum()
    assert purity[0.5] < 0.85
    assert purity[0.9] < 0.97
    assert purity[1.1] > 0.9998
    assert purity[1.5] > 0.99999
    # below W_min the purity is pinned near the pinch; above it the impurity falls by orders
    assert (1 - purity[0.9]) / (1 - purity[1.1]) > 100


def test_batch_matches_single_and_is_order_free():
    d = np.array([[0.5, 1.0, 2.0], [1.5, 0.7, 3.0]])
    n = 8
    batch = d.shape[0]
    args = (np.full((batch, n), 1.2), np.full((batch, n), 1.0), np.full(batch, 1.2),
            np.zeros((batch, 3)), np.full(batch, 1.0), np.ones((batch, 3)), np.zeros((batch, n)),
            np.zeros((batch, n, 3)), np.ones(batch), np.zeros(batch), np.zeros((batch, n)))
    xs, ys, *_ = cascade.solve_batch(0, d, *args, 3.0, 0.5, 1e-12, 50)
    for k in range(batch):
        x, y, *_ = cascade.solve(0, d[k], *(a[k] for a in args), 3.0, 0.5, 1e-12, 50)
        np.testing.assert_array_equal(x, xs[k])
    xr, *_ = cascade.solve_batch(0, d[::-1].copy(), *(a[::-1].copy() for a in args), 3.0, 0.5,
                                 1e-12, 50)
    np.testing.assert_array_equal(xr[::-1], xs)


def test_fenske_models_md_values():
    from reemud.separation.design import fenske_min_stages, minimum_reflux
    # docs/models/separation.md §6 case 2: 34.1 (β 1.5), 30.2 (1.58), 19.9 (2.0), 16.8 (2.28)
    np.testing.assert_allclose(fenske_min_stages(0.999, 0.999, np.array([1.5, 1.58, 2.0, 2.28])),
                               [34.1, 30.2, 19.9, 16.8], atol=0.05)
    assert minimum_reflux(1.5) == pytest.approx(2.0)
    assert minimum_reflux(2.28) == pytest.approx(0.78, abs=0.005)


def test_design_cut_meets_spec_and_refuses_the_impossible():
    from reemud.separation.design import design_cut
    d, feed, heavy = np.array([1.0, 2.5, 6.25]), np.array([0.3, 0.4, 0.3]), [False, True, True]
    out = design_cut(d, feed, heavy, purity=0.995, recovery=0.95, reflux_multiple=1.5)
    assert min(out["heavy_purity"], out["light_purity"]) >= 0.995
    np.testing.assert_allclose(out["raffinate"] + out["extract"], feed, rtol=1e-12)
    assert out["n_extraction"] + out["n_scrub"] >= out["n_min_fenske"]
    with pytest.raises(ValueError, match=r"heavy key must be more extractable .*β = 0.4"):
        design_cut(np.array([2.5, 1.0]), np.array([0.5, 0.5]), [False, True], purity=0.99,
                   recovery=0.9, reflux_multiple=1.5)
    with pytest.raises(ValueError, match="not reached within 20 stages at β = 1.1"):
        design_cut(np.array([1.0, 1.1]), np.array([0.5, 0.5]), [False, True], purity=0.999,
                   recovery=0.99, reflux_multiple=1.5, max_stages=20)


def test_default_flowsheet_products_at_spec(default_result):
    sep = default_result.records["separation"]
    sx = default_result.diagnostics["separation"]
    liquor = default_result.records["leaching"]
    assert set(sx["product_purity"]) == {"La+Ce", "Pr+Nd", "Sm+Eu+Gd", "Tb", "Dy", "Ho", "Y",
                                       "Er+Tm+Yb+Lu"}
    assert all(p >= 0.995 for p in sx["product_purity"].values())
    # every element ends in some product: the products' element sums equal the feed
    total = sum(sx["products"].values())
    np.testing.assert_allclose(total, liquor.rey_t_per_year, rtol=1e-10)
    np.testing.assert_allclose(sep.product_rey_t_per_year + sep.loss_rey_t_per_year,
                               liquor.rey_t_per_year, rtol=1e-12)
    dy = sep.recovery[8]
    assert dy >= 0.95  # issue 5's example: Dy2O3 >= 99.5 % at >= 95 % recovery


def test_results_independent_of_thread_count():
    import numba
    rng = np.random.default_rng(5)
    b, n, m = 16, 30, 6
    d = rng.uniform(0.2, 5.0, (b, m))
    args = (np.full((b, n), 1.3), np.full((b, n), 1.0), np.full(b, 1.3), np.zeros((b, m)),
            np.full(b, 1.0), rng.uniform(0, 1, (b, m)), np.zeros((b, n)), np.zeros((b, n, m)),
            np.full(b, 0.9), np.zeros(b), np.zeros((b, n)))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one, *_ = cascade.solve_batch(0, d, *args, 3.0, 0.5, 1e-12, 5)
        numba.set_num_threads(max(before, 2) if numba.config.NUMBA_NUM_THREADS > 1 else 1)
        many, *_ = cascade.solve_batch(0, d, *args, 3.0, 0.5, 1e-12, 5)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, many)
    half, *_ = cascade.solve_batch(0, d[:8], *(a[:8] for a in args), 3.0, 0.5, 1e-12, 5)
    np.testing.assert_array_equal(half, one[:8])


def test_mass_action_model_balances_and_loads():
    # three components, D = K F^3 / H^3 with loading; acid released by extraction (s = 0)
    n, m = 10, 3
    k = np.array([0.5, 2.0, 8.0])
    params = np.concatenate([k, [0.6]])  # free dimer total 0.6 mol/L
    o = np.full(n, 1.0)
    a = np.full(n, 1.0)
    x, y, h, it, ch = cascade.solve(2, params, o, a, 1.0, np.zeros(m), 1.0,
                                    np.array([0.02, 0.02, 0.02]), np.zeros(n),
                                    np.zeros((n, m)), 1.0, 0.1, np.zeros(n), 3.0, 0.5, 1e-10, 500)
    assert ch < 1e-10
    np.testing.assert_allclose(a[0] * x[0] + o[-1] * y[-1], [0.02, 0.02, 0.02], rtol=1e-12)
    assert np.all(h >= 0.1)  # extraction releases acid into the aqueous
    assert y[-1, 2] > y[-1, 0]


def test_bad_product_groups_rejected():
    from reemud.errors import ScenarioError
    from reemud.scenario import parse_scenario
    with pytest.raises(ScenarioError, match="every REY must be in exactly one product"):
        parse_scenario('[separation]\nproducts = "La+Ce|Pr+Nd"\n')
    with pytest.raises(ScenarioError, match="unknown elements Xx"):
        parse_scenario('[separation]\nproducts = "Xx|La"\n')


def test_saponification_cuts_acid_release_and_raises_extraction():
    kw = dict(stages=6, organic_flow=1.0, aqueous_flow=1.0, aqueous_feed=[0.01, 0.01],
              acid_mol_per_l=0.05)
    x0, y0, h0, ok0 = cascade.mass_action_cascade([1.0, 5.0], 0.3, 0.0, **kw)
    x1, y1, h1, ok1 = cascade.mass_action_cascade([1.0, 5.0], 0.3, 0.9, **kw)
    assert ok0
    assert ok1
    # acid leaving in the raffinate: feed acid + 3 (1 - s) x extracted
    extracted0 = y0[-1].sum()
    assert h0[0] == pytest.approx(0.05 + 3.0 * extracted0, rel=1e-9)
    assert h1[0] < h0[0]
    assert y1[-1].sum() > y0[-1].sum()
    with pytest.raises(ValueError, match=r"saponification must be in \[0, 1\) \(got 1.2\)"):
        cascade.mass_action_cascade([1.0], 0.3, 1.2, **kw)
