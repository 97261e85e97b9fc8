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
    assert rate is None
    assert status == "none: cash flow never changes sign"


def test_irr_multiple_roots_reported():
    # (1.1 - x)(1.2 - x) style flows: -100, +230, -132 has IRRs 10 % and 20 %
    rate, status = economics.irr(np.array([-100.0, 230.0, -132.0]))
    assert rate is None
    assert status == "multiple: 2 rates make NPV zero"


def test_payback_interpolates():
    assert economics.payback_years(np.array([-100.0, 40.0, 40.0, 40.0])) == pytest.approx(2.5)
    assert economics.payback_years(np.array([-100.0, 10.0])) is None
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
