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
    defaults = parameter_defaults()
    units = {(r["stage"], r["model"], r["name"]): r["unit"] for r in read_table("parameters.csv")}
    for entry in registry.entries():
        given = defaults[(entry.stage, entry.name)]
        assert set(given) == set(entry.params.model_fields), entry
        for field in entry.params.model_fields:
            assert units[(entry.stage, entry.name, field)] == field_unit(entry.params, field)


@pytest.mark.parametrize("path", list(bundled_scenarios().values()), ids=lambda p: p.stem)
def test_every_number_in_bundled_scenarios_is_sourced(path):
    for line in path.read_text().splitlines():
        if re.match(r"^\s*\w+\s*=\s*[\"']?[-+\d.]", line):
            assert re.search(r"#\s*(source|assumed):", line), line


def test_rey_pattern_weights_sum_to_one_within_rounding():
    total = sum(float(r["weight"]) for r in read_table("rey_patterns.csv"))
    assert total == pytest.approx(1.0, abs=1e-5)
