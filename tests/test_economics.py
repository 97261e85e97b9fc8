import numpy as np
import pytest

from reemud import economics


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


def test_residue_treatment_and_monitoring_accounts():
    from reemud.chain import run
    from reemud.scenario import load_scenario
    from reemud.uncertainty import with_values

    sc = load_scenario("minamitorishima-commercial")
    base = run(sc)
    priced = run(with_values(sc, {"economics.residue_treatment_usd_per_dry_t": 10.0,
                                  "economics.environmental_monitoring_usd_per_year": 2e6}))
    conc = base.records["beneficiation"]
    on_land = conc.dry_t_per_year + (conc.tailings_dry_t_per_year
                                     if conc.tailings_discharge == "land" else 0.0)
    opex = priced.records["economics"].opex_usd_per_year
    assert opex["residue treatment"] == pytest.approx(10.0 * on_land, rel=1e-12)
    assert opex["environmental monitoring"] == 2e6
    assert priced.kpis["opex_usd_per_year"] == pytest.approx(
        base.kpis["opex_usd_per_year"] + 10.0 * on_land + 2e6, rel=1e-12)
    assert base.records["economics"].capex_usd["environmental baseline"] == 87.5e6


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
