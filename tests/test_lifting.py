import numpy as np
import pytest
from fluids.friction import Clamond
from fluids.two_phase_voidage import Nicklin_Wilkes_Davidson

from reemud import lifting
from reemud.constants import G_M_PER_S2

SITE = dict(depth_m=5600.0, solids_density_kg_per_m3=2500.0, seawater_density_kg_per_m3=1025.0,
            carrier_viscosity_pa_s=1.8e-3, riser_inner_diameter_m=0.2, pipe_roughness_m=3.6e-5,
            yield_stress_coefficient_pa=0.005, rheology_exponent=23.03)
CIRCULATION = dict(SITE, downline_inner_diameter_m=0.2, pump_efficiency=0.75,
                   miner_pressure_loss_pa=1e5)


def test_energy_floor_models_md_values():
    # docs/models/lifting.md §2: 9.00 / 9.47 / 10.05 kWh per dry t at 5,600 m, computed there with its
    # convention g = 9.81 m/s²; the code uses the standard 9.80665 (9.00 / 9.46 / 10.04), so the
    # floor is compared at that g (W_min is proportional to g), to that note's rounding
    floor = lifting.energy_floor_kwh_per_dry_t(5600.0, np.array([2500.0, 2700.0, 3000.0]), 1025.0)
    np.testing.assert_allclose(floor * 9.81 / G_M_PER_S2, [9.00, 9.47, 10.05], atol=0.005)


def test_darby_reference_value_to_1e9():
    # docs/models/lifting.md §8 case 1: Darcy f = 0.01905007708620241 (reference implementation [S27])
    d, v, rho, tau, mu = 0.254, 2.3, 1300.0, 6.0, 0.02
    re, he = rho * v * d / mu, rho * d**2 * tau / mu**2
    assert re == pytest.approx(37973, abs=0.5)
    assert he == pytest.approx(1.258e6, rel=1e-3)
    assert 4 * lifting.bingham_fanning_darby(re, he) == pytest.approx(0.01905007708620241,
                                                                      rel=1e-8)


def test_dodge_metzner_reference_value():
    # docs/models/lifting.md §8 case 2: Re_MR = 1e5, n = 0.5 -> Fanning 0.002586428926781602 (notebook)
    assert lifting.dodge_metzner_fanning(1e5, 0.5) == pytest.approx(0.002586428926781602,
                                                                    rel=1e-6)


def test_dodge_metzner_newtonian_limit_and_laminar():
    # n = 1 reduces Dodge-Metzner to the von Karman smooth-pipe law 1/sqrt(f) = 4 log10(Re sqrt(f)) - 0.4
    f = lifting.dodge_metzner_fanning(1e5, 1.0)
    assert 1 / np.sqrt(f) == pytest.approx(4 * np.log10(1e5 * np.sqrt(f)) - 0.4, rel=1e-12)
    assert lifting.dodge_metzner_fanning(1000.0, 0.6) == pytest.approx(0.016)


def test_metzner_reed_reynolds_newtonian():
    # n = 1: Re_MR = rho V D / K
    assert lifting.metzner_reed_reynolds(1000.0, 0.1, 2.0, 1e-3, 1.0) == pytest.approx(2e5)


def test_clamond_equals_fluids():
    re = np.geomspace(2300, 1e8, 30)[:, None]
    eps = np.geomspace(1e-7, 1e-2, 30)[None, :]
    expected = np.vectorize(Clamond)(re, eps)
    np.testing.assert_allclose(lifting.clamond_darcy(re, eps), expected, rtol=1e-14)


def test_nicklin_drift_flux_reference_to_1e9():
    # docs/models/lifting.md §8 case 3: alpha = 0.679882662672 (fluids doctest, g = 9.80665)
    alpha = lifting.nicklin_void_fraction(0.4, 800.0, 2.5, 1.0, 0.3)
    assert alpha == pytest.approx(0.679882662672, rel=1e-9)
    assert alpha == pytest.approx(Nicklin_Wilkes_Davidson(0.4, 800.0, 2.5, 1.0, 0.3), rel=1e-14)


def test_terminal_velocity_reference():
    # docs/models/lifting.md §8 case 4: 70 µm, 2,600 in 1,000 kg/m3, 1 mPa s -> 4.1425 mm/s (Stokes 4.27)
    v = lifting.terminal_velocity_m_per_s(70.0, 2600.0, 1000.0, 1e-3)
    assert v * 1000 == pytest.approx(4.1425, abs=5e-4)
    assert lifting.stokes_velocity_m_per_s(70.0, 2600.0, 1000.0, 1e-3) * 1000 == pytest.approx(
        4.27, abs=0.005)


def test_seawater_viscosity_sharqawy():
    # Sharqawy et al. 2010: pure water at 20 °C 1.0018 mPa s; seawater 35 g/kg at 20 °C ~1.077
    assert lifting.seawater_viscosity_pa_s(20.0, 0.0) == pytest.approx(1.0018e-3, rel=1e-3)
    assert lifting.seawater_viscosity_pa_s(20.0, 0.035) == pytest.approx(1.0767e-3, rel=1e-3)


def test_specific_energy_never_below_floor_over_envelope():
    cv = np.linspace(0.005, 0.2, 25)[:, None]
    flow = np.geomspace(0.003, 0.5, 40)[None, :]
    out = lifting.closed_circulation(flow_m3_per_s=flow, solids_volume_fraction=cv, **CIRCULATION)
    assert out["specific_energy_kwh_per_dry_t"].shape == (25, 40)
    assert np.all(out["specific_energy_kwh_per_dry_t"] > out["floor_kwh_per_dry_t"])


def test_floor_holds_for_other_lift_methods():
    pumps = lifting.pump_hoisting(
        flow_m3_per_s=np.geomspace(0.005, 0.3, 20), solids_volume_fraction=0.08,
        water_efficiency=0.75, stage_pressure_water_pa=5.5e5, head_reduction_at_15pct=0.14,
        efficiency_reduction_at_15pct=0.14, **SITE)
    assert np.all(pumps["specific_energy_kwh_per_dry_t"] > pumps["floor_kwh_per_dry_t"])
    air = lifting.airlift(air_kg_per_s=np.linspace(0.5, 40, 12), injection_depth_m=2000.0,
                          depth_m=5600.0, diameter_m=0.2, liquid_density_kg_per_m3=1098.75,
                          liquid_viscosity_pa_s=5.7e-3, seawater_density_kg_per_m3=1025.0)
    solids_t_per_h = air["liquid_m3_per_s"] * 0.05 * 2500.0 * 3.6
    lifted = solids_t_per_h > 0
    specific = air["compressor_power_kw"][lifted] / solids_t_per_h[lifted]
    floor = lifting.energy_floor_kwh_per_dry_t(5600.0, 2500.0, 1025.0)
    assert lifted.sum() >= 10
    assert np.all(specific > floor)


def test_hydrostatic_work_equals_floor_exactly():
    out = lifting.closed_circulation(flow_m3_per_s=0.03, solids_volume_fraction=0.05, **CIRCULATION)
    hydrostatic_kw = out["flow_m3_per_s"] * out["hydrostatic_pa"] / 1000.0
    assert hydrostatic_kw == pytest.approx(out["solids_lift_power_kw"], rel=1e-12)
    assert out["solids_lift_power_kw"] / out["solids_t_per_h"] == pytest.approx(
        out["floor_kwh_per_dry_t"], rel=1e-12)


def test_volume_and_mass_balance_close_exactly():
    out = lifting.closed_circulation(flow_m3_per_s=0.03, solids_volume_fraction=0.05, **CIRCULATION)
    assert out["solids_flow_m3_per_s"] + out["water_up_m3_per_s"] == out["flow_m3_per_s"]
    assert out["solids_t_per_h"] == pytest.approx(0.03 * 0.05 * 2500 * 3.6, rel=1e-15)
    flow = lifting.flow_for_throughput(350.0, 0.05, 2500.0)
    again = lifting.closed_circulation(flow_m3_per_s=flow, solids_volume_fraction=0.05,
                                       **CIRCULATION)
    assert again["solids_t_per_h"] * 24 == pytest.approx(350.0, rel=1e-14)


def test_zero_solids_zero_solids_energy_and_water_friction():
    out = lifting.closed_circulation(flow_m3_per_s=0.03, solids_volume_fraction=0.0, **CIRCULATION)
    assert out["solids_t_per_h"] == 0.0
    assert out["hydrostatic_pa"] == 0.0
    assert out["solids_lift_power_kw"] == 0.0
    assert np.isnan(out["specific_energy_kwh_per_dry_t"])
    v = out["riser_velocity_m_per_s"]
    re = 1025.0 * v * 0.2 / 1.8e-3
    assert out["riser_darcy_friction"] == pytest.approx(Clamond(re, 3.6e-5 / 0.2), rel=1e-13)
    assert out["riser_darcy_friction"] == pytest.approx(out["downline_darcy_friction"], rel=1e-13)


def test_rheology_grows_thousandfold_from_10_to_40_percent():
    # O'Brien & Julien 1988 (docs/models/lifting.md §1.1): ~3 orders of magnitude from Cv 0.10 to 0.40
    tau, mu = lifting.bingham_parameters(np.array([0.0, 0.1, 0.4]), 0.005, 23.03, 1.8e-3)
    assert tau[0] == 0.0
    assert mu[0] == pytest.approx(1.8e-3)
    assert mu[2] / mu[1] == pytest.approx(1000.0, rel=0.01)


def test_herschel_bulkley_and_restart():
    assert lifting.herschel_bulkley_stress_pa(100.0, 2.0, 0.5, 0.5) == pytest.approx(7.0)
    # 4 tau L / D: 1 Pa static over 5,600 m of 0.2 m pipe -> 112 kPa
    assert lifting.restart_pressure_pa(1.0, 5600.0, 0.2) == pytest.approx(112000.0)


def test_slip_raises_in_situ_concentration_and_can_block():
    shares, slip = np.array([0.5, 0.5]), np.array([0.0, 0.1])
    cv = lifting.in_situ_fraction(0.05, 1.0, shares, slip)
    assert cv == pytest.approx(0.05 * (0.5 + 0.5 / 0.9), rel=1e-14)
    assert lifting.in_situ_fraction(0.05, 0.05, shares, slip) == np.inf
    assert lifting.hindered_velocity_m_per_s(1.0, 0.1, 4.65) == pytest.approx(0.9**4.65)


def test_max_throughput_at_power_limit():
    limit = 1000.0
    t_day, flow = lifting.max_throughput_t_per_day(limit, 0.05, **CIRCULATION)
    at = lifting.closed_circulation(flow_m3_per_s=flow, solids_volume_fraction=0.05, **CIRCULATION)
    assert at["power_kw"] == pytest.approx(limit, rel=1e-6)
    assert at["solids_t_per_h"] * 24 == pytest.approx(t_day, rel=1e-12)


def test_airlift_characteristic_has_interior_maximum():
    air = np.linspace(0.05, 300.0, 40)
    out = lifting.airlift(air_kg_per_s=air, injection_depth_m=2000.0, depth_m=5600.0,
                          diameter_m=0.3, liquid_density_kg_per_m3=1100.0,
                          liquid_viscosity_pa_s=5e-3, seawater_density_kg_per_m3=1025.0)
    q = out["liquid_m3_per_s"]
    peak = int(np.argmax(q))
    assert 0 < peak < air.size - 1
    assert q[0] < q[peak] > q[-1]
    assert np.all(np.diff(q[: peak + 1]) >= 0)
    assert np.all(out["injection_pressure_pa"] > 101325.0)


def test_airlift_converged_in_steps():
    kw = dict(air_kg_per_s=np.array([5.0, 30.0, 80.0]), injection_depth_m=2000.0, depth_m=5600.0,
              diameter_m=0.3, liquid_density_kg_per_m3=1100.0, liquid_viscosity_pa_s=5e-3,
              seawater_density_kg_per_m3=1025.0)
    fine = lifting.airlift(steps=400, iterations=30, **kw)["liquid_m3_per_s"]
    np.testing.assert_allclose(lifting.airlift(**kw)["liquid_m3_per_s"], fine, rtol=1e-3)


def test_string_tension_by_hand():
    w = lifting.weight_in_water_n_per_m(
        steel_kg_per_m=40.0, steel_density_kg_per_m3=8000.0, inner_diameter_m=0.1,
        internal_density_kg_per_m3=1025.0, seawater_density_kg_per_m3=1025.0)
    # by hand with the code's g (standard gravity; the test had 9.81 before reemud.constants)
    assert w == pytest.approx(G_M_PER_S2 * 40.0 * (1 - 1025 / 8000), rel=1e-12)
    t = lifting.tension_profile_n(np.array([0.0, 1000.0, 2000.0]), 2000.0, w, 1e5)
    np.testing.assert_allclose(t, [2000 * w + 1e5, 1000 * w + 1e5, 1e5])
    allowable = lifting.allowable_tension_n(40.0, 8000.0, 931e6, 1.5)
    limit = lifting.depth_limit_m(allowable, w, 1e5)
    assert lifting.tension_profile_n(0.0, limit, w, 1e5) == pytest.approx(allowable)


def test_default_scenario_above_floor(results):
    for result in results.values():
        k = result.kpis
        assert k["lift_specific_energy_kwh_per_dry_t"] > k["lift_energy_floor_kwh_per_dry_t"]
        lift = result.records["lifting"]
        feed = result.records["collector"]
        assert k["lift_energy_floor_kwh_per_dry_t"] == pytest.approx(float(
            lifting.energy_floor_kwh_per_dry_t(5600.0, feed.solids_density_kg_per_m3, 1025.0)))
        assert lift.string_top_utilisation < 1.0


@pytest.mark.parametrize("model", ["airlift", "pump_hoisting"])
def test_alternative_lift_models_in_the_chain(model):
    from reemud.chain import run
    from reemud.scenario import load_scenario, parse_scenario

    text = "\n".join(
        line for line in load_scenario("minamitorishima-commercial").text.splitlines()
        if not line.startswith("downline_inner_diameter_m")).replace(
        'model = "closed_circulation"', f'model = "{model}"')
    result = run(parse_scenario(text))
    lift = result.records["lifting"]
    assert lift.method == model.replace("_", " ")
    assert lift.lift_specific_energy_kwh_per_dry_t > lift.energy_floor_kwh_per_dry_t
    feed = result.records["collector"]
    assert lift.hydraulics["solids_t_per_h"] == pytest.approx(feed.lift_rate_dry_t_per_h,
                                                              rel=2e-3)


def test_power_law_rheology_option():
    bingham = lifting.closed_circulation(flow_m3_per_s=0.03, solids_volume_fraction=0.05,
                                         **CIRCULATION)
    power = lifting.closed_circulation(flow_m3_per_s=0.03, solids_volume_fraction=0.05,
                                       rheology="power_law", flow_index=0.6, **CIRCULATION)
    re = lifting.metzner_reed_reynolds(power["mixture_density_kg_per_m3"], 0.2,
                                       power["riser_velocity_m_per_s"],
                                       power["plastic_viscosity_pa_s"], 0.6)
    assert power["riser_darcy_friction"] == pytest.approx(
        4 * lifting.dodge_metzner_fanning(re, 0.6), rel=1e-14)
    assert power["hydrostatic_pa"] == bingham["hydrostatic_pa"]
    tau, k, n = lifting.herschel_bulkley_parameters(0.1, 0.005, 23.03, 1.8e-3, 0.6)
    assert (tau, n) == (pytest.approx(0.005 * (np.exp(2.303) - 1)), 0.6)


def test_max_throughput_illinois_equals_bisection():
    # 4,000 random solids fractions and power limits: the bracketed Illinois search lands on the
    # flow that 60 halvings of [0, 2] m3/s give, within its 1e-10 tolerance, never above the limit
    rng = np.random.default_rng(0)
    cv, limit = rng.uniform(0.01, 0.3, 4000), rng.uniform(500.0, 40000.0, 4000)
    with np.errstate(over="ignore", invalid="ignore"):
        _, flow = lifting.max_throughput_t_per_day(limit, cv, **CIRCULATION)
        _, halved = lifting.max_throughput_t_per_day(limit, cv, bisections=60, iterations=0,
                                                     **CIRCULATION)
        power = lifting.closed_circulation(flow_m3_per_s=flow, solids_volume_fraction=cv,
                                           **CIRCULATION)["power_kw"]
    np.testing.assert_allclose(flow, halved, rtol=1e-10, atol=0.0)
    assert not np.any(power > limit)


def test_restart_pressure_is_reported_for_every_lift_model():
    """A stopped riser holds the slurry whatever lifts it: Δp = 4 τ_s L / D for every model."""
    from reemud.chain import run
    from reemud.scenario import load_scenario, parse_scenario

    base = load_scenario("minamitorishima-2027")
    for model in ("closed_circulation", "airlift", "pump_hoisting"):
        text = base.text.replace('model = "closed_circulation"', f'model = "{model}"')
        result = run(parse_scenario(text))
        lift = result.scenario.stages["lifting"].params
        cv = result.records["lifting"].hydraulics.get("in_situ_volume_fraction",
                                                      lift.solids_volume_fraction)
        tau = lift.yield_stress_coefficient_pa * (np.exp(lift.rheology_exponent * cv) - 1.0)
        expected = (4.0 * tau * lift.static_to_dynamic_yield_ratio
                    * result.records["deposit"].water_depth_m / lift.riser_inner_diameter_m)
        assert result.records["lifting"].restart_pressure_kpa == pytest.approx(expected / 1000.0,
                                                                               rel=1e-12), model
        assert result.records["lifting"].restart_pressure_kpa > 0
