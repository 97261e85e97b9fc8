"""The trial judged as a campaign: its cost, mud, oxide and spot cycle (docs/models/economics.md §8)."""

import pytest

from reemud import economics
from reemud.chain import CAMPAIGN_KPIS
from reemud.constants import DAYS_PER_YEAR


def test_campaign_cost_accounts_closed_form():
    cost = economics.campaign_cost_usd(
        vessel_day_rate_usd=100.0, campaign_days=30.0, transit_days=10.0,
        site_fuel_t_per_year=365.0 * 3.0, transit_fuel_t_per_day=2.0, fuel_price_usd_per_t=50.0,
        processing_usd_per_year=365.0, days_per_year=365.0)
    assert cost["vessel days"] == 100.0 * 40.0
    assert cost["marine fuel"] == pytest.approx(50.0 * (3.0 * 30.0 + 2.0 * 10.0), rel=1e-12)
    assert cost["processing ashore"] == pytest.approx(30.0, rel=1e-12)


def test_trial_reports_its_own_campaign_kpis(results):
    result = results["minamitorishima-2027"]
    k = result.kpis
    assert all(k[name] is not None for name in CAMPAIGN_KPIS)
    p = result.scenario.stages["economics"].params
    collector = result.scenario.stages["collector"].params
    feed, cash = result.records["collector"], result.records["economics"]
    site_days, transit = collector.campaign_days, p.transit_days
    assert cash.campaign_cost_usd["vessel days"] == pytest.approx(
        p.vessel_day_rate_usd * (site_days + transit), rel=1e-12)
    assert k["campaign_cost_usd_per_t_mud"] == pytest.approx(
        k["campaign_cost_usd"] / k["campaign_tonnes_mean"], rel=1e-12)
    assert k["programme_cost_usd_per_t_mud"] == pytest.approx(
        p.public_programme_jpy / p.jpy_per_usd / k["campaign_tonnes_mean"], rel=1e-12)
    # the yearly oxide repeats the mean campaign: one campaign makes its share of a year
    assert k["campaign_reo_kg"] == pytest.approx(
        k["reo_production_t_per_year"] * 1000.0 * site_days / DAYS_PER_YEAR, rel=1e-12)
    # spot cycle: penetration + lifting one spot + relocation; the target needs 24 h x spot / 350
    spot = feed.spot_dry_t
    assert k["spot_cycle_h"] == pytest.approx(
        collector.penetration_h + spot / collector.lift_rate_dry_t_per_h + collector.relocation_h,
        rel=1e-12)
    assert k["spot_cycle_h_for_target"] == pytest.approx(24.0 * spot / 350.0, rel=1e-12)
    # at a lift rate of 350 t/day spread over 24 h, only a cycle with no time off the lift
    # reaches the target
    assert k["spot_cycle_h_for_target"] == pytest.approx(
        spot / collector.lift_rate_dry_t_per_h, rel=1e-3)
    assert k["spot_cycle_h"] > 3 * k["spot_cycle_h_for_target"]


def test_the_description_says_what_the_trial_computes(results):
    result = results["minamitorishima-2027"]
    k, text = result.kpis, result.scenario.description
    assert f"~{k['mud_dry_t_per_day']:.0f} t per working day" in text
    assert f"spot cycle of ~{k['spot_cycle_h']:.1f} h" in text
    assert f"a ~{k['spot_cycle_h_for_target']:.1f} h cycle would reach 350" in text
