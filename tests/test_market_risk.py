"""Supply-risk indices, coverage and allies against hand calculations."""

import numpy as np
import pytest

from reemud.elements import INDEX
from reemud.market import coverage as cov
from reemud.market import data as md
from reemud.market import risk
from reemud.security.analysis import accepted_offtake, risk_indices, supply_table
from reemud.security.model import base_market, mud_supply
from reemud.security.scenario import parse_market_scenario


def test_hhi_of_a_small_case():
    # shares 0.5, 0.3, 0.2: 0.25 + 0.09 + 0.04
    assert risk.hhi([50.0, 30.0, 20.0]) == pytest.approx(0.38, rel=1e-15)
    assert risk.hhi([[1.0, 0.0], [1.0, 1.0]]).tolist() == [1.0, 0.5]
    assert risk.hhi([0.0, 0.0]) == 0.0


def test_eu_supply_risk_by_hand():
    # two producers 0.6 (WGI 6) / 0.4 (WGI 2): HHI_WGI = 0.36*6 + 0.16*2 = 2.48
    gs = risk.hhi_wgi([60.0, 40.0], [6.0, 2.0])
    assert gs == pytest.approx(2.48, rel=1e-15)
    # EU sourcing 0.9 / 0.1 from the same: 0.81*6 + 0.01*2 = 4.88
    eu = risk.hhi_wgi([90.0, 10.0], [6.0, 2.0])
    assert eu == pytest.approx(4.88, rel=1e-15)
    # SR = (2.48*0.8/2 + 4.88*(1-0.4)) * (1-0.1) * 0.95 = (0.992 + 2.928) * 0.855 = 3.3516
    sr = risk.eu_supply_risk(gs, eu, import_reliance=0.8, eol_rir=0.1, si_sr=0.95)
    assert sr == pytest.approx(3.3516, rel=1e-12)
    assert risk.wgi_scaled(0.4333) == pytest.approx(5.667, rel=1e-12)


def test_geopolrisk_by_hand():
    # HHI 0.5; imports 60 t (g 0.6) and 20 t (g 0.2), domestic 20 t:
    # 0.5 * (0.6*60 + 0.2*20) / (20 + 80) = 0.5 * 40 / 100 = 0.2
    assert risk.geopolrisk(0.5, [60.0, 20.0], [0.6, 0.2], 20.0) == pytest.approx(0.2, rel=1e-15)
    assert risk.import_reliance([100.0, 100.0, 0.0], [20.0, 150.0, 0.0]).tolist() == [0.8, 0.0,
                                                                                      0.0]


def test_base_year_supply_matches_usgs_and_china_share():
    st = supply_table(base_market())
    total = st["mined_t_per_year"].sum()
    assert total == pytest.approx(390_420.0, rel=1e-12)  # the USGS MCS 2025 rows (390,000 world)
    assert st["china_mining_share"] == pytest.approx(270_000 / 390_420, rel=1e-12)


def test_the_mud_lowers_japans_import_reliance_by_its_share_of_demand():
    mud = mud_supply("minamitorishima-commercial")
    base = base_market(0.8, mud)
    ri = risk_indices(base, mud.oxide_t_per_year, {"JP": 1.0, "US": 0.0, "EU": 0.0})
    jp = md.IMPORTERS.index("JP")
    demand = base.demand_t_per_year[1 + jp]
    expected = 1 - np.minimum(mud.oxide_t_per_year / demand, 1)
    np.testing.assert_allclose(ri["after"]["JP"]["import_reliance"], expected, rtol=1e-12)
    np.testing.assert_allclose(ri["before"]["JP"]["import_reliance"], 1.0)
    dy = INDEX["Dy"]
    assert ri["after"]["hhi_separation"][dy] < ri["before"]["hhi_separation"][dy]
    assert ri["after"]["JP"]["geopolrisk"][dy] < ri["before"]["JP"]["geopolrisk"][dy]


def test_acceptance_limits_cap_the_offtake():
    assert cov.acceptance(2.0, 100.0, np.inf, np.inf) == 1.0
    assert cov.acceptance(2.0, 100.0, 1.0, np.inf) == pytest.approx(0.5)
    assert cov.acceptance(2.0, 100.0, 1.0, 25.0) == pytest.approx(0.25)
    mud = mud_supply("minamitorishima-commercial")
    sc = parse_market_scenario(f"""
[market]
offtake_jp = 0.5
offtake_eu = 0.5
plume_limit_eu_km2 = {mud.plume_area_km2 / 4}
""")
    take = accepted_offtake(sc.params, mud)
    assert take == {"JP": 0.5, "US": 0.0, "EU": pytest.approx(0.125, rel=1e-12)}


def test_years_of_demand_is_resource_over_demand():
    np.testing.assert_allclose(cov.years_of_demand([620.0, 5.0], [10.0, 0.0]), [62.0, np.nan])


def test_every_market_parameter_has_a_default_with_its_unit():
    from reemud.datafiles import read_table
    from reemud.scenario import field_unit
    from reemud.security.scenario import MarketParams, market_defaults

    assert set(market_defaults()) == set(MarketParams.model_fields)
    for row in read_table("market_parameters.csv"):
        assert row["unit"] == field_unit(MarketParams, row["name"]), row["name"]


def test_every_number_in_the_presets_is_sourced():
    import re

    from reemud.security.scenario import presets

    for path in presets().values():
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"^\s*(\w+)\s*=\s*(\{|[-+\d.])", line):
                assert re.search(r"#\s*(source|assumed|calibrated):", line), (path.name, line)


def test_market_kpis_have_units():
    from reemud.nomenclature import unit_of
    from reemud.security.analysis import market_kpis
    from reemud.security.model import run_market
    from reemud.security.scenario import load_market_scenario

    for name in market_kpis(run_market(load_market_scenario("embargo-2010-japan"))):
        unit_of(name)
