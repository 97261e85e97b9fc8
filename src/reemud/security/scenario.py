"""Market scenarios: a TOML file of market settings and disruptions, validated like a chain scenario.

A market scenario has an optional ``[scenario]`` table (``name``, ``description``), an optional
``[market]`` table overriding the defaults of ``data/market_parameters.csv`` (numbers, quantity
strings with units, or distributions, exactly as a chain scenario's stage tables) and any number
of ``[[disruption]]`` tables::

    [[disruption]]
    name = "licences on Dy and Tb"
    supplier = "China"            # "China": export licences; a supplier or country: output cut
    elements = ["Dy", "Tb"]       # or "all"
    importers = ["JP"]            # or "all" (licences only)
    start = 2025-04-04            # a TOML date, "YYYY-MM", or a decimal year
    duration_months = 12          # or duration_years; neither: to the end of the horizon
    let_through = 0.5             # share let through (0 = embargo), or a distribution

Every problem of the whole file is reported at once, each naming the field, the value, what is
allowed and how to fix it. Bundled presets live in ``data/disruptions/`` and are addressed by
name.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import field_validator

from reemud import distributions
from reemud.datafiles import data_path, read_table
from reemud.elements import REY
from reemud.errors import Problem, ScenarioError
from reemud.market.data import IMPORTERS, suppliers
from reemud.scenario import (
    Distribution,
    bundled_scenarios,
    parse_distribution,
    parse_parameter_table,
    read_toml,
)
from reemud.stages.common import P, Params

EXPORTER = "China"
"""The supplier whose disruptions are export licences (a fraction let through per importer)."""

DRAWABLE = ("demand_elasticity_scale", "china_elasticity_ratio", "substitution_rate_per_year",
            "substitution_reversal_per_year", "supply_elasticity", "investment_response",
            "build_lag_years", "quota_growth_per_year", "release_share", "refill_rate_per_year",
            "china_price_floor")
"""``[market]`` parameters that may be distributions (the others fix the base market or the
horizon: run one scenario per value instead)."""

RECYCLING_MODELS = ("japan-stock-model", "none")
"""Values of ``market.recycling_model``: Japan's stock model (reemud.sources.recycling) or none."""

YEAR_RANGE = (1900.0, 2500.0)
"""Calendar years a disruption may start in."""


class MarketParams(Params):
    """Settings of a market simulation (``[market]``); defaults in data/market_parameters.csv."""

    start_year: int = P("year", "first calendar year simulated", ge=2009, le=2100)
    years: int = P("year", "number of years simulated", ge=1, le=200)
    periods_per_year: int = P("1/year", "periods per year: 1 (years) or 12 (months)")
    demand_elasticity_scale: float = P("", "factor on every element's calibrated price "
                                       "elasticity of demand", gt=0, le=20)
    china_elasticity_ratio: float = P("", "China's price elasticity of demand over the "
                                      "ex-China one", gt=0, le=20)
    substitution_rate_per_year: float = P("1/year", "share of the remaining demand substituted "
                                          "per year at a sustained price doubling", ge=0, le=1)
    substitution_reversal_per_year: float = P("1/year", "share of substituted demand that "
                                              "returns per year below the reference price",
                                              ge=0, le=1)
    supply_elasticity: float = P("", "short-run elasticity of a mine's output to its basket "
                                 "price below reference", ge=0, le=20)
    investment_response: float = P("1/year", "capacity ordered per year, as a share of capacity, per unit of "
                                   "ln(basket price over reference)", ge=0, le=20)
    build_lag_years: float = P("year", "years from an investment decision to new capacity",
                               ge=0.5, le=30)
    quota_growth_per_year: float = P("1/year", "growth of China's mining quota", ge=-0.5, le=1)
    release_share: float = P("", "share of an importer's licence shortfall released from its "
                             "stockpile while stock lasts", ge=0, le=1)
    china_price_floor: float = P("", "lowest multiple of its undisrupted price China's domestic "
                                 "price falls to while licences bind (the rest is held in China)",
                                 ge=0, le=10)
    refill_rate_per_year: float = P("1/year", "refill rate of a stockpile below target, as "
                                    "target per year", ge=0, le=12)
    china_demand_share: float = P("", "China's share of world oxide demand in the base year",
                                  gt=0, lt=1)
    japan_stock_fill: float = P("", "Japan's initial stockpile over its JOGMEC target", ge=0,
                                le=1)
    mud_scenario: str = P("", "chain scenario whose oxides the mud supplies (bundled name or "
                          "file), or \"none\"")
    mud_first_year: int = P("year", "calendar year of the mud project's first construction "
                            "period", ge=2009, le=2200)
    recycling_model: str = P("", "recycling supply: \"japan-stock-model\" (Japan's magnet "
                             "and NiMH stock model) or \"none\"")
    offtake_jp: float = P("", "share of the mud's oxides that goes to Japan", ge=0, le=1)
    offtake_us: float = P("", "share of the mud's oxides that goes to the US", ge=0, le=1)
    offtake_eu: float = P("", "share of the mud's oxides that goes to the EU", ge=0, le=1)
    plume_limit_jp_km2: float = P("km**2", "largest plume area Japan accepts", ge=0)
    plume_limit_us_km2: float = P("km**2", "largest plume area the US accepts", ge=0)
    plume_limit_eu_km2: float = P("km**2", "largest plume area the EU accepts", ge=0)
    co2_limit_jp_kg_per_kg: float = P("", "largest CO2 per kg REO Japan accepts [kg/kg]", ge=0)
    co2_limit_us_kg_per_kg: float = P("", "largest CO2 per kg REO the US accepts [kg/kg]", ge=0)
    co2_limit_eu_kg_per_kg: float = P("", "largest CO2 per kg REO the EU accepts [kg/kg]", ge=0)

    @field_validator("periods_per_year")
    @classmethod
    def _years_or_months(cls, v: int) -> int:
        if v not in (1, 12):
            raise ValueError("must be 1 (years) or 12 (months)")
        return v

    @classmethod
    def relations(cls, v):
        """The mud's offtake shares cannot exceed the whole."""
        total = v.offtake_jp + v.offtake_us + v.offtake_eu
        return [(total > 1.0 + 1e-12,
                 lambda: f"offtake_jp + offtake_us + offtake_eu must be <= 1 (got {total:g})")]


@dataclass(frozen=True)
class Disruption:
    """One disruption: who, what, to whom, from when, for how long, and how much gets through.

    ``start_year`` and ``end_year`` are decimal calendar years (``end_year`` ``inf``: to the end
    of the horizon). ``let_through`` is the nominal share let through; a distribution of it is
    in the scenario's ``uncertain`` under ``disruption[i].let_through``.
    """

    name: str
    supplier: str
    elements: tuple[str, ...]
    importers: tuple[str, ...]
    start_year: float
    end_year: float
    let_through: float

    @property
    def is_licence(self) -> bool:
        """Whether this is an export licence of China (else an output cut of a supplier)."""
        return self.supplier == EXPORTER


@dataclass(frozen=True)
class MarketScenario:
    """A validated market scenario: settings, disruptions, uncertain parameters, source text."""

    name: str
    description: str
    text: str
    params: MarketParams
    disruptions: tuple[Disruption, ...]
    uncertain: Mapping[str, Distribution]

    @property
    def sha256(self) -> str:
        """Hash of the scenario text [hex]."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def years(self):
        """Calendar time at the start of each period [yr]."""
        import numpy as np

        k = self.params.periods_per_year
        return self.params.start_year + np.arange(self.params.years * k) / k


@cache
def market_defaults() -> dict[str, Any]:
    """Defaults of ``[market]`` from ``data/market_parameters.csv`` (text; pydantic converts)."""
    return {row["name"]: row["value"] for row in read_table("market_parameters.csv")}


def _decimal_year(path: str, given: Any, problems: list[Problem]) -> float | None:
    """A TOML date, a ``"YYYY-MM"``/``"YYYY-MM-DD"`` string or a number as a decimal year."""
    if isinstance(given, dt.datetime):
        given = given.date()
    value = None
    if isinstance(given, dt.date) and YEAR_RANGE[0] <= given.year < YEAR_RANGE[1]:
        start = dt.date(given.year, 1, 1)
        days = (dt.date(given.year + 1, 1, 1) - start).days
        value = given.year + (given - start).days / days
    elif isinstance(given, int | float) and not isinstance(given, bool) and math.isfinite(given):
        value = float(given)
    if value is not None and YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
        return value
    if value is not None or isinstance(given, dt.date):
        problems.append(Problem(path, str(given), f"must lie between {YEAR_RANGE[0]:.0f} and "
                                f"{YEAR_RANGE[1]:.0f}", "write a calendar date such as "
                                "2025-04-04"))
        return None
    if isinstance(given, str):
        parts = given.strip().split("-")
        try:
            if len(parts) == 2:
                return _decimal_year(path, dt.date(int(parts[0]), int(parts[1]), 1), problems)
            if len(parts) == 3:
                return _decimal_year(path, dt.date(*map(int, parts)), problems)
        except (ValueError, OverflowError):
            pass
    problems.append(Problem(path, given, "must be a date (2025-04-04), \"YYYY-MM\" or a "
                            "decimal year (2025.25)", "write e.g. start = 2025-04-04"))
    return None


def _names(path: str, given: Any, known: tuple[str, ...], what: str,
           problems: list[Problem]) -> tuple[str, ...] | None:
    if given == "all":
        return known
    if not isinstance(given, list) or not given or not all(isinstance(x, str) for x in given):
        problems.append(Problem(path, given, f"must be \"all\" or a non-empty list of {what}",
                                f"write e.g. {path.rsplit('.', 1)[-1]} = [\"{known[0]}\"]"))
        return None
    bad = [x for x in given if x not in known]
    for x in bad:
        close = difflib.get_close_matches(x, known, n=1)
        hint = f"did you mean \"{close[0]}\"? " if close else ""
        extra = " (reemud tracks La-Lu and Y; Sc and Pm are not modelled)" if what == "elements" \
            else ""
        problems.append(Problem(path, x, f"is not one of the {what}{extra}",
                                f"{hint}known: {', '.join(known)}"))
    return None if bad else tuple(dict.fromkeys(given))


DISRUPTION_KEYS = ("name", "supplier", "elements", "importers", "start", "duration_months",
                   "duration_years", "let_through")


def parse_disruption(i: int, table: Any, problems: list[Problem],
                     uncertain: dict[str, Distribution]) -> Disruption | None:
    """Validate one ``[[disruption]]`` table (``i``: its position); ``None`` if it has problems."""
    where = f"disruption[{i}]"
    if not isinstance(table, Mapping):
        problems.append(Problem(where, table, "must be a table",
                                "write [[disruption]] followed by its keys"))
        return None
    found = len(problems)
    for key in table:
        if key not in DISRUPTION_KEYS:
            close = difflib.get_close_matches(key, DISRUPTION_KEYS, n=1)
            problems.append(Problem(f"{where}.{key}", table[key], "is not a disruption key",
                                    (f"did you mean `{close[0]}`? " if close else "")
                                    + f"keys: {', '.join(DISRUPTION_KEYS)}"))
    table = dict(table)
    sups = suppliers()
    known_suppliers = tuple(dict.fromkeys((EXPORTER, *sups.names, *sups.country)))
    supplier = table.get("supplier")
    if supplier not in known_suppliers:
        close = difflib.get_close_matches(str(supplier), known_suppliers, n=1)
        problems.append(Problem(f"{where}.supplier", supplier, "must be \"China\" (export "
                                "licences) or a supplier or country of market_suppliers.csv",
                                (f"did you mean \"{close[0]}\"? " if close else "")
                                + f"known: {', '.join(known_suppliers)}"))
    if supplier in known_suppliers and supplier != EXPORTER:
        elements = REY
        if table.get("elements", "all") != "all":
            problems.append(Problem(f"{where}.elements", table.get("elements"), "an output cut "
                                    "takes every element of the supplier's ore (they are mined "
                                    "together)", "remove elements (or write \"all\"), or set "
                                    "supplier = \"China\" for a licence on some elements"))
    else:
        elements = _names(f"{where}.elements", table.get("elements"), REY, "elements", problems)
    importers: tuple[str, ...] | None = IMPORTERS
    if supplier == EXPORTER or supplier not in known_suppliers:
        importers = _names(f"{where}.importers", table.get("importers"), IMPORTERS, "importers",
                           problems)
    elif table.get("importers", "all") != "all":
        problems.append(Problem(f"{where}.importers", table.get("importers"),
                                "an output cut reaches every importer",
                                "remove importers, or set supplier = \"China\" for a licence"))
    start = _decimal_year(f"{where}.start", table.get("start"), problems)
    months, years = table.get("duration_months"), table.get("duration_years")
    duration = math.inf
    if months is not None and years is not None:
        problems.append(Problem(f"{where}.duration_months", months, "give duration_months or "
                                "duration_years, not both", "remove one of them"))
    for key, value, per_year in (("duration_months", months, 12.0),
                                 ("duration_years", years, 1.0)):
        if value is None:
            continue
        if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
            problems.append(Problem(f"{where}.{key}", value, "must be a number > 0",
                                    f"write e.g. {key} = 2, or leave both durations out to "
                                    "last to the end of the horizon"))
        else:
            duration = float(value) / per_year
    given = table.get("let_through")
    let_through = None
    path = f"{where}.let_through"
    if isinstance(given, Mapping):
        dist = parse_distribution(path, given, "", problems)
        if dist is not None:
            ends = distributions.get(dist.kind).ends(dist.params)
            if ends is None or not all(0.0 <= e <= 1.0 for e in ends):
                problems.append(Problem(path, dict(given), "the distribution must stay within "
                                        "0-1 (a share let through): a bounded kind with its "
                                        "ends in 0-1", "write e.g. { dist = \"uniform\", "
                                        "low = 0.2, high = 0.6 }"))
            else:
                uncertain[path] = dist
                let_through = dist.nominal
    elif isinstance(given, int | float) and not isinstance(given, bool) and 0.0 <= given <= 1.0:
        let_through = float(given)
    else:
        problems.append(Problem(path, given, "must be a share between 0 (embargo) and 1 (no "
                                "restriction), or a distribution", "write e.g. let_through = 0.5"))
    if len(problems) > found:
        return None
    return Disruption(name=str(table.get("name", f"disruption {i}")), supplier=str(supplier),
                      elements=elements, importers=importers, start_year=start,
                      end_year=start + duration, let_through=let_through)


def parse_market_scenario(text: str, source: str = "market scenario") -> MarketScenario:
    """Parse and validate a market scenario's TOML text; ``ScenarioError`` lists every problem."""
    data = read_toml(text, source)
    problems: list[Problem] = []
    meta = data.pop("scenario", {})
    if not isinstance(meta, Mapping):
        problems.append(Problem("scenario", meta, "must be a table", "write [scenario] with "
                                "name = \"...\" and description = \"...\""))
        meta = {}
    table = data.pop("market", {})
    raw = data.pop("disruption", [])
    for key in data:
        problems.append(Problem(key, "(table)", "is not a table of a market scenario; tables are "
                                "[scenario], [market] and [[disruption]]", "remove it or rename it"))
    uncertain: dict[str, Distribution] = {}
    if not isinstance(table, Mapping):
        problems.append(Problem("market", table, "must be a table", "write [market] and its keys"))
        table = {}
    params = parse_parameter_table("market", "market", MarketParams, market_defaults(), table,
                                   problems, uncertain)
    for path, dist in list(uncertain.items()):
        name = path.split(".", 1)[1]
        if name not in DRAWABLE:
            problems.append(Problem(path, dist.kind, "cannot be a distribution: it fixes the base "
                                    "market or the horizon", "give one value and run one "
                                    "scenario per value; distributions are allowed for "
                                    + ", ".join(DRAWABLE)))
        elif distributions.get(dist.kind).ends(dist.params) is None:
            problems.append(Problem(path, dist.kind, "must be a bounded distribution (uniform, "
                                    "triangular, pert, discrete, empirical): an unbounded one "
                                    "draws values the parameter does not allow",
                                    "use e.g. { dist = \"triangular\", low = 0.5, mode = 1, "
                                    "high = 1.5 }"))
    if not isinstance(raw, list):
        problems.append(Problem("disruption", raw, "must be an array of tables",
                                "write each one as [[disruption]]"))
        raw = []
    disruptions = [parse_disruption(i, t, problems, uncertain) for i, t in enumerate(raw)]
    if params is not None and params.mud_scenario != "none" \
            and params.mud_scenario not in bundled_scenarios() \
            and not Path(params.mud_scenario).is_file():
        problems.append(Problem("market.mud_scenario", params.mud_scenario, "must be \"none\", a "
                                f"bundled scenario ({', '.join(bundled_scenarios())}) or a file",
                                "check the name with `reemud scenarios list`"))
    if params is not None and params.recycling_model not in RECYCLING_MODELS:
        problems.append(Problem("market.recycling_model", params.recycling_model,
                                f"must be one of {', '.join(RECYCLING_MODELS)}",
                                "write recycling_model = \"japan-stock-model\" or \"none\""))
    if params is not None:
        first = params.start_year
        last = params.start_year + params.years
        for i, d in enumerate(disruptions):
            if d is not None and (d.end_year <= first or d.start_year >= last):
                problems.append(Problem(f"disruption[{i}].start", round(d.start_year, 4),
                                        f"the disruption must overlap the simulated years "
                                        f"{first}-{last}", "move start, or change "
                                        "market.start_year / market.years"))
    if problems:
        raise ScenarioError(problems, source)
    return MarketScenario(name=str(meta.get("name", Path(source).stem)),
                          description=str(meta.get("description", "")), text=text, params=params,
                          disruptions=tuple(disruptions), uncertain=MappingProxyType(uncertain))


def presets_dir() -> Path:
    """Folder of the bundled disruption presets."""
    return data_path("disruptions")


def presets() -> dict[str, Path]:
    """Bundled disruption presets by name."""
    return {p.stem: p for p in sorted(presets_dir().glob("*.toml"))}


def load_market_scenario(name_or_path: str) -> MarketScenario:
    """Load a bundled preset by name, or a market scenario file by path, and validate it."""
    known = presets()
    if name_or_path in known:
        return parse_market_scenario(known[name_or_path].read_text(encoding="utf-8"), name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        raise ScenarioError([Problem("(market scenario)", name_or_path,
                                     f"must be a bundled preset ({', '.join(known)}) or a file",
                                     "list the presets with `reemud market presets`")], name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem("(file)", str(path), "must be a readable UTF-8 text file",
                                     f"check the file ({exc})")], str(path)) from None
    return parse_market_scenario(text, str(path))
