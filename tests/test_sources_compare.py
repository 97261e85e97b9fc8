"""One scale for every source (reemud.security.sources): credit and allocation by hand."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from reemud.cli import app
from reemud.elements import INDEX, N_ELEMENTS
from reemud.security import sources


def test_credit_cost_by_hand():
    w = np.zeros(N_ELEMENTS)
    p = np.zeros(N_ELEMENTS)
    w[INDEX["Nd"]], w[INDEX["La"]], w[INDEX["Ce"]] = 0.2, 0.3, 0.5
    p[INDEX["Nd"]], p[INDEX["La"]], p[INDEX["Ce"]] = 60.0, 1.0, 2.0
    # (10 - 0.3*1 - 0.5*2) / 0.2 = 43.5
    assert sources.credit_cost(10.0, w, p, "Nd") == pytest.approx(43.5, rel=1e-12)
    assert np.isnan(sources.credit_cost(10.0, w, p, "Dy"))


def test_every_source_says_where_its_number_comes_from():
    rows = sources.comparison()
    names = [r["source"] for r in rows]
    for expected in ("china-ionic-clay", "bayan-obo", "mountain-pass", "mt-weld-lynas",
                     "recycling-magnets", "recycling-nimh", "mud (chain)"):
        assert expected in names
    for r in rows:
        assert r["provenance"]
        if not np.isfinite(r["credit_usd_per_kg_Nd"]):
            assert "NOT FOUND" in r["provenance"] or "no Dy" in r["provenance"] \
                or r["source"] == "mountain-pass"


def test_lynas_value_allocation_recovers_the_mixed_cost():
    from reemud.market import data as md
    from reemud.security.model import reference_prices

    lynas = next(r for r in sources.comparison() if r["source"] == "mt-weld-lynas")
    w = md.compositions()["monazite-australia"]
    p = reference_prices()
    c = 17.9
    assert lynas["value_usd_per_kg_Nd"] == pytest.approx(c * p[INDEX["Nd"]] / np.dot(w, p),
                                                         rel=1e-9)
    assert lynas["credit_usd_per_kg_Nd"] == pytest.approx(
        sources.credit_cost(c, w, p, "Nd"), rel=1e-12)


def test_mud_entry_is_the_chains():
    from reemud.chain import run
    from reemud.scenario import load_scenario

    k = run(load_scenario(sources.MUD_SCENARIO)).kpis
    mud = next(r for r in sources.comparison() if r["source"] == "mud (chain)")
    assert mud["kwh_per_kg"] == pytest.approx(k["energy_kwh_per_kg_reo"])
    assert mud["kg_co2_per_kg"] == pytest.approx(k["co2_kg_per_kg_reo"])
    assert "levelised unit cost" in mud["provenance"]


def test_cli_sources_table_json_and_chart(tmp_path):
    chart = tmp_path / "sources.html"
    result = CliRunner().invoke(app, ["market", "sources", "--plot", str(chart)])
    assert result.exit_code == 0, result.output
    assert "not published" in result.output
    assert chart.is_file()
    data = json.loads(CliRunner().invoke(app, ["market", "sources", "--json"]).output)
    assert len(data["rows"]) == len(sources.comparison())
