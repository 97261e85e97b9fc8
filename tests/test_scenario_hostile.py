"""Hostile scenario files: each is refused with a ``ScenarioError`` naming the place, the value and the fix.

One test per class of malformed input (docs/scenario.md "What is refused"): the structure and
types of the file, quantity strings, distributions that overflow, and files that cannot be read;
then the CLI on a few of them (exit status 2, no traceback, the field named).
"""

from __future__ import annotations

import os
import time

import pytest
from typer.testing import CliRunner

from reemud.cli import app
from reemud.errors import Problem, ScenarioError
from reemud.scenario import load_scenario, parse_scenario, read_scenario_text


def problems_of(text: str) -> list[Problem]:
    """The problems of a text that must be refused (quickly: no input may make the loader hang)."""
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "hostile.toml")
    assert time.perf_counter() - start < 2.0
    return info.value.problems


def only_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# ---------------------------------------------------------------------------------------------
# 1. structure and types


@pytest.mark.parametrize(("text", "path", "phrase"), [
    ("collector = 5", "collector", "must be a table, not an integer"),
    ('collector = "big"', "collector", "must be a table, not a string"),
    ('[[collector]]\nmodel = "campaign"', "collector",
     "must be a table, not an array of tables ([[collector]])"),
    ("scenario = 5", "scenario", "must be a table, not an integer"),
    ('[[scenario]]\nname = "a"', "scenario", "must be a table, not an array of tables"),
    ("[scenario]\nname = 5", "scenario.name", "must be a string, not an integer"),
    ('[scenario]\nauthor = "me"', "scenario.author",
     "is not a key of [scenario]; its keys are name, description, correlations"),
    ("[collector]\nmodel = 5", "collector.model",
     "must be one of campaign, throughput_availability, as a string, not an integer"),
    ('[collector]\nmodel = ["campaign"]', "collector.model", "as a string, not an array"),
    ('include = "base.toml"', "include", "is not supported: a scenario file stands alone and "
                                         "cannot include, extend or import another file"),
    ('extends = "minamitorishima-2027"', "extends", "is not supported"),
    ("lifter = 3", "lifter", "is not a stage or [scenario]"),
])
def test_structure_of_the_file(text, path, phrase):
    problem = only_problem(text)
    assert problem.path == path
    assert phrase in problem.allowed


@pytest.mark.parametrize(("table", "phrase"), [
    ('{ dist = 5, low = 1, high = 2 }', "`dist` must be one of uniform, triangular, pert, normal, "
                                        "lognormal, discrete, empirical, as a string, not an "
                                        "integer"),
    ('{ low = 1, high = 2 }', "; the table has none"),
    ('{ dist = "uniform", low = "a", high = 2 }', "`low` must be a number, not a string"),
    ('{ dist = "uniform", low = true, high = 2 }', "`low` must be a number, not a boolean"),
    ('{ dist = "empirical", values = 3 }', "`values` must be a list of numbers, not an integer"),
    ('{ dist = "empirical", values = [300, "400"] }',
     "`values` must be a list of numbers; item 1 must be a number, not a string"),
    ('{ dist = "discrete", values = [300, 400], weights = [1, [2]] }',
     "`weights` must be a list of numbers; item 1 must be a number, not an array"),
    ('{ dist = "discrete", values = [300, 400], weights = "1 2" }',
     "`weights` must be a list of numbers, not a string"),
    ('{ dist = "uniform", low = 1, high = 2, sd = 3 }',
     "`sd` is not a key of a uniform distribution; its keys are dist, low, high, value, unit"),
    ('{ dist = "uniform", low = 1, high = 2, unit = 5 }',
     "unit must be a string convertible to t/day"),
    ('{ dist = "uniform", low = 300, high = 400, unit = "kg" }', "unit must convert to t/day"),
])
def test_distribution_keys_of_the_wrong_type(table, phrase):
    problem = only_problem(f"[collector]\nmud_dry_t_per_day = {table}")
    assert problem.path == "collector.mud_dry_t_per_day"
    assert phrase in problem.allowed


def test_a_distribution_for_a_parameter_that_is_not_a_number():
    problem = only_problem('[leaching]\nacid = { dist = "uniform", low = 1, high = 2 }')
    assert str(problem) == ("`leaching.acid`: acid is not a number, so it cannot be a "
                            "distribution (got {'dist': 'uniform', 'low': 1, 'high': 2}). "
                            "give one value, e.g. acid = 'HCl'")


TWO_UNCERTAIN = ('[economics]\nprice_multiplier = { dist = "uniform", low = 0.8, high = 1.2 }\n'
                 'discount_rate = { dist = "uniform", low = 0.05, high = 0.1 }\n')


@pytest.mark.parametrize("entry", [
    '{ between = [1, 2], r = 0.5 }',
    '{ between = [["economics.price_multiplier"], ["economics.discount_rate"]], r = 0.5 }',
    '{ between = ["economics.price_multiplier"], r = 0.5 }',
    '{ between = ["economics.price_multiplier", "economics.discount_rate"], r = true }',
    '{ between = ["economics.price_multiplier", "economics.discount_rate"], r = "0.5" }',
    '{ between = ["economics.price_multiplier", "economics.discount_rate"], r = 0.5, s = 1 }',
    '5',
])
def test_correlation_entries_that_are_not_two_names_and_a_number(entry):
    problem = only_problem(f"[scenario]\ncorrelations = [{entry}]\n" + TWO_UNCERTAIN)
    assert problem.path == "scenario.correlations[0]"
    assert problem.allowed == ("needs between = [two different parameter names, as strings] and "
                               "a number r, and no other keys")


def test_correlations_that_are_not_a_list():
    problem = only_problem("[scenario]\ncorrelations = 5\n" + TWO_UNCERTAIN)
    assert (problem.path, problem.allowed) == ("scenario.correlations", "must be a list of tables")


def test_nesting_beyond_eight_levels_is_refused_before_parsing():
    for depth in (9, 100, 100_000):
        problem = only_problem(f"[collector]\nmud_dry_t_per_day = {'[' * depth}1{']' * depth}")
        assert problem.path == "(file)"
        assert problem.allowed == "arrays and inline tables may nest at most 8 levels deep"
        assert problem.given.startswith("line 2: mud_dry_t_per_day = [[[[")
    problem = only_problem("a.b.c.d.e.f.g.h.i.j = 1")  # dotted keys nest without brackets
    assert problem.path == "a.b.c.d.e.f.g.h.i"
    assert problem.allowed == "tables and arrays may nest at most 8 levels deep"
    # brackets inside strings and comments are not nesting
    sc = parse_scenario('[scenario]\ndescription = "' + "[" * 20 + '" # ' + "{" * 20 + "\n")
    assert sc.description == "[" * 20


@pytest.mark.parametrize(("literal", "path", "given"), [
    ("1" * 5000, "collector.mud_dry_t_per_day", "<an integer of 5000 digits>"),
    ("-" + "9" * 400, "collector.mud_dry_t_per_day", "<an integer of 400 digits>"),
    ("9223372036854775808", "collector.mud_dry_t_per_day", 2**63),
    ("0x" + "f" * 300, "collector.mud_dry_t_per_day", "<an integer of 362 digits>"),
    ('{ dist = "empirical", values = [300, ' + "7" * 4400 + "] }",
     "collector.mud_dry_t_per_day.values[1]", "<an integer of 4400 digits>"),
])
def test_integers_too_long_to_convert_name_their_field(literal, path, given):
    problem = only_problem(f"[collector]\nmud_dry_t_per_day = {literal}\n")
    assert problem.path == path
    assert problem.given == given
    assert problem.allowed == ("is outside the range of a TOML integer (-2**63 to 2**63 - 1, "
                               "about ±9.2e18)")
    assert "write a float such as 1e20" in problem.fix


def test_every_problem_of_a_file_is_listed_at_once():
    problems = problems_of('include = "x.toml"\ncollector = 5\n[scenario]\nname = 5\n'
                           '[deposit]\nwater_depth_m = "0,5 km"\narea_km2 = true\n'
                           '[economics]\ndiscount_rate = { dist = "uniform", low = "a", high = 1 }')
    assert [p.path for p in problems] == ["scenario.name", "include", "deposit.water_depth_m",
                                          "deposit.area_km2", "collector",
                                          "economics.discount_rate"]


def test_a_flood_of_problems_is_all_kept_but_fifty_are_listed(tmp_path):
    text = "[deposit]\n" + "".join(f"k{i} = 1\n" for i in range(5000))
    problems = problems_of(text)
    assert len(problems) == 5000  # every one is kept for the API
    path = tmp_path / "flood.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].endswith("5000 problem(s)")
    assert lines[50].lstrip().startswith("50. deposit.k49: is not a parameter")
    assert lines[-1] == ("  ... and 4,950 more problem(s) not listed; fix these first (the first "
                         "50 are shown)")
    assert len(result.stderr) < 40_000
    assert str(ScenarioError(problems)).splitlines()[-1] == lines[-1]


# ---------------------------------------------------------------------------------------------
# 2. quantity strings and plain numbers


@pytest.mark.parametrize(("value", "phrase"), [
    ('"9**9**8 m"', "a number may not be raised to a power (** or ^ after a number)"),
    ('"2^10 m"', "a number may not be raised to a power"),
    ('"5 m**2**3"', "no towers such as m**2**3"),
    ('"0,5 km"', "a comma in a number is ambiguous (a decimal comma, or a thousands separator)"),
    ('"5,600 m"', "a comma in a number is ambiguous"),
    ('"1.2.3 km"', "a number has at most one decimal point"),
    ('"2 3 m"', 'must be one number followed by its unit, not two numbers ("2 3 m")'),
    ('""', "must be a number with its unit, not an empty string"),
    ('"   "', "must be a number with its unit, not an empty string"),
    ('"' + "5" * 65 + ' m"', "must be at most 64 characters (this has 67)"),
    ('"deep"', "must start with a number"),
    ("true", "must be a number in m, not a boolean"),
    ("inf", "must be a finite number (inf and nan are not numbers a model can use)"),
    ("-inf", "must be a finite number"),
    ("nan", "must be a finite number"),
    ('"inf m"', "must be a finite number"),
    ('"NaN km"', "must be a finite number"),
    ('"1e999 m"', "the number overflows a float (it must be below 1.8e308)"),
    ('"1e308 km"', "overflows when converted to m: the quantity must be a finite number in that "
                   "unit"),
    ('"5.6 kg"', "must be a number in m or a quantity convertible to it"),
])
def test_quantity_strings_are_read_by_a_bounded_grammar(value, phrase):
    problem = only_problem(f"[deposit]\nwater_depth_m = {value}\n")
    assert problem.path == "deposit.water_depth_m"
    assert phrase in problem.allowed


def test_a_power_tower_is_refused_at_once():
    start = time.perf_counter()
    problem = only_problem('[deposit]\nwater_depth_m = "9**9**9**9**9 m"\n')
    assert time.perf_counter() - start < 0.5
    assert problem.fix == 'write it in scientific notation, e.g. "3.9e8 m"'


def test_the_decimal_comma_message_and_fix():
    problem = only_problem('[collector]\navailability = "0,5 %"\n')
    assert str(problem) == (
        "`collector.availability`: a comma in a number is ambiguous (a decimal comma, or a "
        "thousands separator) (got '0,5 %'). write the number with a decimal point and no "
        'separators, e.g. "0.5 %" or "1000 t" (a plain TOML number may use 1_000)')


@pytest.mark.parametrize(("value", "expected"), [
    ('"5.6 km"', 5600.0), ('"5600m"', 5600.0), ('"+5_600 m"', 5600.0), ('".5 km"', 500.0),
    ('"5.6e3 m"', 5600.0), ('"5600 meter"', 5600.0), ('"56 hm"', 5600.0),
])
def test_well_formed_quantities_still_convert(value, expected):
    sc = parse_scenario(f"[deposit]\nwater_depth_m = {value}\n")
    assert sc.stages["deposit"].params.water_depth_m == pytest.approx(expected)


def test_compound_units_and_powers_still_convert():
    sc = parse_scenario('[deposit]\narea_km2 = "1e8 m^2"\n[collector]\n'
                        'mud_dry_t_per_day = "14.5833333 t / hour"\n')
    assert sc.stages["deposit"].params.area_km2 == pytest.approx(100.0)
    assert sc.stages["collector"].params.mud_dry_t_per_day == pytest.approx(350.0, rel=1e-8)


# ---------------------------------------------------------------------------------------------
# 3. distributions whose moments or support overflow


@pytest.mark.parametrize(("table", "phrase"), [
    ('{ dist = "lognormal", mu = 800, sigma = 0.5 }',
     "the mean exp(mu + sigma²/2) or the variance of the distribution overflows a float (ln of "
     "each must stay below 709.78)"),
    ('{ dist = "lognormal", mu = 6, sigma = 40 }', "the mean exp(mu + sigma²/2) or the variance"),
    ('{ dist = "lognormal", mu = 6, sigma = 1e200 }', "the mean exp(mu + sigma²/2) or the variance"),
    ('{ dist = "normal", mean = 350, sd = 1e308 }',
     "mean ± 10 sd overflows a float: its draws would be infinite"),
    ('{ dist = "uniform", low = -1e308, high = 1e308 }',
     "the width high - low overflows a float (it must stay below 1.8e308)"),
    ('{ dist = "triangular", low = -1e308, mode = 0, high = 1e308 }', "the width high - low overflows"),
    ('{ dist = "pert", low = -1e308, mode = 0, high = 1e308 }', "the width high - low overflows"),
    ('{ dist = "empirical", values = [-1e308, 1e308] }', "the width high - low overflows"),
    ('{ dist = "discrete", values = [300, 400], weights = [1e308, 1e308] }',
     "the sum of the weights overflows a float"),
    ('{ dist = "uniform", low = 300, high = 1e306, unit = "Mt/day" }',
     "distribution parameters must be finite numbers (high: inf or nan, given or after the unit's "
     "conversion)"),
    ('{ dist = "normal", mean = nan, sd = 1 }', "distribution parameters must be finite numbers"),
])
def test_distributions_that_overflow(table, phrase):
    problem = only_problem(f"[economics]\nprice_multiplier = {table}\n".replace(
        "economics]\nprice_multiplier", "collector]\nmud_dry_t_per_day"))
    assert problem.path == "collector.mud_dry_t_per_day"
    assert phrase in problem.allowed


def test_a_huge_but_finite_empirical_sample_has_a_finite_median():
    sc = parse_scenario('[economics]\nprice_multiplier = { dist = "empirical", '
                        "values = [1.7e308, 1.7e308] }\n")
    assert sc.stages["economics"].params.price_multiplier == 1.7e308


def test_offset_units_cannot_scale_a_distribution():
    problem = only_problem('[leaching]\ntemperature_c = { dist = "uniform", low = 300, high = 320, '
                           'unit = "K" }\n')
    assert problem.path == "leaching.temperature_c"
    assert problem.allowed.startswith("unit must be a multiplicative unit of degC: an offset unit")


# ---------------------------------------------------------------------------------------------
# files


def test_a_file_that_is_not_utf8_names_the_byte(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('[scenario]\nname = "Minamitorishima"\ndescription = "café"\n'.encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(str(path))
    (problem,) = info.value.problems
    assert problem.path == "(file)"
    assert problem.allowed == "must be UTF-8 text"
    assert problem.given == "byte 54: b'\\xe9'"
    assert problem.fix == "the byte at offset 54 (line 3) is not UTF-8: save the file as UTF-8"


def test_a_utf16_file_is_recognised(tmp_path):
    path = tmp_path / "utf16.toml"
    path.write_bytes('[scenario]\nname = "x"\n'.encode("utf-16"))
    with pytest.raises(ScenarioError, match="it looks like UTF-16"):
        load_scenario(str(path))


@pytest.mark.parametrize(("make", "phrase"), [
    (lambda p: p.mkdir(), "is a directory, not a scenario file"),
    (lambda p: None, "must be a bundled scenario (meti-jogmec-2016, minamitorishima-2027, "
                     "minamitorishima-commercial) or a file"),
    (lambda p: os.mkfifo(p), "is not a regular file (a pipe, socket or device)"),
])
def test_paths_that_are_not_scenario_files(tmp_path, make, phrase):
    path = tmp_path / "scenario.toml"
    make(path)
    with pytest.raises(ScenarioError) as info:
        read_scenario_text(str(path))
    (problem,) = info.value.problems
    assert (problem.path, problem.given) == ("(scenario)", str(path))
    assert problem.allowed == phrase


def test_unreadable_paths_are_refused(tmp_path):
    for name in ("x" * 5000, "a\0b"):
        with pytest.raises(ScenarioError, match="cannot be read"):
            read_scenario_text(str(tmp_path / name))


def test_a_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf[scenario]\nname = \"bom\"\n")
    assert load_scenario(str(path)).name == "bom"


def test_text_that_utf8_cannot_encode():
    problem = only_problem("# \udc80\n[collector]\nmud_dry_t_per_day = 350\n")
    assert (problem.path, problem.given) == ("(file)", "character 2 (line 1)")
    assert problem.allowed == "must be Unicode text that UTF-8 can encode (no lone surrogates)"


def test_values_too_long_to_show_are_shortened():
    problem = only_problem('[leaching]\nacid = "' + "H" * 100_000 + '"\n')
    assert problem.path == "leaching.acid"
    assert len(str(problem)) < 1500
    assert "<a string of 100002 characters>" in repr(problem.given)


# ---------------------------------------------------------------------------------------------
# the command line

runner = CliRunner()

BAD_FILES = {
    "stage.toml": ("[[collector]]\nmodel = \"campaign\"\n", "collector"),
    "tower.toml": ('[deposit]\nwater_depth_m = "9**9**8 m"\n', "deposit.water_depth_m"),
    "comma.toml": ('[collector]\navailability = "0,5 %"\n', "collector.availability"),
    "digits.toml": ("[collector]\nmud_dry_t_per_day = " + "1" * 5000 + "\n",
                    "collector.mud_dry_t_per_day"),
    "deep.toml": ("[collector]\nmud_dry_t_per_day = " + "[" * 5000 + "]" * 5000 + "\n", "(file)"),
    "lognormal.toml": ('[collector]\nmud_dry_t_per_day = { dist = "lognormal", mu = 800, '
                       "sigma = 1 }\n", "collector.mud_dry_t_per_day"),
    "include.toml": ('include = "base.toml"\n', "include"),
    "model.toml": ("[collector]\nmodel = 5\n", "collector.model"),
    "latin1.toml": ("[scenario]\nname = \"caf\xe9\"\n", "(file)"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
@pytest.mark.parametrize("command", ["validate", "run"])
def test_cli_lists_the_problem_and_exits_2(tmp_path, name, command):
    text, field = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(text.encode("latin-1" if name == "latin1.toml" else "utf-8"))
    args = [command, str(path)] + (["--out", str(tmp_path / "out")] if command == "run" else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"{field}:" in result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_cli_refuses_a_directory(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a directory, not a scenario file" in result.stderr
    assert "Traceback" not in result.output
