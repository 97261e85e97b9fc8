import math

import numpy as np
import pytest
from scipy import stats

from reemud import distributions as dists
from reemud.errors import ScenarioError
from reemud.scenario import parse_scenario

# per kind: parameters, (u, expected) pairs from scipy.stats or by hand, and the nominal value
CASES = {
    "uniform": (dict(low=2.0, high=6.0), [(0.5, 4.0), (0.9, 5.6)], 4.0),
    # triangular(1, 2, 5): F(mode) = 1/4; u < 1/4: a + sqrt(u (b-a)(c-a)); else b - sqrt((1-u)(b-a)(b-c))
    "triangular": (dict(low=1.0, mode=2.0, high=5.0),
                   [(0.5, 5.0 - math.sqrt(0.5 * 4.0 * 3.0)), (0.1, 1.0 + math.sqrt(0.1 * 4.0)),
                    (0.9, stats.triang.ppf(0.9, 0.25, loc=1.0, scale=4.0))], 2.0),
    # PERT(1, 2, 5): Beta(1 + 4*1/4, 1 + 4*3/4) = Beta(2, 4) on [1, 5]
    "pert": (dict(low=1.0, mode=2.0, high=5.0),
             [(0.5, 1.0 + 4.0 * stats.beta.ppf(0.5, 2, 4)),
              (0.9, 1.0 + 4.0 * stats.beta.ppf(0.9, 2, 4))], 2.0),
    "normal": (dict(mean=3.0, sd=0.5),
               [(0.5, 3.0), (0.975, 3.0 + 0.5 * stats.norm.ppf(0.975)),
                (0.1, stats.norm.ppf(0.1, 3.0, 0.5))], 3.0),
    # ln X ~ N(1, 0.4²): median e, mode exp(1 - 0.16)
    "lognormal": (dict(mu=1.0, sigma=0.4),
                  [(0.5, math.e), (0.9, stats.lognorm.ppf(0.9, 0.4, scale=math.e))],
                  math.exp(1.0 - 0.16)),
    # CDF 0.25, 0.75, 1 at 10, 20, 30
    "discrete": (dict(values=[10.0, 20.0, 30.0], weights=[1.0, 2.0, 1.0]),
                 [(0.5, 20.0), (0.9, 30.0), (0.1, 10.0),
                  (0.6, stats.rv_discrete(values=([10, 20, 30], [0.25, 0.5, 0.25])).ppf(0.6))],
                 20.0),
    # sorted 1..4 at Hazen positions 1/8, 3/8, 5/8, 7/8 (numpy's "hazen" quantile method)
    "empirical": (dict(values=[4.0, 1.0, 3.0, 2.0]),
                  [(0.5, 2.5), (0.3, 1.7),
                   (0.6, np.quantile([4.0, 1.0, 3.0, 2.0], 0.6, method="hazen"))], 2.5),
}


def test_every_kind_has_a_case():
    assert set(CASES) == set(dists.KINDS)


@pytest.mark.parametrize("name", list(CASES))
def test_ppf_at_quantiles(name):
    params, pairs, _ = CASES[name]
    kind = dists.get(name)
    for u, expected in pairs:
        assert kind.quantiles(params, u) == pytest.approx(expected, rel=1e-12), u
        assert kind.ppf(np.asarray(u), **params) == pytest.approx(expected, rel=1e-12), u


@pytest.mark.parametrize("name", list(CASES))
def test_ppf_is_vectorised_and_keeps_the_shape(name):
    params, pairs, _ = CASES[name]
    kind = dists.get(name)
    u = np.array([[p for p, _ in pairs]] * 2)
    x = kind.quantiles(params, u)
    assert x.shape == u.shape
    np.testing.assert_allclose(x[1], [e for _, e in pairs], rtol=1e-12)


@pytest.mark.parametrize("name", list(CASES))
def test_nominal_values(name):
    params, _, nominal = CASES[name]
    kind = dists.get(name)
    assert kind.nominal_value(params) == pytest.approx(nominal, rel=1e-12)
    assert kind.nominal_value({**params, "value": 7.5}) == 7.5  # the optional key wins
    assert "value" in kind.optional


@pytest.mark.parametrize("name", list(CASES))
def test_valid_parameters_pass_their_check(name):
    params, _, _ = CASES[name]
    assert dists.get(name).problems("x.y", params, params) == []


@pytest.mark.parametrize(("name", "params", "allowed"), [
    ("uniform", dict(low=3.0, high=3.0), "needs low < high"),
    ("triangular", dict(low=1.0, mode=6.0, high=5.0), "needs low <= mode <= high"),
    ("pert", dict(low=2.0, mode=1.0, high=5.0), "needs low <= mode <= high"),
    ("normal", dict(mean=1.0, sd=0.0), "the spread must be > 0"),
    ("lognormal", dict(mu=1.0, sigma=-1.0), "the spread must be > 0"),
    ("discrete", dict(values=[1.0, 2.0], weights=[1.0]), "values and weights must be non-empty"),
    ("discrete", dict(values=[1.0, 2.0], weights=[0.0, 0.0]), "weights must be >= 0 with a positive"),
    ("empirical", dict(values=[1.0]), "an empirical distribution needs at least two values"),
    ("uniform", dict(low=1.0, high=math.inf), "distribution parameters must be finite"),
])
def test_bad_parameters_are_named(name, params, allowed):
    problems = dists.get(name).problems("collector.x", params, params)
    assert len(problems) == 1
    assert problems[0].path == "collector.x"
    assert problems[0].allowed.startswith(allowed)


def test_unknown_kind_lists_the_known_kinds():
    with pytest.raises(ValueError, match="'triangle' is not a distribution kind") as err:
        dists.get("triangle")
    for name in dists.KINDS:
        assert name in str(err.value)
    with pytest.raises(ValueError, match="not a distribution kind"):
        dists.get(["uniform"])  # not a name at all


@pytest.mark.parametrize("dist", ['"triangle"', '["uniform"]'])
def test_scenario_with_an_unknown_kind_lists_the_known_kinds(dist):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(f"[collector]\nmud_dry_t_per_day = {{ dist = {dist}, low = 1, high = 2 }}")
    assert "`dist` must be one of " + ", ".join(dists.KINDS) in str(err.value)


def test_unit_conversion_of_each_key():
    scale = 24.0  # e.g. t/hour given for a parameter in t/day
    assert dists.get("uniform").convert("low", 2, scale) == 48.0
    lognormal = dists.get("lognormal")
    assert lognormal.convert("mu", 1.0, scale) == pytest.approx(1.0 + math.log(24.0))
    assert lognormal.convert("sigma", 0.4, scale) == 0.4
    discrete = dists.get("discrete")
    assert discrete.convert("values", [1, 2], scale) == [24.0, 48.0]
    assert discrete.convert("weights", [1, 2], scale) == [1.0, 2.0]
    with pytest.raises(TypeError):
        dists.get("empirical").convert("values", 5000, scale)


def test_support_ends_and_whole_number_kinds():
    ends = {name: dists.get(name).ends(params) for name, (params, _, _) in CASES.items()}
    assert ends == {"uniform": (2.0, 6.0), "triangular": (1.0, 5.0), "pert": (1.0, 5.0),
                    "normal": None, "lognormal": None, "discrete": (10.0, 30.0),
                    "empirical": (1.0, 4.0)}
    assert dists.whole_number_kinds() == ("discrete", "empirical")


def test_degenerate_three_point_kinds_are_constant():
    for name in ("triangular", "pert"):
        np.testing.assert_array_equal(
            dists.get(name).quantiles(dict(low=3.0, mode=3.0, high=3.0), np.array([0.1, 0.9])),
            [3.0, 3.0])
