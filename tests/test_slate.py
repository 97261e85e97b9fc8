"""What separating one more group product adds (reemud.slate, ``reemud slate``)."""

import json

import pytest
from typer.testing import CliRunner

from reemud.chain import run
from reemud.cli import app
from reemud.scenario import load_scenario
from reemud.slate import DELTAS, split_gains


@pytest.fixture(scope="module")
def splits():
    return split_gains(load_scenario("minamitorishima-commercial"))


def test_one_row_per_group_with_its_split_slate(splits):
    assert [r["product"] for r in splits] == ["La+Ce", "Pr+Nd", "Sm+Eu+Gd", "Er+Tm+Yb+Lu"]
    assert splits[0]["slate"] == "La|Ce|Pr+Nd|Sm+Eu+Gd|Tb|Dy|Ho|Y|Er+Tm+Yb+Lu"
    for row in splits:
        assert row["sx_stages"] > 0  # a split needs more stages
        assert row["sx_reagents_usd_per_year"] > 0  # and more reagents


def test_the_heavy_group_split_is_the_runs_difference(splits):
    sc = load_scenario("minamitorishima-commercial")
    base = run(sc)
    heavy = next(r for r in splits if r["product"] == "Er+Tm+Yb+Lu")
    # a group paid at the group payable, split into oxides paid in full: the difference is
    # the unpaid share of its contained value (recoveries change a little with the flowsheet)
    p = sc.stages["economics"].params
    contained = base.kpis["revenue_usd_per_year_by_product"]["Er+Tm+Yb+Lu"] / p.group_payable
    assert heavy["revenue_usd_per_year"] == pytest.approx((1 - p.group_payable) * contained,
                                                          rel=0.02)
    assert set(DELTAS) <= set(heavy)


def test_cli_prints_json_and_refuses_a_model_without_a_slate(tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["slate", "minamitorishima-commercial", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    assert [r["product"] for r in payload["splits"]][0] == "La+Ce"
    text = load_scenario("minamitorishima-commercial").text.replace(
        "[lifting]", '[separation]\nmodel = "fixed_recovery"\n\n[lifting]')
    path = tmp_path / "fixed.toml"
    path.write_text(text, encoding="utf-8")
    bad = runner.invoke(app, ["slate", str(path)])
    assert bad.exit_code == 2
    assert "separation.model: the product slate is a design of the sx_flowsheet model" in \
        bad.output
    assert "Traceback" not in bad.output
