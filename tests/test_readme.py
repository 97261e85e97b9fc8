"""The README's scenario example stays valid."""

import re
from pathlib import Path

from reemud.chain import run
from reemud.scenario import parse_scenario

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_scenario_example_runs():
    blocks = re.findall(r"```toml\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks
    sc = parse_scenario(blocks[0], "README example")
    assert sc.stages["deposit"].params.water_depth_m == 5800.0
    assert sc.stages["collector"].params.availability == 0.6
    assert "collector.mud_dry_t_per_day" in sc.uncertain
    result = run(sc)
    assert result.records["leaching"].acid == "H2SO4"
