"""Fit the two calibrated parameters of the bundled meti-jogmec-2016 scenario and write them in.

Run after changing the economics: ``.venv/bin/python scripts/fit_meti.py``. Capital over the life
is linear in the reference offshore capital and revenue in the price multiplier, so two runs fix
each: ``offshore_capex_ref_usd`` so the capital is JPY 262.2 bn, ``price_multiplier`` so the
revenue is JPY 23.7 bn/yr. The literature cases meti-jogmec-2016-* check the result.
"""

import re
from pathlib import Path

from reemud.chain import run
from reemud.datafiles import data_path
from reemud.literature import CASES, METI, meti_measures
from reemud.scenario import load_scenario
from reemud.uncertainty import with_values

FITS = {"offshore_capex_ref_usd": ("capital", CASES["meti-jogmec-2016-capital"].published),
        "price_multiplier": ("revenue", CASES["meti-jogmec-2016-revenue"].published)}


def main() -> None:
    sc = load_scenario(METI)
    path = Path(data_path("scenarios")) / f"{METI}.toml"
    text = path.read_text(encoding="utf-8")
    for name, (measure, target) in FITS.items():
        x0 = float(getattr(sc.stages["economics"].params, name))
        y0 = meti_measures(run(with_values(sc, {f"economics.{name}": x0})))[measure]
        y1 = meti_measures(run(with_values(sc, {f"economics.{name}": 2 * x0})))[measure]
        x = x0 + (target - y0) * x0 / (y1 - y0)
        text, n = re.subn(rf"^{name} = [^#\n]*#", f"{name} = {x:.6g}  #", text, flags=re.M)
        assert n == 1, name
        print(f"{name} = {x:.6g}")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
