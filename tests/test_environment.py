import numpy as np
import pytest

from reemud import environment


def test_stokes_models_md_case():
    # docs/models/lifting.md §8 case 4: 70 µm, 2,600 in 1,000 kg/m3, 1 mPa s -> Stokes 4.27 mm/s
    w = environment.stokes_settling_velocity_m_per_s(70.0, 2600.0, 1000.0, 1e-3)
    assert w * 1000 == pytest.approx(4.27, abs=0.005)


def test_single_class_area_matches_gaussian_closed_form():
    # one class: thickness = M/(2 pi s^2 rho) exp(-r^2/2s^2); area above tau = 2 pi s^2 ln(peak/tau)
    m, h, u, k, w, rho = 2.0e6, 2.0, 0.01, 1.0, 5e-4, 560.0
    area, *_ = environment.deposit_area_km2(
        released_kg=m, class_fractions=np.array([1.0]), settling_velocity_m_per_s=np.array([w]),
        release_height_m=h, current_speed_m_per_s=u, horizontal_diffusivity_m2_per_s=k,
        deposit_dry_density_kg_per_m3=rho)
    s2 = 2 * k * h / w
    peak = m / (2 * np.pi * s2) / rho
    exact = 2 * np.pi * s2 * np.log(peak / 1e-3) / 1e6
    assert area == pytest.approx(exact, rel=0.01)


def test_no_release_no_area():
    area, *_ = environment.deposit_area_km2(
        released_kg=0.0, class_fractions=np.array([1.0]), settling_velocity_m_per_s=np.array([1e-3]),
        release_height_m=2.0, current_speed_m_per_s=0.01, horizontal_diffusivity_m2_per_s=1.0,
        deposit_dry_density_kg_per_m3=560.0)
    assert area == 0.0


def test_ledger_by_hand():
    out = environment.ledger(vessel_fuel_t=10.0, lift_electricity_kwh=4200.0, shipping_fuel_t=0.0,
                             onshore_electricity_kwh=1000.0, process_co2_t=1.0,
                             generator_efficiency=0.42, fuel_lhv_mj_per_kg=41.0,
                             fuel_co2_kg_per_kg=3.114, grid_co2_kg_per_kwh=0.5, reo_kg=1000.0)
    lift_fuel_t = 4200 * 3.6 / (0.42 * 41) / 1000
    assert out["fuel_t"]["lifting"] == pytest.approx(lift_fuel_t)
    co2 = (10 + lift_fuel_t) * 3.114 + 0.5 + 1.0
    assert out["co2_kg_per_kg_reo"] == pytest.approx(co2, rel=1e-12)


def test_gaussian_plume_area_converged_in_grid(default_result):
    from reemud.chain import run
    from reemud.particles import SIZE_MID_UM
    from reemud.scenario import parse_scenario

    gauss = run(parse_scenario(default_result.scenario.text.replace(
        'model = "ledger_lagrangian_plume"', 'model = "ledger_gaussian_plume"')))
    rec = gauss.records
    feed, dep = rec["collector"], rec["deposit"]
    phases = list(feed.phase_mass_fractions)
    fractions = np.concatenate([dep.phase_size_fractions[k] * feed.phase_mass_fractions[k]
                                for k in phases])
    density = np.repeat([dep.phase_density_kg_per_m3[k] for k in phases], SIZE_MID_UM.size)
    w = environment.stokes_settling_velocity_m_per_s(np.tile(SIZE_MID_UM, len(phases)), density,
                                                     dep.seawater_density_kg_per_m3,
                                                     dep.seawater_viscosity_pa_s)
    areas = [environment.deposit_area_km2(
        released_kg=feed.escaped_dry_t_per_year * 1000, class_fractions=fractions,
        settling_velocity_m_per_s=w, release_height_m=2.0, current_speed_m_per_s=0.008,
        horizontal_diffusivity_m2_per_s=1.0,
        deposit_dry_density_kg_per_m3=dep.dry_bulk_density_t_per_m3 * 1000, cells=c)[0]
        for c in (800, 3200)]
    assert areas[0] == pytest.approx(gauss.kpis["plume_area_km2_above_1mm"], rel=1e-12)
    assert areas[0] == pytest.approx(areas[1], rel=0.02)


def test_tailings_at_sea_add_to_the_plume():
    from reemud.chain import run
    from reemud.scenario import load_scenario, parse_scenario

    base = run(load_scenario("minamitorishima-commercial"))
    text = base.scenario.text + '\n[beneficiation]\ntailings_discharge = "sea"\n'
    sea = run(parse_scenario(text))
    conc = sea.records["beneficiation"]
    extra = conc.tailings_dry_t_per_year + conc.return_solids_t_per_year
    env = sea.records["environment"]
    assert env.plume_released_dry_t_per_year == pytest.approx(
        base.records["environment"].plume_released_dry_t_per_year + extra, rel=1e-9)
    assert sea.kpis["plume_area_km2_above_1mm"] > base.kpis["plume_area_km2_above_1mm"]


def test_reagents_bring_their_production_co2_and_energy(results):
    """Each reagent line is its tonnage times its cradle-to-gate factor; totals include them."""
    r = results["minamitorishima-commercial"]
    p = r.scenario.stages["environment"].params
    env, liquor = r.records["environment"], r.records["leaching"]
    sx, ox = r.records["separation"], r.records["refining"]
    assert liquor.acid == "HCl"
    expected = {"reagent: HCl (leach)": liquor.acid_t_per_year * p.hcl_co2_kg_per_kg,
                "reagent: HCl (SX strip)": sx.hcl_t_per_year * p.hcl_co2_kg_per_kg,
                "reagent: NaOH": sx.naoh_t_per_year * p.naoh_co2_kg_per_kg,
                "reagent: oxalic acid": ox.oxalic_acid_t_per_year * p.oxalic_acid_co2_kg_per_kg}
    for name, value in expected.items():
        assert env.co2_t_per_year[name] == pytest.approx(value, rel=1e-12), name
    assert env.energy_kwh_per_year["reagent: oxalic acid"] == pytest.approx(
        ox.oxalic_acid_t_per_year * 1000 * p.oxalic_acid_mj_per_kg / 3.6, rel=1e-12)
    total = sum(env.co2_t_per_year.values()) * 1000 / (ox.oxide_t_per_year.sum() * 1000)
    assert env.co2_kg_per_kg_reo == pytest.approx(total, rel=1e-12)
