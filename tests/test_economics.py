import numpy as np
import pytest

from reemud import economics
from reemud.elements import REY


def test_npv_of_annuity_closed_form():
    r, a, n, c = 0.08, 10.0, 20, 60.0
    flows = np.r_[-c, np.full(n, a)]
    annuity = a * (1 - (1 + r) ** -n) / r
    assert economics.npv(r, flows) == pytest.approx(annuity - c, rel=1e-12)


def test_irr_of_annuity_makes_npv_zero():
    flows = np.r_[-100.0, np.full(10, 20.0)]
    rate, status = economics.irr(flows)
    assert status == "unique"
    assert economics.npv(rate, flows) == pytest.approx(0.0, abs=1e-9)
    assert rate == pytest.approx(0.15098, abs=1e-5)  # standard annuity-table value


def test_irr_none_when_flows_never_change_sign():
    rate, status = economics.irr(np.array([-5.0, -1.0, -1.0]))
    assert np.isnan(rate)
    assert status == "none: cash flow never changes sign"


def test_irr_multiple_roots_reported():
    # (1.1 - x)(1.2 - x) style flows: -100, +230, -132 has IRRs 10 % and 20 %
    rate, status = economics.irr(np.array([-100.0, 230.0, -132.0]))
    assert np.isnan(rate)
    assert status == "multiple: 2 rates make NPV zero"


def test_payback_interpolates():
    assert economics.payback_years(np.array([-100.0, 40.0, 40.0, 40.0])) == pytest.approx(2.5)
    assert np.isnan(economics.payback_years(np.array([-100.0, 10.0])))
    assert economics.payback_years(np.array([5.0, 1.0])) == 0.0


def test_six_tenths_scaling():
    assert economics.scaled_capex_usd(100.0, 1.0, 2.0, 0.6) == pytest.approx(100 * 2**0.6)


def test_cash_flow_table_sums():
    t = economics.yearly_cash_flow(capex_usd=200.0, construction_years=2, project_life_years=4,
                                   revenue_usd_per_year=150.0, opex_usd_per_year=50.0,
                                   royalty_rate=0.01, tax_rate=0.3)
    assert t["capex"].sum() == pytest.approx(200.0)
    assert t["depreciation"].sum() == pytest.approx(200.0)
    taxable = 150 - 50 - 1.5 - 50
    np.testing.assert_allclose(t["tax"][2:], 0.3 * taxable)
    np.testing.assert_allclose(t["net"], t["revenue"] - t["opex"] - t["royalty"] - t["tax"]
                               - t["capex"])


def test_npv_growing_annuity_closed_form():
    # cash flow C (1+g)^(t-1) for t = 1..n at rate r: PV = C/(r-g) [1 - ((1+g)/(1+r))^n]
    r, g, c, n = 0.08, 0.03, 10.0, 400
    flows = np.r_[0.0, c * (1 + g) ** np.arange(n)]
    exact = c / (r - g) * (1 - ((1 + g) / (1 + r)) ** n)
    assert economics.npv(r, flows) == pytest.approx(exact, rel=1e-9)
    # and the perpetuity limit C/(r-g)
    assert exact == pytest.approx(c / (r - g), rel=1e-7)


def test_loss_carry_forward_by_hand():
    t = economics.yearly_cash_flow(capex_usd=0.0, construction_years=0, project_life_years=3,
                                   revenue_usd_per_year=0.0, opex_usd_per_year=0.0,
                                   royalty_rate=0.0, tax_rate=0.3)
    assert t["tax"].sum() == 0.0
    # a loss of 100 in year 1 offsets 60 of profit in year 2 and 40 of year 3
    t = economics.yearly_cash_flow(capex_usd=300.0, construction_years=0, project_life_years=3,
                                   revenue_usd_per_year=0.0, opex_usd_per_year=0.0,
                                   royalty_rate=0.0, tax_rate=0.3, depreciation_years=1)
    np.testing.assert_allclose(t["losses_carried"], [300.0, 300.0, 300.0])
    t = economics.yearly_cash_flow(capex_usd=100.0, construction_years=0, project_life_years=3,
                                   revenue_usd_per_year=100.0, opex_usd_per_year=0.0,
                                   royalty_rate=0.0, tax_rate=0.3, depreciation_years=1,
                                   ramp_up=(0.0, 0.6))
    # year 0: taxable 0 - 100 = -100 (loss 100); year 1: 60 - 100 carried -> loss 40;
    # year 2: 100 - 40 = 60 taxed
    np.testing.assert_allclose(t["losses_carried"], [100.0, 40.0, 0.0])
    np.testing.assert_allclose(t["tax"], [0.0, 0.0, 18.0])


def test_profit_based_royalty_and_working_capital():
    t = economics.yearly_cash_flow(capex_usd=0.0, construction_years=1, project_life_years=4,
                                   revenue_usd_per_year=100.0, opex_usd_per_year=70.0,
                                   royalty_rate=0.1, tax_rate=0.0, royalty_regime="profit_based",
                                   working_capital_months=6.0)
    np.testing.assert_allclose(t["royalty"][1:], 3.0)
    assert t["working_capital"].sum() == pytest.approx(0.0)
    assert t["working_capital"][1] == pytest.approx(35.0)
    assert t["working_capital"][-1] == pytest.approx(-35.0)


def test_upfront_and_sustaining_capital():
    t = economics.yearly_cash_flow(capex_usd=100.0, construction_years=2, project_life_years=3,
                                   revenue_usd_per_year=0.0, opex_usd_per_year=0.0,
                                   royalty_rate=0.0, tax_rate=0.0, sustaining_capex_fraction=0.1,
                                   upfront_usd=7.0)
    np.testing.assert_allclose(t["capex"], [57.0, 50.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(t["sustaining"], [0.0, 0.0, 10.0, 10.0, 10.0])


def test_unit_cost_allocation_conserves_total():
    m = np.array([10.0, 1.0, 5.0])
    p = np.array([2.0, 800.0, 50.0])
    by_value = economics.allocate_unit_cost(40.0, m, p, "value")
    assert (by_value * m).sum() == pytest.approx(40.0 * m.sum(), rel=1e-12)
    assert by_value[1] / by_value[0] == pytest.approx(400.0)
    np.testing.assert_array_equal(economics.allocate_unit_cost(40.0, m, p, "mass"), 40.0)


def test_capital_escalated_by_cepci_then_scaled():
    from reemud.chain import run
    from reemud.scenario import load_scenario
    from reemud.stages.common import cost_index
    from reemud.uncertainty import with_values

    # CEPCI annual averages (Chemical Engineering; tests/data/README.md): 2012 584.6,
    # 2015 556.8, 2023 797.9
    assert (cost_index(2012), cost_index(2015), cost_index(2023)) == (584.6, 556.8, 797.9)
    assert economics.escalated_usd(100.0, 556.8, 797.9) == pytest.approx(143.30101, rel=1e-6)
    sc = load_scenario("minamitorishima-commercial")
    econ = sc.stages["economics"].params
    result = run(sc)
    feed = result.records["collector"]
    offshore = result.records["economics"].capex_usd["offshore system"]
    assert offshore == pytest.approx(
        econ.offshore_capex_ref_usd * 797.9 / 556.8
        * (feed.mud_dry_t_per_year / econ.offshore_ref_t_per_year) ** econ.capex_exponent,
        rel=1e-12)
    # in the reference's own money, no escalation
    same_year = run(with_values(sc, {"economics.cost_year": 2015,
                                     "economics.processing_capex_ref_year": 2015}))
    assert same_year.records["economics"].capex_usd["offshore system"] == pytest.approx(
        offshore * 556.8 / 797.9, rel=1e-12)


def test_residue_disposal_tailings_and_monitoring_accounts():
    from reemud.chain import run
    from reemud.scenario import load_scenario
    from reemud.uncertainty import with_values

    sc = load_scenario("minamitorishima-commercial")
    free = run(with_values(sc, {"economics.residue_disposal_jpy_per_wet_t": 0.0}))
    priced = run(with_values(sc, {"economics.residue_disposal_jpy_per_wet_t": 10000.0,
                                  "economics.environmental_monitoring_usd_per_year": 2e6}))
    conc = free.records["beneficiation"]
    # the leach dissolves the concentrate's apatite; the rest is landfilled at the moisture of
    # the dewatered concentrate
    residue = conc.dry_t_per_year * (1 - conc.apatite_fraction_concentrate)
    wet = residue * conc.wet_t_per_year / conc.dry_t_per_year
    rate = sc.stages["economics"].params.jpy_per_usd
    opex = priced.records["economics"].opex_usd_per_year
    assert free.records["economics"].opex_usd_per_year["residue disposal"] == 0.0
    assert opex["residue disposal"] == pytest.approx(10000.0 * wet / rate, rel=1e-12)
    assert opex["environmental monitoring"] == 2e6
    assert priced.kpis["opex_usd_per_year"] == pytest.approx(
        free.kpis["opex_usd_per_year"] + 10000.0 * wet / rate + 2e6, rel=1e-12)
    assert free.records["economics"].capex_usd["environmental baseline"] == 87.5e6
    # the cyclone tailings kept on land are stored, not landfilled
    on_land = conc.tailings_dry_t_per_year if conc.tailings_discharge == "land" else 0.0
    assert opex["tailings storage"] == pytest.approx(2.5 * on_land, rel=1e-12)


def test_fixed_cost_accounts_follow_capital_and_labour():
    from reemud.chain import run
    from reemud.scenario import load_scenario

    result = run(load_scenario("minamitorishima-commercial"))
    p = result.scenario.stages["economics"].params
    cash = result.records["economics"]
    capex, opex = cash.capex_usd, cash.opex_usd_per_year
    fixed = sum(capex[k] for k in economics.FIXED_CAPITAL_ACCOUNTS)
    assert fixed == pytest.approx(sum(capex.values()) - capex["environmental baseline"])
    # the flowsheet's SX circuit: Avalon's US$101 M for 1,000 stages at 10,000 t/yr, per stage,
    # each sized by the throughput, escalated 2012 -> 2023; the rest of the plant without its SX
    stages = result.kpis["sx_stages"]
    reo = result.kpis["reo_production_t_per_year"]
    assert capex["SX circuit"] == pytest.approx(
        101e6 * 797.9 / 584.6 * stages / 1000 * (reo / 10000) ** 0.6, rel=1e-12)
    assert capex["processing plant"] == pytest.approx(
        620e6 * 797.9 / 584.6 * (reo / 22000) ** 0.6 * (1 - p.processing_sx_share), rel=1e-12)
    assert opex["maintenance"] == pytest.approx(p.maintenance_fraction * fixed, rel=1e-12)
    assert opex["insurance and property tax"] == pytest.approx(p.insurance_fraction * fixed,
                                                               rel=1e-12)
    staff = max(result.kpis["reo_production_t_per_year"] / p.reo_t_per_employee_year,
                p.minimum_staff)
    labour = staff * p.labour_jpy_per_employee_year / p.jpy_per_usd
    assert opex["plant labour"] == pytest.approx(labour, rel=1e-12)
    base = labour + opex["maintenance"]
    assert opex["plant overhead"] == pytest.approx(p.overhead_fraction * base, rel=1e-12)
    assert opex["administration"] == pytest.approx(p.administration_fraction * base, rel=1e-12)
    kwh = result.records["environment"].energy_kwh_per_year["onshore electricity"]
    assert opex["plant power"] == pytest.approx(kwh * p.electricity_jpy_per_kwh / p.jpy_per_usd,
                                                rel=1e-12)
    # the riser beyond Solwara 1's 1,600 m, at its cost per metre
    depth = result.records["deposit"].water_depth_m
    assert capex["riser beyond the reference depth"] == pytest.approx(
        p.riser_usd_per_m * (depth - p.offshore_ref_water_depth_m), rel=1e-12)


def test_riser_term_vanishes_above_the_reference_depth():
    accounts = economics.capital_accounts_usd(
        offshore_ref_usd=1.0, offshore_ref_index=1.0, offshore_ref_t_per_year=1.0,
        mud_dry_t_per_year=1.0, processing_ref_usd=1.0, processing_ref_index=1.0,
        processing_ref_reo_t_per_year=1.0, reo_t_per_year=1.0, index_now=1.0, capex_exponent=0.6,
        environmental_baseline_usd=0.0, water_depth_m=np.array([1000.0, 1600.0, 5600.0]),
        offshore_ref_water_depth_m=1600.0, riser_usd_per_m=2000.0, sx_circuit_usd=np.nan,
        processing_sx_share=0.25)
    np.testing.assert_array_equal(accounts["riser beyond the reference depth"], [0.0, 0.0, 8e6])
    # no cascade designed: the reference plant's own SX share stands in
    assert accounts["SX circuit"] == 0.25
    assert accounts["processing plant"] == 0.75


def test_group_products_are_paid_the_group_payable_and_ndpr_in_full():
    payable = economics.product_payables(("La+Ce", "Pr+Nd", "Tb"), np.array([0.5, 0.65]))
    assert payable.shape == (2, 15)
    la, ce, pr, nd, tb = (REY.index(s) for s in ("La", "Ce", "Pr", "Nd", "Tb"))
    np.testing.assert_array_equal(payable[:, [la, ce]], [[0.5, 0.5], [0.65, 0.65]])
    np.testing.assert_array_equal(payable[:, [pr, nd, tb]], 1.0)  # NdPr oxide is traded


def test_revenue_by_product_sums_its_elements_and_the_full_slate_pays_in_full():
    from reemud.chain import run
    from reemud.scenario import load_scenario, parse_scenario

    result = run(load_scenario("minamitorishima-commercial"))
    cash = result.records["economics"]
    by_product = result.kpis["revenue_usd_per_year_by_product"]
    assert list(by_product) == ["La+Ce", "Pr+Nd", "Sm+Eu+Gd", "Tb", "Dy", "Ho", "Y",
                                "Er+Tm+Yb+Lu"]
    assert sum(by_product.values()) == pytest.approx(result.kpis["revenue_usd_per_year"],
                                                     rel=1e-12)
    p = result.scenario.stages["economics"].params
    oxide = result.records["refining"].oxide_t_per_year
    heavy = [REY.index(s) for s in ("Er", "Tm", "Yb", "Lu")]
    assert by_product["Er+Tm+Yb+Lu"] == pytest.approx(
        p.group_payable * float((oxide[heavy] * 1000.0 * cash.price_usd_per_kg[heavy]
                                 * cash.sales_price_factor[heavy]).sum()),
        rel=1e-12)
    slate = "La|Ce|Pr|Nd|Sm|Eu|Gd|Tb|Dy|Ho|Y|Er|Tm|Yb|Lu"
    text = result.scenario.text.replace(
        "[lifting]", f'[separation]\nmodel = "sx_flowsheet"\nproducts = "{slate}"\n\n[lifting]')
    full = run(parse_scenario(text))
    assert list(full.kpis["revenue_usd_per_year_by_product"]) == slate.split("|")
    np.testing.assert_array_equal(full.records["economics"].payable, 1.0)
    assert full.kpis["sx_stages"] > result.kpis["sx_stages"]


def test_monthly_cash_flow_annuity_closed_form():
    # capital at t = 0, then R/12 a month for 12 L months from t = 0; monthly rate from annual r
    capex, revenue, years, r = 500.0, 120.0, 10, 0.08
    table = economics.yearly_cash_flow(capex_usd=capex, construction_years=0,
                                       project_life_years=years, revenue_usd_per_year=revenue,
                                       opex_usd_per_year=0.0, royalty_rate=0.0, tax_rate=0.0,
                                       periods_per_year=12)
    assert table["net"].size == 12 * years
    i = (1 + r) ** (1 / 12) - 1
    v = 1 / (1 + i)
    closed = -capex + revenue / 12 * (1 - v ** (12 * years)) / (1 - v)
    assert economics.npv(economics.period_rate(r, 12), table["net"]) == pytest.approx(
        closed, rel=1e-12)
    rate, status = economics.irr(table["net"], 12)  # annual, by bisection on the monthly flows
    assert status == "unique"
    assert economics.npv(economics.period_rate(rate, 12), table["net"]) == pytest.approx(
        0.0, abs=1e-6 * capex)
    # the same rate as the monthly polynomial's root (numpy.roots), annualised
    roots = np.roots(table["net"][::-1])
    x = roots[(np.abs(roots.imag) < 1e-9) & (roots.real > 0)].real
    assert x.size == 1
    assert rate == pytest.approx(economics.annual_rate(1 / x[0] - 1, 12), rel=1e-9)
    # the yearly table is the monthly one summed by year, without discounting within the year
    yearly = economics.yearly_cash_flow(capex_usd=capex, construction_years=0,
                                        project_life_years=years, revenue_usd_per_year=revenue,
                                        opex_usd_per_year=0.0, royalty_rate=0.0, tax_rate=0.0)
    np.testing.assert_allclose(table["net"].reshape(years, 12).sum(axis=1), yearly["net"],
                               rtol=1e-12)


def test_sign_changes_skip_zeros():
    flows = np.array([[0.0, -1.0, 0.0, 2.0, 3.0, 0.0],
                      [-1.0, 2.0, -3.0, 4.0, 0.0, 0.0],
                      [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                      [1.0, 1.0, 0.0, 1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(economics.sign_changes(flows), [1, 3, 0, 0])


def test_sales_price_factor_is_the_isoelastic_inverse_demand():
    # selling 10 % of a market with elasticity 0.5 needs the price x 1.1^-2
    f = economics.sales_price_factor(np.array([[10.0, 0.0]]), np.array([100.0, 50.0]),
                                     np.array([0.5, 0.3]))
    np.testing.assert_allclose(f, [[1.1**-2, 1.0]], rtol=1e-12)


def test_a_thin_quote_erodes_to_the_bulk_price_and_fixed_keeps_the_deck():
    from reemud.chain import run
    from reemud.scenario import load_scenario, parse_scenario
    from reemud.stages.common import price_decks

    text = load_scenario("minamitorishima-commercial").text.replace(
        'model = "dcf"', 'model = "dcf"\nprice_deck = "europe-2025"')
    europe = run(parse_scenario(text)).records["economics"]
    bulk = run(load_scenario("minamitorishima-commercial")).records["economics"]
    y, tb = REY.index("Y"), REY.index("Tb")
    # ~370 t/yr of Y swamps a quote paid for under 1 % of the market: it sells at the bulk
    # price the same volume would fetch
    sold_y = europe.price_usd_per_kg[y] * europe.sales_price_factor[y]
    assert sold_y == pytest.approx(price_decks()["usgs-argus-2024"][y]
                                   * bulk.sales_price_factor[y], rel=1e-12)
    # a quote without a stated share holds for the world market: the same factor as the bulk
    assert europe.sales_price_factor[tb] == pytest.approx(bulk.sales_price_factor[tb], rel=1e-12)
    fixed = run(parse_scenario(text.replace('model = "dcf"', 'model = "dcf"\n'
                                            'price_response = "fixed"'))).records["economics"]
    np.testing.assert_array_equal(fixed.sales_price_factor, 1.0)
