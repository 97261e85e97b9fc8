"""The README's scenario example stays valid."""

import re
from pathlib import Path

from reemud.chain import run
from reemud.scenario import parse_scenario

README = Path(__file__).resolve().parents[1] / "README.md"


def _commands_and_output(prefix: str) -> list[tuple[str, list[str]]]:
    """Every README line starting with ``prefix`` and the lines shown after it (to the next
    command or the end of the block)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines):
        if line.startswith(prefix):
            shown = []
            for after in lines[i + 1:]:
                if after.startswith(("$ ", "```")):
                    break
                shown.append(after)
            out.append((line, shown))
    return out


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

    calls = _commands_and_output("$ reemud breakeven ")
    assert len(calls) == 3
    for command, shown in calls:
        result = CliRunner().invoke(app, command.split()[2:], env={"COLUMNS": "300"})
        assert result.exit_code == 0, result.output
        assert result.stdout.rstrip("\n").splitlines() == shown, command


def test_readme_market_examples_are_the_programs_output(tmp_path, monkeypatch):
    """Every `$ reemud market …` line of the README is followed by what it prints (a fresh store)."""
    from typer.testing import CliRunner

    from reemud.cli import app

    calls = _commands_and_output("$ reemud market ")
    assert len(calls) == 4
    monkeypatch.chdir(tmp_path)
    for command, shown in calls:
        result = CliRunner().invoke(app, command.split()[2:], env={"COLUMNS": "100"})
        assert result.exit_code == 0, result.output
        assert [x.rstrip() for x in result.stdout.rstrip("\n").splitlines()] == \
            [x.rstrip() for x in shown], command


def test_readme_market_scenario_example_validates():
    from reemud.security.scenario import parse_market_scenario

    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    market = [b for b in blocks if "[[disruption]]" in b]
    assert len(market) == 1
    sc = parse_market_scenario(market[0], "README market example")
    assert sc.disruptions[0].importers == ("JP",)
    assert set(sc.uncertain) == {"market.demand_elasticity_scale", "disruption[0].let_through"}


def test_readme_prose_figures_are_the_programs(results):
    """The numbers the README's prose quotes are what the program computes, as rounded there."""
    from reemud.literature import max_throughput_at, meti_measures
    from reemud.slate import split_gains

    text = " ".join(README.read_text(encoding="utf-8").split())  # prose wraps anywhere
    trial, commercial = results["minamitorishima-2027"], results["minamitorishima-commercial"]
    k, feed, lift = trial.kpis, trial.records["collector"], trial.records["lifting"]
    camp = trial.diagnostics["collector"]["campaign"]
    days = trial.scenario.stages["collector"].params.campaign_days
    spec, floor = k["lift_specific_energy_kwh_per_dry_t"], lift.energy_floor_kwh_per_dry_t
    kc = commercial.kpis
    cov = kc["japan_demand_coverage"]
    opex = commercial.records["economics"].opex_usd_per_year
    fixed = sum(opex[a] for a in ("maintenance", "insurance and property tax", "plant overhead",
                                  "administration"))
    heavy = next(r for r in split_gains(commercial.scenario) if r["product"] == "Er+Tm+Yb+Lu")
    meti = meti_measures(results["meti-jogmec-2016"])
    conc = commercial.records["beneficiation"]
    residue_t = (conc.dry_t_per_year * (1 - conc.apatite_fraction_concentrate)
                 * conc.wet_t_per_year / conc.dry_t_per_year)

    def pct(x):
        return f"{100 * x:.0f} %"

    phrases = [
        f"needs {k['lift_power_kw']:.0f} kW at {feed.lift_rate_dry_t_per_h:.1f} t/h",
        f"({spec:.1f} kWh per dry tonne, {spec / floor:.1f} × the buoyancy-corrected floor of "
        f"{floor:.1f} kWh/t)",
        f"~{round(max_throughput_at(5600.0), -2):,.0f} t/day within Chikyu's 35 MW",
        f"each spot holds only ~{camp['spot_dry_t']:.0f} t of dry mud",
        f"lifting fills {pct(camp['lifting_fraction'])} of the time",
        f"pipe running ({camp['mean pipe running h'] / 24:.1f} days",
        f"takes another {pct(camp['mean pipe running h'] / (days * 24))}",
        f"delivers {camp['tonnes_mean']:,.0f} ± {camp['tonnes_standard_error']:.0f} t of dry mud",
        f"~{camp['tonnes_mean'] / (days * camp['working_fraction']):.0f} t per working day",
        f"~US${k['campaign_cost_usd'] / 1e6:.0f} M in vessel days",
        f"~US${round(k['campaign_cost_usd_per_t_mud'], -3):,.0f} per tonne of the "
        f"~{k['campaign_tonnes_mean']:,.0f} t it lifts, which yield ~{k['campaign_reo_kg']:,.0f} "
        "kg of oxide",
        f"~US${round(k['programme_cost_usd_per_t_mud'], -3):,.0f} per tonne of that mud and "
        f"~US${round(k['programme_cost_usd_per_kg_reo'], -3):,.0f} per kg of its oxide",
        f"~{k['spot_cycle_h']:.1f} h against the ~{k['spot_cycle_h_for_target']:.1f} h that "
        "350 t/day would need",
        f"~{k['reo_production_t_per_year']:.0f} t of oxides a year at "
        f"~US${round(k['unit_cost_usd_per_kg_reo'], -1):,.0f}/kg",
        f"~US${k['revenue_usd_per_year'] / k['reo_production_t_per_year'] / 1000:.0f}/kg of revenue",
        f"NPV −US${-k['npv_usd'] / 1e9:.1f} billion",
        f"~{k['break_even_price_multiplier']:.0f}× those of 2024",
        f"~US${kc['unit_cost_usd_per_kg_reo']:.0f}/kg of oxide and makes ~{pct(cov['total'])} of "
        f"Japan's 2024 rare-earth demand ({pct(cov['Y'])} of its Y, {pct(cov['Eu'])} of its Eu)",
        f"it breaks even at ~{kc['break_even_price_multiplier']:.1f}× 2024 prices",
        f"overheads: ~US${fixed / 1e6:.0f} M/yr)",
        f"group earns ~US${heavy['revenue_usd_per_year'] / 1e6:.1f} M/yr more but needs "
        f"~US${heavy['capex_usd'] / 1e6:.1f} M more SX capital, so its NPV moves by "
        f"−US${-heavy['npv_usd'] / 1e6:.1f} M",
        f"its ~{residue_t / 1e6:.2f} Mt of wet leach residue a year "
        f"(~US${opex['residue disposal'] / 1e6:.0f} M/yr at ¥20,000/t)",
        f"comes out at ¥{meti['initial capital'] / 1e9:.0f} bn and its ¥63 bn/yr of cost at "
        f"¥{meti['annual cost'] / 1e9:.0f} bn/yr",
        f"(about US${kc['opex_usd_per_year'] / 1e6:.0f} M/yr at 3,500 t/day) exceeds the revenue "
        f"(about US${kc['revenue_usd_per_year'] / 1e6:.0f} M/yr)",
        f"the profile's {round(kc['mined_grade_ppm'], -1):,.0f} ppm",
    ]
    missing = [p for p in phrases if p not in text]
    assert not missing, missing
    per_day = f"~{camp['tonnes_mean'] / (days * camp['working_fraction']):.0f} t per working day"
    assert per_day in trial.scenario.description  # the scenario says what it computes
