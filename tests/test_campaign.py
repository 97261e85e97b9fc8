import dataclasses

import numpy as np
import pytest

from reemud.collector.campaign import (
    CATEGORIES,
    CampaignSpec,
    simulate_campaign,
    simulate_campaigns,
    summarise,
)

SPEC = CampaignSpec(duration_h=720.0, string_length_m=5600.0, running_speed_m_per_h=490 / 24,
                    positioning_h=12.0, spot_dry_t=27.3, penetration_h=1.0,
                    lift_rate_dry_t_per_h=14.58, relocation_h=3.0, workable_mean_h=96.0,
                    unworkable_mean_h=12.0, typhoons_per_h=0.6 * 0.25 * 12 / 8766,
                    typhoon_downtime_mean_h=144.0, mtbf_h=200.0, mttr_h=12.0,
                    storage_dry_t=1000.0, offload_interval_h=72.0)


def test_reproducible_from_seed_and_independent_of_n():
    a = simulate_campaigns(SPEC, 50, seed=3)
    b = simulate_campaigns(SPEC, 50, seed=3)
    c = simulate_campaigns(SPEC, 20, seed=3)
    np.testing.assert_array_equal(a["tonnes"], b["tonnes"])
    np.testing.assert_array_equal(a["tonnes"][:20], c["tonnes"])
    assert not np.array_equal(a["tonnes"], simulate_campaigns(SPEC, 50, seed=4)["tonnes"])


def test_tonnes_equal_rate_times_lifting_hours_and_time_is_accounted():
    r = simulate_campaigns(SPEC, 40, seed=1)
    np.testing.assert_allclose(r["tonnes"], r["lifting h"] * SPEC.lift_rate_dry_t_per_h,
                               rtol=1e-12)
    total = sum(r[f"{k} h"] for k in CATEGORIES)
    longest = max(SPEC.string_length_m / SPEC.running_speed_m_per_h, 144.0 * 20)
    assert np.all(total <= SPEC.duration_h + 1e-9)
    assert np.all(total >= SPEC.duration_h - longest)


def test_calm_sea_no_failures_is_deterministic_by_hand():
    calm = dataclasses.replace(SPEC, workable_mean_h=1e12, typhoons_per_h=0.0, mtbf_h=1e12,
                               storage_dry_t=1e9, duration_h=400.0)
    out = simulate_campaign(calm, np.random.default_rng(0))
    running = 5600 / (490 / 24)
    cycle = 1.0 + 27.3 / 14.58 + 3.0
    spots = int((400.0 - running - 12.0) // cycle)
    assert out["pipe running h"] == pytest.approx(running)
    assert out["spots"] == spots
    assert out["weather h"] == 0.0
    assert out["breakdown h"] == 0.0


def test_storage_limit_stops_lifting():
    tight = dataclasses.replace(SPEC, storage_dry_t=50.0, offload_interval_h=200.0)
    r = simulate_campaigns(tight, 10, seed=2)
    assert (r["storage full h"] > 0).sum() >= 8  # a long typhoon can hide the limit
    # at most one storage load per offload interval (plus the first fill) can be lifted
    loads = np.floor(tight.duration_h / tight.offload_interval_h) + 1
    assert np.all(r["tonnes"] <= loads * tight.storage_dry_t + 1e-6)


@pytest.mark.slow
def test_mean_converges_with_standard_error():
    small = summarise(simulate_campaigns(SPEC, 200, seed=11), SPEC.duration_h)
    large = summarise(simulate_campaigns(SPEC, 1600, seed=12), SPEC.duration_h)
    # standard error falls as 1/sqrt(n) and the two means agree within their errors
    assert large["tonnes_standard_error"] == pytest.approx(
        small["tonnes_standard_error"] / np.sqrt(8), rel=0.25)
    combined = np.hypot(small["tonnes_standard_error"], large["tonnes_standard_error"])
    assert abs(small["tonnes_mean"] - large["tonnes_mean"]) < 4 * combined


def test_spec_rejects_bad_values():
    with pytest.raises(ValueError, match=r"CampaignSpec.mtbf_h must be finite and >= 0 \(got -1"):
        dataclasses.replace(SPEC, mtbf_h=-1.0)


def test_default_scenario_campaign_feeds_the_chain(default_result):
    feed = default_result.records["collector"]
    c = default_result.diagnostics["collector"]["campaign"]
    assert c["campaigns"] == 200
    assert feed.mud_dry_t_per_year == pytest.approx(c["tonnes_mean"] * 365 / 30, rel=1e-12)
    assert default_result.kpis["campaign_tonnes_standard_error"] == pytest.approx(
        np.std(c["tonnes"], ddof=1) / np.sqrt(200))
    assert feed.lift_rate_dry_t_per_h == 14.58
