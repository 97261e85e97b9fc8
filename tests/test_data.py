"""Provenance: every default number has a source or is flagged assumed with a reason."""

import re

import pytest

from reemud import registry
from reemud.datafiles import data_path, read_table
from reemud.scenario import bundled_scenarios, field_unit, parameter_defaults

CSV_FILES = sorted(p.name for p in data_path("").glob("*.csv") if p.name != "variables.csv")


@pytest.mark.parametrize("name", CSV_FILES)
def test_every_row_has_source_or_assumed(name):
    for row in read_table(name):
        assert row.get("source") or row.get("assumed"), (name, row)


def test_every_parameter_has_a_default_with_matching_unit():
    units = {(r["stage"], r["model"], r["name"]): r["unit"] for r in read_table("parameters.csv")}
    for entry in registry.entries():
        given = parameter_defaults(entry.stage, entry.name)
        assert set(given) == set(entry.params.model_fields), entry
        for field in entry.params.model_fields:
            unit = units.get((entry.stage, entry.name, field), units.get((entry.stage, "*", field)))
            assert unit == field_unit(entry.params, field), (entry.stage, entry.name, field)


def test_shared_rows_are_used():
    rows = [r for r in read_table("parameters.csv") if r["model"] == "*"]
    for row in rows:
        users = [e for e in registry.entries()
                 if e.stage == row["stage"] and row["name"] in e.params.model_fields]
        assert users, row["name"]


@pytest.mark.parametrize("path", list(bundled_scenarios().values()), ids=lambda p: p.stem)
def test_every_number_in_bundled_scenarios_is_sourced(path):
    """A number is sourced, assumed with its reason, or a calibration naming its literature case."""
    for line in path.read_text().splitlines():
        if re.match(r"^\s*\w+\s*=\s*[\"']?[-+\d.]", line):
            assert re.search(r"#\s*(source|assumed):", line) or re.search(
                r"#\s*calibration:.*literature case [\w-]+", line), line


def test_rey_pattern_weights_sum_to_one_within_rounding():
    total = sum(float(r["weight"]) for r in read_table("rey_patterns.csv"))
    assert total == pytest.approx(1.0, abs=1e-5)


def test_a_zero_price_always_says_why():
    """No product of any deck is valued at zero without a flag saying why."""
    for row in read_table("prices.csv"):
        if float(row["price_usd_per_kg"]) == 0.0:
            assert row["assumed"], (row["deck"], row["symbol"])


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_every_product_of_a_bundled_scenario_is_priced_or_says_why(name):
    """Each product on the slate: its elements' prices are positive or flagged, and a group
    product's payable has a source and a range."""
    from reemud.chain import run
    from reemud.scenario import load_scenario

    result = run(load_scenario(name))
    deck = result.scenario.stages["economics"].params.price_deck
    rows = {r["symbol"]: r for r in read_table("prices.csv") if r["deck"] == deck}
    payable = next(r for r in read_table("parameters.csv") if r["name"] == "group_payable")
    assert payable["source"]
    assert "range" in payable["assumed"]
    for product in result.records["separation"].products:
        for symbol in product.split("+"):
            row = rows[symbol]
            assert float(row["price_usd_per_kg"]) > 0 or row["assumed"], (name, product, symbol)
