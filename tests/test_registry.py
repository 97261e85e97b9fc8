"""Contract checks run over every registered stage model."""

import pytest
from pydantic import ValidationError

from reemud import records, registry
from reemud.scenario import parse_scenario


@pytest.mark.parametrize("entry", registry.entries(), ids=lambda e: f"{e.stage}.{e.name}")
def test_model_contract(entry, default_result):
    assert entry.params.model_config["extra"] == "forbid"
    assert entry.params.model_config["frozen"] is True
    for name, info in entry.params.model_fields.items():
        assert info.description, f"{entry.stage}.{name} has no description"
    with pytest.raises(ValidationError):
        entry.params(not_a_parameter=1)
    before = {k: default_result.records[k] for k in registry.STAGES[:registry.STAGES.index(
        entry.stage)]}
    params = parse_scenario(f'[{entry.stage}]\nmodel = "{entry.name}"').stages[entry.stage].params
    out = entry.run(params, before, 0)
    assert type(out).__module__ == records.__name__
    assert entry.summary


def test_each_stage_has_a_default_model():
    for stage in registry.STAGES:
        assert registry.default_model(stage) in registry.models(stage)


def test_unknown_model_lists_known():
    with pytest.raises(KeyError, match="known: airlift, closed_circulation, pump_hoisting"):
        registry.get("lifting", "teleport")


def test_duplicate_registration_refused():
    entry = registry.get("lifting", "closed_circulation")
    with pytest.raises(ValueError, match="already registered"):
        registry.register("lifting", "closed_circulation", entry.params)(entry.run)
