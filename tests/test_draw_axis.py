"""One path: every model on the draw axis against the same model run alone, and the chain's
draws (``chain.run_draws``) against the chain run draw by draw through the same loop."""

import dataclasses
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from reemud import economics, registry
from reemud.chain import BALANCES, Chain, check_mass_balance, run_draws
from reemud.chain import _bounds_ok as bounds_ok
from reemud.environment import deposit_area_km2, deposit_areas_km2
from reemud.errors import MassBalanceError, OutOfDomainWarning, ScenarioError
from reemud.scenario import load_scenario, parse_scenario, read_scenario_text
from reemud.stages.common import canonical, draw_groups, map_groups
from reemud.uncertainty import evaluate

PLUME = "plume_area_km2_above_1mm"
N_DRAWS, N_SETS = 1000, 40


# ---------------------------------------------------------------------------------------------
# the model contract: n = 0 and n = 1,000 draws of every parameter, each draw as the model alone


def _numeric_fields(entry):
    return [name for name, info in entry.params.model_fields.items()
            if info.annotation in (float, int) and name not in entry.fixed]


def _parameter_sets(entry, nominal, k, rng):
    """``k`` sets of every numeric parameter within ±5 % of nominal, each valid as a scenario."""
    sets = []
    while len(sets) < k:
        values = {}
        for name in _numeric_fields(entry):
            info = entry.params.model_fields[name]
            base = getattr(nominal, name)
            # canonical: the values the draw axis groups on are the values themselves
            value = float(canonical(base * (1.0 + 0.05 * rng.uniform(-1.0, 1.0))))
            if info.annotation is int:
                value = float(round(value))
            if bounds_ok(info, np.array([value]))[0]:
                values[name] = value
        candidate = nominal.model_copy(update=values)
        if not any(bool(np.any(v)) for v, _ in entry.params.relations(candidate)):
            sets.append(values)
    return sets


def _same(draws_value, alone_value, i, path, rtol):
    """Assert that draw ``i`` of a record value equals the value of the model run alone."""
    if hasattr(alone_value, "items"):
        assert set(draws_value) == set(alone_value), path
        for key in alone_value:
            _same(draws_value[key], alone_value[key], i, f"{path}[{key!r}]", rtol)
        return
    if isinstance(alone_value, tuple):  # names, e.g. the product slate
        assert tuple(draws_value) == alone_value, path
        return
    if isinstance(alone_value, str):
        value = draws_value[i] if np.ndim(draws_value) else draws_value
        assert value == alone_value, path
        return
    got = np.asarray(draws_value, dtype=float)
    ref = np.asarray(alone_value, dtype=float)
    if got.ndim > ref.ndim:
        got = got[i]
    # to rtol of the value, or of the largest element of its array (a loss that is a difference
    # of two nearly equal streams carries their rounding)
    scale = np.max(np.abs(ref[np.isfinite(ref)]), initial=0.0)
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=rtol * scale, equal_nan=True,
                               err_msg=path)


def _upstream(result, stage):
    return {s: result.records[s] for s in registry.STAGES[:registry.STAGES.index(stage)]}


def _compare_records(record, alone, which, rtol_by_field):
    """Every field of ``record`` (draws) against the records of the model run alone."""
    for f in dataclasses.fields(record):
        for i, j in enumerate(which):
            mine, ref = getattr(record, f.name), getattr(alone[j], f.name)
            if f.name == "rejections":
                assert len(mine) == len(ref)
                for r_draw, r_alone in zip(mine, ref, strict=True):
                    assert r_draw.reason == r_alone.reason
                    where = np.broadcast_to(r_draw.where, (len(which),))
                    assert bool(where[i]) == bool(r_alone.where)
                continue
            _same(mine, ref, i, f.name, rtol_by_field.get(f.name, 1e-12))


PLUME_RTOL = {"plume_area_km2_above_1mm": 3e-3}
"""The plume footprint of draws is counted on a grid shared by a 5 % scale bin."""


@pytest.mark.slow
@pytest.mark.parametrize("entry", registry.entries(), ids=lambda e: f"{e.stage}.{e.name}")
def test_model_on_the_draw_axis_equals_the_model_alone(entry, default_result):
    rng = np.random.default_rng(abs(hash(entry.name)) % 2**32)
    nominal = parse_scenario(f'[{entry.stage}]\nmodel = "{entry.name}"').stages[
        entry.stage].params
    up = _upstream(default_result, entry.stage)
    sets = _parameter_sets(entry, nominal, N_SETS, rng)
    which = rng.permutation(np.arange(N_DRAWS) % N_SETS)  # every set ~25 times, in no order
    drawn = {name: np.array([sets[j].get(name, getattr(nominal, name)) for j in which])
             for name in _numeric_fields(entry)}
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfDomainWarning)  # ±5 % may leave a model's domain
        record = entry.run(nominal.model_copy(update=drawn), up, 0)
        empty = entry.run(nominal.model_copy(update={k: v[:0] for k, v in drawn.items()}), up, 0)
        alone = [entry.run(nominal.model_copy(update=values), up, 0) for values in sets]
    _compare_records(record, alone, which, PLUME_RTOL)
    for f in dataclasses.fields(record):
        # zero draws: the same fields with an empty draw axis wherever the draws had one
        got, full = getattr(empty, f.name), getattr(record, f.name)
        if isinstance(full, np.ndarray) and full.shape[:1] == (N_DRAWS,):
            assert np.shape(got)[0] == 0, f.name
    if entry.stage in BALANCES:  # every element balances on every draw
        check_mass_balance({**up, entry.stage: record})


@pytest.mark.slow
@pytest.mark.parametrize("entry", registry.entries(), ids=lambda e: f"{e.stage}.{e.name}")
def test_each_parameter_drawn_alone(entry, default_result):
    # the draw axis may enter a model through any one parameter: each is drawn on its own
    nominal = parse_scenario(f'[{entry.stage}]\nmodel = "{entry.name}"').stages[
        entry.stage].params
    up = _upstream(default_result, entry.stage)
    for name in _numeric_fields(entry):
        info = entry.params.model_fields[name]
        base = getattr(nominal, name)
        values = [float(canonical(base * f)) for f in (0.97, 1.03)]
        if info.annotation is int:
            values = [float(round(v)) for v in values]
        if not bounds_ok(info, np.array(values)).all() or any(
                bool(np.any(v)) for v, _ in entry.params.relations(
                    nominal.model_copy(update={name: np.array(values)}))):
            continue
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", OutOfDomainWarning)
            record = entry.run(nominal.model_copy(update={name: np.array(values)}), up, 0)
            alone = [entry.run(nominal.model_copy(update={name: v}), up, 0) for v in values]
        _compare_records(record, alone, [0, 1], PLUME_RTOL)


# ---------------------------------------------------------------------------------------------
# the chain on the draw axis against the chain draw by draw


def _inputs(n, *, campaign=False):
    """One or more drawn parameters in every stage, a rejected draw of each kind."""
    rng = np.random.default_rng(7)
    inputs = {
        "deposit.porosity": rng.uniform(0.72, 0.8, n),
        "collector.plume_escape_fraction": rng.uniform(0.005, 0.02, n),
        "lifting.solids_volume_fraction": rng.uniform(0.04, 0.08, n),
        "beneficiation.pressure_drop_kpa": rng.uniform(80, 150, n),
        "leaching.temperature_c": rng.uniform(20, 55, n),  # the loss law holds (docs leaching §2.3)
        "leaching.tanks": rng.uniform(0.6, 5.4, n),  # an integer parameter: rounded
        "separation.stage_residence_min": rng.uniform(2, 5, n),
        "refining.oxalic_dosage_g_per_l": rng.uniform(5, 30, n),
        "environment.generator_efficiency": rng.uniform(0.35, 0.45, n),
        "economics.price_multiplier": rng.uniform(0.8, 20, n),
        "market.world_production_t_reo": rng.uniform(3e5, 4e5, n),
    }
    if not campaign:
        inputs["collector.mud_dry_t_per_day"] = rng.uniform(2500, 4500, n)
    inputs["deposit.porosity"][0] = 0.97  # cross-stage rule: solids fraction above 1 - porosity
    inputs["economics.price_multiplier"][1] = -1.0  # outside the parameter's bounds
    return inputs


def _assert_matches_loop(scenario, inputs, rejected=()):
    """The draws equal the chain run draw by draw; ``rejected`` draws (a single run raises a
    ScenarioError for them) are NaN."""
    draws = run_draws(scenario, inputs, guards=True)  # every stage balances every element
    n = len(next(iter(inputs.values())))
    keep = [i for i in range(n) if i not in rejected]
    loop = evaluate(scenario, {k: v[keep] for k, v in inputs.items()}, 0, vectorised=False)
    assert set(draws) == set(loop)
    for kpi, ref in loop.items():
        got = draws[kpi][keep]
        np.testing.assert_array_equal(np.isnan(got), np.isnan(ref), err_msg=kpi)
        # the plume footprint is counted on a grid shared by a scale bin (grid resolution)
        np.testing.assert_allclose(got, ref, rtol=3e-3 if kpi == PLUME else 1e-9, err_msg=kpi)
        assert np.isnan(draws[kpi][list(rejected)]).all(), kpi
    return draws


def test_draw_axis_equals_draw_by_draw_commercial():
    draws = _assert_matches_loop(load_scenario("minamitorishima-commercial"), _inputs(12))
    assert np.isnan(draws["npv_usd"][:2]).all()
    assert np.isfinite(draws["npv_usd"][2:]).all()
    assert np.isfinite(draws["irr"]).any()  # some draws are profitable at up to 20x the prices


@pytest.mark.slow
def test_draw_axis_equals_draw_by_draw_trial_campaign():
    _assert_matches_loop(load_scenario("minamitorishima-2027"), _inputs(4, campaign=True))


def test_draws_do_not_depend_on_block_or_company():
    sc = load_scenario("minamitorishima-commercial")
    inputs = _inputs(9)
    whole = run_draws(sc, inputs)
    small_blocks = run_draws(sc, inputs, block=2)
    alone = run_draws(sc, {k: v[5:6] for k, v in inputs.items()})
    for kpi in whole:
        np.testing.assert_array_equal(whole[kpi], small_blocks[kpi], err_msg=kpi)
        np.testing.assert_array_equal(whole[kpi][5:6], alone[kpi], err_msg=kpi)


def test_progress_counts_blocks():
    seen = []
    run_draws(load_scenario("minamitorishima-commercial"),
              {"economics.price_multiplier": np.linspace(1, 2, 5)}, block=2, progress=seen.append)
    assert seen == [2, 4, 5]


def _with_lift(model):
    text = "\n".join(line for line in load_scenario("minamitorishima-commercial").text.splitlines()
                     if not line.startswith("downline_inner_diameter_m")).replace(
        'model = "closed_circulation"', f'model = "{model}"')
    return parse_scenario(text, model)


def test_airlift_on_the_draw_axis_equals_draw_by_draw():
    inputs = {"lifting.solids_volume_fraction": np.array([0.05, 0.06, 0.04]),
              "lifting.max_air_kg_per_s": np.array([60.0, 80.0, 0.5])}
    draws = _assert_matches_loop(_with_lift("airlift"), inputs, rejected=[2])
    assert np.isfinite(draws["lift_power_kw"][:2]).all()


def test_pump_hoisting_on_the_draw_axis_equals_draw_by_draw():
    rng = np.random.default_rng(11)
    inputs = {"lifting.solids_volume_fraction": rng.uniform(0.03, 0.08, 4),
              "lifting.pump_power_limit_kw": rng.uniform(2e3, 2e4, 4),
              "collector.mud_dry_t_per_day": rng.uniform(2000, 5000, 4)}
    draws = _assert_matches_loop(_with_lift("pump_hoisting"), inputs)
    assert np.isfinite(draws["lift_max_throughput_t_per_day"]).all()


def test_drawn_year_counts_run_as_groups_of_equal_values():
    sc = load_scenario("minamitorishima-commercial")
    assert registry.get("economics", "dcf").fixed == (
        "project_life_years", "construction_years", "depreciation_years")
    inputs = {"economics.project_life_years": np.array([20.0, 25.0, 20.0, 30.0]),
              "economics.price_multiplier": np.array([3.0, 4.0, 5.0, 6.0])}
    draws = _assert_matches_loop(sc, inputs)
    assert len(set(draws["npv_usd"])) == 4


def test_fixed_parameters_must_be_fields():
    entry = registry.get("economics", "dcf")
    with pytest.raises(ValueError, match="fixed parameters life_years are not fields of DcfParams"):
        registry.register("economics", "x", entry.params, fixed=("life_years",))


def test_unknown_path_is_named():
    sc = load_scenario("minamitorishima-commercial")
    with pytest.raises(ValueError, match=r"'economics.price_multipler' is not a parameter of "
                                         r"economics model 'dcf'; did you mean "
                                         r"economics.price_multiplier\?"):
        run_draws(sc, {"economics.price_multipler": np.ones(2)})


def test_unknown_stage_is_named():
    sc = load_scenario("minamitorishima-commercial")
    with pytest.raises(ValueError, match=r"'economy.price_multiplier': 'economy' is not a stage; "
                                         r"stages are deposit, collector"):
        run_draws(sc, {"economy.price_multiplier": np.ones(2)})


def test_monte_carlo_vectorised_equals_loop():
    from pathlib import Path

    from reemud.uncertainty import monte_carlo

    sc = load_scenario(str(Path(__file__).parents[1] / "examples" / "commercial-uncertain.toml"))
    fast = monte_carlo(sc, 16, seed=3)
    slow = monte_carlo(sc, 16, seed=3, vectorised=False)
    for kpi in slow.outputs:
        np.testing.assert_allclose(fast.outputs[kpi], slow.outputs[kpi], rtol=1e-9,
                                   err_msg=kpi)


def test_relations_reject_draws():
    sc = load_scenario("minamitorishima-commercial")
    top = sc.stages["collector"].params.mining_top_mbsf
    out = run_draws(sc, {"collector.mining_bottom_mbsf": np.array([top - 1.0, top + 2.0])})
    assert np.isnan(out["npv_usd"][0])
    assert np.isfinite(out["npv_usd"][1])


def test_draw_axis_with_the_simple_leach_and_separation_models():
    text = load_scenario("minamitorishima-commercial").text + (
        '\n[leaching]\nmodel = "takaya2015"\n\n[separation]\nmodel = "fixed_recovery"\n')
    sc = parse_scenario(text, "simple models")
    n = 5
    rng = np.random.default_rng(3)
    inputs = {"leaching.liquid_to_solid_l_per_kg": rng.uniform(5, 15, n),
              "separation.recovery": rng.uniform(0.9, 0.99, n),
              "economics.price_multiplier": rng.uniform(1, 5, n)}
    draws = _assert_matches_loop(sc, inputs)
    assert np.isnan(draws["sx_stages"]).all()  # no cascade design


def _monthly():
    return parse_scenario(load_scenario("minamitorishima-commercial").text.replace(
        'model = "dcf"\n', 'model = "dcf"\ncash_flow_periods = "monthly"\n', 1), "monthly")


def test_monthly_cash_flow_on_the_draw_axis_equals_draw_by_draw():
    inputs = {"economics.price_multiplier": np.array([0.5, 5.0, 8.0, 12.0])}
    draws = _assert_matches_loop(_monthly(), inputs)
    assert np.isfinite(draws["irr"]).all()
    # at half price only the working capital's release in the last month is positive: one sign
    # change, one (meaningless) rate near -100 %, the same as draw by draw
    assert draws["irr"][0] < -0.99
    yearly = run_draws(load_scenario("minamitorishima-commercial"), inputs)
    # a year's flows arrive month by month instead of all at the year's start: the NPV moves
    # by a few per cent, not more
    gap = np.abs(draws["npv_usd"][1:] / yearly["npv_usd"][1:] - 1.0)
    assert ((gap > 1e-3) & (gap < 0.1)).all()


def test_monthly_irr_near_zero_matches_the_single_run():
    draws = _assert_matches_loop(_monthly(),
                                 {"economics.price_multiplier": np.array([5.3, 5.35, 5.4])})
    assert np.abs(draws["irr"]).max() < 0.01


def test_discount_rate_drawn_alone():
    _assert_matches_loop(load_scenario("minamitorishima-commercial"),
                         {"economics.discount_rate": np.array([0.05, 0.08, 0.1])})


def test_a_draw_breaking_a_rule_does_not_abort_the_others():
    # the second interval is upside down: as a single run it is refused; here it is rejected
    # before any stage runs, and the first draw is computed
    sc = load_scenario("minamitorishima-2027")
    reasons = {}
    out = run_draws(sc, {"collector.mining_top_mbsf": np.array([0.0, 6.0]),
                         "collector.mining_bottom_mbsf": np.array([5.6, 5.0])}, reasons=reasons)
    assert np.isfinite(out["npv_usd"][0])
    assert np.isnan(out["npv_usd"][1])
    assert list(reasons["reason"]) == ["", "outside the parameters' allowed ranges or rules"]


def test_a_leach_that_recovers_nothing_is_a_rejected_draw():
    # no washing: the residue keeps all the liquor, nothing would reach the SX plant; the draw
    # is rejected with its reason (a single run is refused), the other is computed
    sc = load_scenario("minamitorishima-commercial")
    reasons = {}
    draws = run_draws(sc, {"leaching.wash_stages": np.array([0.0, 3.0])}, reasons=reasons)
    assert np.isnan(draws["reo_production_t_per_year"][0])
    assert draws["reo_production_t_per_year"][1] > 0
    assert reasons["reason"][0] == ("leaching.wash_stages: the residue wash returns none of the "
                                   "leached REY to the liquor")


def test_small_gaussian_plume_footprints_within_grid_resolution():
    sc = parse_scenario(read_scenario_text("minamitorishima-commercial")[0]
                        + '\n[environment]\nmodel = "ledger_gaussian_plume"\n')
    escape = np.geomspace(6e-5, 0.5, 12)
    draws = run_draws(sc, {"collector.plume_escape_fraction": escape})[PLUME]
    single = evaluate(sc, {"collector.plume_escape_fraction": escape}, 0,
                      vectorised=False)[PLUME]
    assert (single > 0).all()
    np.testing.assert_allclose(draws, single, rtol=1e-2)  # ~2,000 m² footprints: ~15 m²
    large = single > 0.01
    np.testing.assert_allclose(draws[large], single[large], rtol=3e-3)


def test_plume_draws_of_the_released_mass_scale_one_lagrangian_footprint():
    # without hindered settling the deposit is linear in the released mass
    sc = parse_scenario(read_scenario_text("minamitorishima-commercial")[0]
                        + '\n[environment]\nhindered_settling = "off"\n')
    escape = np.geomspace(1e-3, 0.5, 6)
    draws = run_draws(sc, {"collector.plume_escape_fraction": escape})
    single = evaluate(sc, {"collector.plume_escape_fraction": escape}, 0, vectorised=False)
    for kpi in (PLUME, "plume_area_km2_above_0_1mm", "plume_area_se_km2_above_1mm"):
        # the same particles and positions, the mass scaled: the same footprint
        np.testing.assert_allclose(draws[kpi], single[kpi], rtol=1e-9, err_msg=kpi)
    assert np.all(np.diff(draws[PLUME]) > 0)
    assert np.all(draws["plume_area_km2_above_0_1mm"] > draws[PLUME])


def _counted_engine(monkeypatch):
    """Count the engine's runs and what each released [kg/yr]."""
    from reemud.stages import environment as env_stage

    released = []
    engine = env_stage._engine
    monkeypatch.setattr(env_stage, "_engine", lambda *a, **k: released.append(
        sum(src["mass_kg"].sum() for src in a[2])) or engine(*a, **k))
    return released


def test_an_immaterial_hindrance_lets_the_largest_release_stand_for_the_group(monkeypatch):
    # the largest release (3 % escaping) is run with and without hindrance: the areas move by
    # less than half their sampling error, so every draw scales its footprint
    escapes = np.array([0.01, 0.011, 0.012, 0.03])
    sc = load_scenario("minamitorishima-commercial")
    released = _counted_engine(monkeypatch)
    draws = run_draws(sc, {"collector.plume_escape_fraction": escapes})
    assert len(released) == 2
    assert released[0] == released[1] == max(released)
    assert np.all(np.diff(draws[PLUME]) > 0)
    single = evaluate(sc, {"collector.plume_escape_fraction": escapes}, 0, vectorised=False)
    # the largest draw is the probe's own run, the others its footprint scaled
    assert draws[PLUME][-1] == pytest.approx(single[PLUME][-1], rel=1e-12)
    # each draw alone runs its own (immaterial) hindrance, whose slightly different settling
    # takes the particles on other random paths: within the sampling errors reported
    se = np.hypot(draws["plume_area_se_km2_above_1mm"], single["plume_area_se_km2_above_1mm"])
    assert np.all(np.abs(draws[PLUME] - single[PLUME]) <= 4 * se)
    assert np.all(se > 0)


def test_a_material_hindrance_splits_the_draws_by_powers_of_2_of_release(monkeypatch):
    # with 91 % of the disturbed mud escaping the hindrance moves the areas: the draws are run
    # per power of 2 of the escaped tonnage
    escapes = np.array([0.3, 0.31, 0.32, 0.9, 0.91])
    sc = load_scenario("minamitorishima-commercial")
    released = _counted_engine(monkeypatch)
    draws = run_draws(sc, {"collector.plume_escape_fraction": escapes})
    # the probe with and without hindrance, then one run per power of 2 of the escaped tonnage
    odds = escapes / (1 - escapes)
    tonnes = max(released) / 1000.0 / odds.max() * odds
    bins = np.unique(np.floor(np.log2(tonnes)))
    assert len(released) == 2 + bins.size
    assert bins.size >= 2
    single = evaluate(sc, {"collector.plume_escape_fraction": escapes}, 0, vectorised=False)
    se = np.hypot(draws["plume_area_se_km2_above_1mm"], single["plume_area_se_km2_above_1mm"])
    assert np.all(np.abs(draws[PLUME] - single[PLUME]) <= 4 * se)


def test_no_draws_gives_empty_kpis():
    sc = load_scenario("minamitorishima-commercial")
    out = run_draws(sc, {"economics.price_multiplier": np.array([])})
    assert out["npv_usd"].shape == (0,)
    assert set(out) == set(run_draws(sc, {"economics.price_multiplier": np.ones(1)}))


# ---------------------------------------------------------------------------------------------
# a single run and a draw a stage cannot compute fail for the same stated reason


def _single_and_draw(scenario, path, bad, good):
    """The single run's ScenarioError at ``bad``, and the draws' reasons at ``[good, bad]``."""
    stage, name = path.split(".")
    config = scenario.stages[stage]
    broken = dataclasses.replace(scenario, stages={
        **scenario.stages, stage: dataclasses.replace(
            config, params=config.params.model_copy(update={name: bad}))})
    with pytest.raises(ScenarioError) as single:
        Chain(broken).run()
    reasons = {}
    out = run_draws(scenario, {path: np.array([good, bad])}, reasons=reasons)
    assert np.isfinite(out["reo_production_t_per_year"][0])
    assert np.isnan(out["reo_production_t_per_year"][1])
    return str(single.value), list(reasons["reason"])


SAME_REASON = {
    "slurry that cannot rise": (
        "minamitorishima-commercial", "collector.mud_dry_t_per_day", 1.0, 3500.0,
        "lifting.solids_volume_fraction",
        "the riser velocity must exceed the hindered settling velocity of every grain class",
        " (got 0.05)"),
    "airlift short of air": (
        "airlift", "lifting.max_air_kg_per_s", 0.5, 60.0, "lifting.max_air_kg_per_s",
        "the airlift's largest throughput must reach the rate the collector delivers",
        ": it peaks at"),
    "SX spec not reached": (
        "minamitorishima-commercial", "separation.max_stages", 2.0, 400.0, "separation.products",
        "every cut must reach the purity and recovery specs within max_stages", ": "),
    "mud outside the phases' grades": (
        "minamitorishima-commercial", "deposit.grade_multiplier", 20.0, 1.0, "deposit.mud_phases",
        "the mined mud's grade must lie between the matrix and carrier grades of the phase set",
        ": it is "),
}


@pytest.mark.parametrize("case", SAME_REASON, ids=str)
def test_single_run_and_draw_fail_for_the_same_reason(case):
    scenario, path, bad, good, field, reason, then = SAME_REASON[case]
    sc = _with_lift("airlift") if scenario == "airlift" else load_scenario(scenario)
    message, reasons = _single_and_draw(sc, path, bad, good)
    assert f"`{field}`: {reason}{then}" in message
    assert reasons == ["", f"{field}: {reason}"]


# ---------------------------------------------------------------------------------------------
# draw-axis building blocks


def test_draw_groups_share_canonical_values():
    comp = np.array([[0.2, 0.8], [0.2 * (1 + 1e-15), 0.8], [0.5, 0.5]])
    groups = draw_groups((comp, 1), 3.0, np.array([1.0, 1.0, 2.0]))
    assert [list(m) for m, _ in groups] == [[0, 1], [2]]
    (_, first), (_, second) = groups
    np.testing.assert_array_equal(first[0], canonical([0.2, 0.8]))
    assert first[1] == 3.0
    assert first[2] == 1.0
    assert second[2] == 2.0
    # without a drawn column: one group of every draw
    assert draw_groups((np.array([0.1, 0.9]), 1), 2.0)[0][0] == slice(None)
    assert draw_groups(np.array([]), 2.0) == []


def test_map_groups_spreads_each_group_over_its_draws():
    seen = []

    def compute(x, flag):
        seen.append(x)
        return {"stages": int(x) * 3 if x > 1 else 0, "half": x / 2, "flag": flag > 0}

    out = map_groups(compute, np.array([1.0, 2.5, 1.0, 2.5]), 1.0)
    assert seen == [1.0, 2.5]  # once per distinct value, in the order of first draws
    # an integer from the first group does not truncate the later ones
    np.testing.assert_array_equal(out["stages"], [0.0, 6.0, 0.0, 6.0])
    np.testing.assert_array_equal(out["half"], [0.5, 1.25, 0.5, 1.25])
    assert out["flag"].dtype == bool
    assert out["flag"].all()
    scalar = map_groups(compute, 2.5, 0.0)  # nothing drawn: the single group's values
    assert (float(scalar["half"]), bool(scalar["flag"])) == (1.25, False)
    empty = map_groups(compute, np.array([]), 1.0, shapes={"half": (), "pair": (2,)})
    assert (empty["half"].shape, empty["pair"].shape) == ((0,), (0, 2))
    with pytest.raises(ValueError, match="needs the outputs' shapes for zero draws"):
        map_groups(compute, np.array([]), 1.0)


def test_canonical_rounds_to_twelve_digits():
    assert canonical(1.0 + 1e-14) == 1.0
    assert canonical(1.0 + 1e-9) != 1.0


def test_plume_areas_single_class_analytic():
    # one class: thickness M/(2π σ² ρ) exp(-r²/2σ²) >= h  <=>  area = 2π σ² ln(peak/h)
    w, h, u, k, rho = 1e-3, 5.0, 0.05, 0.5, 600.0
    t = h / w
    sigma2 = 2 * k * t
    masses = np.array([1e6, 3e6, 1e7, 2.5e7])
    analytic = 2 * np.pi * sigma2 * np.log(masses / (2 * np.pi * sigma2 * rho) / 1e-3) / 1e6
    kw = dict(class_fractions=np.array([1.0]), settling_velocity_m_per_s=np.array([w]),
              release_height_m=h, current_speed_m_per_s=u, horizontal_diffusivity_m2_per_s=k,
              deposit_dry_density_kg_per_m3=rho)
    areas = deposit_areas_km2(released_kg=masses, **kw)
    np.testing.assert_allclose(areas, analytic, rtol=5e-3)
    single = [deposit_area_km2(released_kg=m, **kw)[0] for m in masses]
    np.testing.assert_allclose(areas, single, rtol=5e-3)
    assert deposit_areas_km2(released_kg=np.array([0.0, 1.0]), **kw).tolist() == [0.0, 0.0]


def test_cash_flow_tools_on_rows_equal_one_series_at_a_time():
    rng = np.random.default_rng(1)
    flows = rng.normal(size=(400, 12))
    flows[:, 0] = -5 * np.abs(flows[:, 0])
    flows[5, -1] = 0.0  # a zero last flow takes numpy.roots' path
    irr, status = economics.irr(flows)
    payback = economics.payback_years(flows)
    for row, rate, state, years in zip(flows, irr, status, payback, strict=True):
        ref_rate, ref_status = economics.irr(row)
        np.testing.assert_array_equal(rate, ref_rate)
        assert state == ref_status
        np.testing.assert_array_equal(years, economics.payback_years(row))
    assert np.isfinite(irr).sum() > 50
    assert np.isfinite(payback).sum() > 50
    assert np.isnan(economics.payback_years([[np.nan, 1.0, 2.0]])).all()
    assert economics.payback_years([[-1.0, 2.0]])[0] == 0.5


def test_break_even_bisection_equals_brent():
    from scipy.optimize import brentq

    def npv(k):
        return economics.npv(0.08, economics.yearly_cash_flow(
            capex_usd=1e9, construction_years=1, project_life_years=10,
            revenue_usd_per_year=2e8 * np.asarray(k), opex_usd_per_year=1e8, royalty_rate=0.0,
            tax_rate=0.3)["net"])

    brent = brentq(lambda k: float(npv(k)), 1e-3, 1e3, xtol=1e-12, rtol=1e-14)
    np.testing.assert_allclose(economics.break_even_factor(npv, (3,)), brent, rtol=1e-9)
    assert float(economics.break_even_factor(npv)) == pytest.approx(brent, rel=1e-9)
    never = economics.break_even_factor(lambda k: np.full(k.shape, -1.0), (2,))
    assert np.isnan(never).all()


def test_draws_error_on_mismatched_lengths():
    sc = load_scenario("minamitorishima-commercial")
    with pytest.raises(ValueError, match=r"economics.discount_rate: expected 2 draws, got shape"):
        run_draws(sc, {"economics.price_multiplier": np.ones(2),
                       "economics.discount_rate": np.ones(3) * 0.08})


def test_draw_axis_guard_names_the_draw():
    good = np.ones((3, 15))
    bad = good.copy()
    bad[1, 3] = 1.5
    zero = 0.0 * good
    records = {"collector": SimpleNamespace(rey_t_per_year=good, escaped_rey_t_per_year=zero),
               "lifting": SimpleNamespace(rey_t_per_year=bad)}
    with pytest.raises(MassBalanceError, match=r"lifting does not conserve Nd in draw 1: in 1.0 "
                                               r"t/yr, out 1.5 t/yr"):
        check_mass_balance(records)
    check_mass_balance(records, where=np.array([True, False, True]))  # draw 1 left out


@pytest.mark.parametrize(("path", "values"), [
    ("leaching.tau_ref_min", [4.0, 5.0, 6.0]),  # enters only through the leach rate
    ("leaching.ce_in_refractory_fraction", [0.5]),  # enters only through Ce's recovery
    ("economics.corporate_tax_rate", [0.2, 0.3]),  # enters only through the tax
])
def test_a_parameter_drawn_alone_in_the_chain(path, values):
    _assert_matches_loop(load_scenario("minamitorishima-commercial"), {path: np.array(values)})
