import numpy as np
import pytest

from reemud import report


@pytest.mark.parametrize("name", ["minamitorishima-2027", "minamitorishima-commercial"])
def test_cash_waterfall_sums_to_the_net_cash_flow(results, name):
    table = results[name].records["economics"].table
    steps = dict(report.cash_waterfall(table))
    assert list(steps) == [s for s, _ in report.WATERFALL_STEPS]
    assert sum(steps.values()) == pytest.approx(float(np.sum(table["net"])), rel=1e-12)
    assert steps["revenue"] > 0
    assert steps["capex"] < 0


def test_run_report_has_the_waterfall(default_result):
    html = report.render(default_result)
    assert "<h2>Cash-flow waterfall</h2>" in html
    assert '"type":"waterfall"' in html
