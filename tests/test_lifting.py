import numpy as np
import pytest

from reemud import lifting

BASE = dict(solids_dry_t_per_day=350.0, depth_m=5600.0, solids_volume_fraction=0.05,
            grain_density_kg_per_m3=2500.0, seawater_density_kg_per_m3=1025.0,
            seawater_viscosity_pa_s=1.8e-3, riser_inner_diameter_m=0.2,
            downline_inner_diameter_m=0.2, pipe_roughness_m=3.6e-5, pump_efficiency=0.75,
            miner_pressure_loss_pa=1e5, yield_stress_coefficient_pa=0.005, rheology_exponent=23.03)


def test_energy_floor_models_md_values():
    # models.md §2.1: 9.00 / 9.47 / 10.05 kWh per dry t at 5,600 m
    floor = lifting.energy_floor_kwh_per_dry_t(5600.0, np.array([2500.0, 2700.0, 3000.0]), 1025.0)
    np.testing.assert_allclose(floor, [9.00, 9.47, 10.05], atol=0.005)


def test_darby_reference_value():
    # models.md §2.6 case 1: Darcy f = 0.01905007708620241 (reference implementation [S27])
    d, v, rho, tau, mu = 0.254, 2.3, 1300.0, 6.0, 0.02
    re, he = rho * v * d / mu, rho * d**2 * tau / mu**2
    assert re == pytest.approx(37973, abs=0.5)
    assert he == pytest.approx(1.258e6, rel=1e-3)
    assert 4 * lifting.bingham_fanning_darby(re, he) == pytest.approx(0.01905007708620241,
                                                                      rel=1e-8)


def test_colebrook_smooth_laminar_branch():
    assert lifting.colebrook_darcy(1000.0, 0.0) == pytest.approx(0.064)


def test_specific_energy_never_below_floor_over_envelope():
    cv = np.linspace(0.01, 0.2, 20)[:, None]
    rate = np.geomspace(10, 5000, 25)[None, :]
    out = lifting.closed_circulation(**{**BASE, "solids_volume_fraction": cv,
                                        "solids_dry_t_per_day": rate})
    assert out["specific_energy_kwh_per_dry_t"].shape == (20, 25)
    assert np.all(out["specific_energy_kwh_per_dry_t"] > out["floor_kwh_per_dry_t"])


def test_hydrostatic_work_equals_floor_exactly():
    # Q (rho_m - rho_sw) g H == m_dot (1 - rho_sw/rho_s) g H: the pump pays exactly the floor
    out = lifting.closed_circulation(**BASE)
    m_dot_t_per_h = 350.0 / 24.0
    hydrostatic_kw = out["flow_m3_per_s"] * out["hydrostatic_pa"] / 1000.0
    assert hydrostatic_kw / m_dot_t_per_h == pytest.approx(out["floor_kwh_per_dry_t"], rel=1e-12)


def test_volume_balance_closes():
    out = lifting.closed_circulation(**BASE)
    assert out["solids_flow_m3_per_s"] + out["water_up_m3_per_s"] == pytest.approx(
        out["flow_m3_per_s"], rel=1e-15)
    assert out["solids_flow_m3_per_s"] / out["flow_m3_per_s"] == pytest.approx(0.05, rel=1e-14)


def test_zero_solids_rheology_is_seawater():
    tau, mu = lifting.slurry_rheology(0.0, 0.005, 23.03, 1.8e-3)
    assert tau == 0.0
    assert mu == pytest.approx(1.8e-3)


def test_rheology_grows_thousandfold_from_10_to_40_percent():
    # O'Brien & Julien 1988 (models.md §1.2): ~3 orders of magnitude from Cv 0.10 to 0.40
    _, mu = lifting.slurry_rheology(np.array([0.1, 0.4]), 0.005, 23.03, 1.8e-3)
    assert mu[1] / mu[0] == pytest.approx(1000.0, rel=0.01)


def test_default_scenario_above_floor(results):
    for result in results.values():
        k = result.kpis
        assert k["lift_specific_energy_kwh_per_dry_t"] > k["lift_energy_floor_kwh_per_dry_t"]
        assert k["lift_energy_floor_kwh_per_dry_t"] == pytest.approx(9.0034, rel=1e-12)
