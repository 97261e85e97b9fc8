"""Seawater arithmetic (reemud.sources.seawater): hand calculations and the draw axis."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from reemud.cli import app
from reemud.sources import seawater


def test_seawater_per_kg_of_nd_by_hand():
    # 2.8 ng/L: 1e12 ng / 2.8 ng/L = 3.5714e11 L = 3.5714e8 m3, x 1.025 t/m3 = 3.6607e8 t
    assert seawater.concentrations_ng_per_l()["Nd"] == 2.8
    assert seawater.seawater_t_per_kg(2.8) == pytest.approx(1e12 / 2.8 / 1e3 * 1.025, rel=1e-12)
    assert seawater.seawater_t_per_kg(2.8, recovery=0.5) == pytest.approx(
        2 * seawater.seawater_t_per_kg(2.8), rel=1e-12)


def test_pumping_energy_by_hand():
    assert seawater.pumping_kwh_per_m3(10.0, 0.8) == pytest.approx(
        1025 * 9.80665 * 10 / 0.8 / 3.6e6, rel=1e-12)


def test_pumped_plant_is_water_times_energy_per_m3():
    out = seawater.pumped_plant(2.8, 10.0, 0.8, 0.8, 0.12, 0.484)
    m3 = 1e12 / 2.8 / 1e3 / 0.8
    assert out["m3_per_kg"] == pytest.approx(m3, rel=1e-12)
    kwh = m3 * 1025 * 9.80665 * 10 / 0.8 / 3.6e6
    assert out["kwh_per_kg"] == pytest.approx(kwh, rel=1e-12)
    assert out["usd_per_kg"] == pytest.approx(0.12 * kwh, rel=1e-12)
    assert out["kg_co2_per_kg"] == pytest.approx(0.484 * kwh, rel=1e-12)


def test_uranium_analogy_scales_by_the_concentration_ratio():
    out = seawater.uranium_analogy(2.8, 3382.0, 1230.0, 2.0)
    assert out["usd_per_kg"] == pytest.approx(1230.0 * 3382.0 / 2.8, rel=1e-12)
    assert out["g_per_kg_sorbent"] == pytest.approx(2.0 * 2.8 / 3382.0, rel=1e-12)


def test_haber_by_hand():
    out = seawater.haber(6.0, 76.71)
    assert out["t_per_g"] == pytest.approx(166.6667, rel=1e-6)
    assert out["usd_per_t"] == pytest.approx(0.006 * 76.71, rel=1e-12)
    cases = {c["case"]: c for c in seawater.gold_cases()}
    assert [k for k, c in cases.items() if c["default"]] == ["falkner-edmond-1990"]
    assert seawater.haber(cases["falkner-edmond-1990"]["mg_per_t"], 1.0)["t_per_g"] == \
        pytest.approx(1e8, rel=1e-12)
    spread = cases["emsley-2011"]["mg_per_t"] / cases["falkner-edmond-1990"]["mg_per_t"]
    assert spread == pytest.approx(1000.0)


def test_draw_axis_equals_scalar_calls():
    rng = np.random.default_rng(5)
    c, head, eff = rng.uniform(0.1, 10, 50), rng.uniform(5, 20, 50), rng.uniform(0.7, 0.85, 50)
    together = seawater.pumped_plant(c, head, eff, 0.8, 0.12, 0.484)["kwh_per_kg"]
    one = [float(seawater.pumped_plant(c[i], head[i], eff[i], 0.8, 0.12, 0.484)["kwh_per_kg"])
           for i in range(50)]
    np.testing.assert_allclose(together, one, rtol=1e-14)


def test_cli_seawater_element_gold_and_unknown():
    runner = CliRunner()
    nd = json.loads(runner.invoke(app, ["market", "seawater", "Nd", "--json"]).output)
    assert nd["t_seawater_per_kg"] == pytest.approx(float(seawater.seawater_t_per_kg(2.8)))
    gold = runner.invoke(app, ["market", "seawater", "Au"])
    assert gold.exit_code == 0
    assert "haber-1920s" in gold.output
    assert "disagree with each other by 1,000x" in gold.output
    bad = runner.invoke(app, ["market", "seawater", "Xx"])
    assert bad.exit_code == 2
    assert "element 'Xx': no seawater concentration" in bad.output
