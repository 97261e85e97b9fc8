"""The README's scenario example stays valid."""

import re
from pathlib import Path

from reemud.chain import run
from reemud.scenario import parse_scenario

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_scenario_example_runs():
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    blocks = [b for b in blocks if "[deposit]" in b]
    assert blocks
    sc = parse_scenario(blocks[0], "README example")
    assert sc.stages["deposit"].params.water_depth_m == 5800.0
    assert sc.stages["collector"].params.availability == 0.6
    assert "collector.mud_dry_t_per_day" in sc.uncertain
    result = run(sc)
    assert result.records["leaching"].acid == "H2SO4"


def test_readme_worked_example_is_the_programs_output(tmp_path, monkeypatch):
    """The worked example's table is what `reemud run --out out` prints, to the last digit."""
    from typer.testing import CliRunner

    from reemud.cli import app

    text = README.read_text(encoding="utf-8")
    shown = text.split("Real output of this version:\n\n```\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["run", "--out", "out"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert result.output.strip("\n") == shown.strip("\n")


def test_readme_monte_carlo_example_is_the_programs_output():
    """The Monte Carlo table is what `reemud mc examples/commercial-uncertain.toml -n 256` prints."""
    from typer.testing import CliRunner

    from reemud.cli import app

    text = README.read_text(encoding="utf-8")
    start = text.rindex("\n", 0, text.index("commercial-uncertain: 256 draws")) + 1
    shown = text[start:text.index("```", start)]
    example = str(README.parent / "examples" / "commercial-uncertain.toml")
    result = CliRunner().invoke(app, ["mc", example, "-n", "256"], env={"COLUMNS": "132"})
    assert result.exit_code == 0, result.output
    printed = [line.rstrip() for line in result.stdout.strip("\n").splitlines()]
    assert printed == [line.rstrip() for line in shown.strip("\n").splitlines()]


def test_readme_breakeven_examples_are_the_programs_output():
    """Every `$ reemud breakeven …` line of the README is followed by what the command prints."""
    from typer.testing import CliRunner

    from reemud.cli import app

    lines = README.read_text(encoding="utf-8").splitlines()
    calls = [i for i, line in enumerate(lines) if line.startswith("$ reemud breakeven ")]
    assert len(calls) == 3
    for i in calls:
        shown = []
        for line in lines[i + 1:]:
            if line.startswith(("$ ", "```")):
                break
            shown.append(line)
        result = CliRunner().invoke(app, lines[i].split()[2:], env={"COLUMNS": "300"})
        assert result.exit_code == 0, result.output
        assert result.stdout.rstrip("\n").splitlines() == shown, lines[i]


def test_readme_market_examples_are_the_programs_output(tmp_path, monkeypatch):
    """Every `$ reemud market …` line of the README is followed by what it prints (a fresh store)."""
    from typer.testing import CliRunner

    from reemud.cli import app

    lines = README.read_text(encoding="utf-8").splitlines()
    calls = [i for i, line in enumerate(lines) if line.startswith("$ reemud market ")]
    assert len(calls) == 2
    monkeypatch.chdir(tmp_path)
    for i in calls:
        shown = []
        for line in lines[i + 1:]:
            if line.startswith(("$ ", "```")):
                break
            shown.append(line)
        result = CliRunner().invoke(app, lines[i].split()[2:], env={"COLUMNS": "100"})
        assert result.exit_code == 0, result.output
        assert [x.rstrip() for x in result.stdout.rstrip("\n").splitlines()] == \
            [x.rstrip() for x in shown], lines[i]


def test_readme_market_scenario_example_validates():
    from reemud.security.scenario import parse_market_scenario

    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    market = [b for b in blocks if "[[disruption]]" in b]
    assert len(market) == 1
    sc = parse_market_scenario(market[0], "README market example")
    assert sc.disruptions[0].importers == ("JP",)
    assert set(sc.uncertain) == {"market.demand_elasticity_scale", "disruption[0].let_through"}
