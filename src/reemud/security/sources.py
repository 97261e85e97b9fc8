"""One scale for every source: cost per kg of Nd and of Dy oxide, energy and CO₂, with provenance.

Published costs (``data/source_costs.csv``) are put on a per-kg-oxide basis two ways (docs/models/
sources.md §4): **co-product credit**, C_t = (C − Σ_{i≠t} w_i p_i) / w_t, where C is the cost per
kg of mixed oxide, w the source's oxide mass shares and p the price deck (the other oxides are
sold at the deck; negative when they pay for more than the whole), and **value allocation**,
c_t = C · p_t / Σ w_i p_i (``reemud.economics.allocate_unit_cost``). Both are increasing and
linear in C, so a range of C maps to a range of each. A source whose cost is not published stays
NaN and says so. The mud comes from the chain (its levelised unit cost, energy and CO₂ per kg
REO) and its uncertainty from a Monte Carlo of the commercial concept
(``data/scenarios/uncertain/commercial-uncertain.toml``); seawater and bio-sorbents from
``reemud.sources``; published energy and CO₂ of the other sources from
``data/source_footprints.csv``.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from reemud.datafiles import read_table
from reemud.economics import allocate_unit_cost
from reemud.elements import INDEX, OXIDE_FACTOR
from reemud.market import data as md
from reemud.scenario import load_scenario, scenarios_dir
from reemud.security.model import chain_run, reference_prices
from reemud.sources import biosorption, seawater
from reemud.uncertainty import monte_carlo

TARGETS = ("Nd", "Dy")
"""Elements the comparison prices (per kg of their oxide)."""

MUD_SCENARIO = "minamitorishima-commercial"
"""The chain scenario the mud's entry comes from (the METI/JOGMEC production concept)."""

MUD_UNCERTAIN = "uncertain/commercial-uncertain.toml"
"""The same concept with its uncertain economics (under ``data/scenarios``): the mud's range."""

MUD_DRAWS = 256
"""Latin-hypercube draws of the mud's range (seed 0); measured: their P5 and P95 of the unit
cost are within 0.5 % of those of 1,024 draws."""

RANGE_PERCENTILES = (5.0, 95.0)
"""The mud's range: the 90 % interval of its Monte Carlo draws [%]."""

def credit_cost(cost_per_kg_mix, shares, prices, target: str):
    """Co-product-credit cost of ``target``'s oxide [US$/kg]: (C − Σ_{i≠t} w_i p_i) / w_t.

    ``cost_per_kg_mix`` may be an array (draws); NaN where the source has none of ``target``.
    """
    t = INDEX[target]
    w = np.asarray(shares, dtype=float)
    c = np.asarray(cost_per_kg_mix, dtype=float)
    if w[t] <= 0:
        return np.full(c.shape, np.nan) if c.ndim else float("nan")
    others = float(np.dot(np.delete(w, t), np.delete(np.asarray(prices, dtype=float), t)))
    out = (c - others) / float(w[t])
    return out if out.ndim else float(out)


def _per_target(cost, shares, prices, basis: str, t: str) -> tuple[float, float]:
    """(credit, value) cost of ``t``'s oxide from a source's cost on its ``basis``."""
    if basis == "reo" and shares is not None:
        if shares[INDEX[t]] <= 0:
            return float("nan"), float("nan")
        value = float(allocate_unit_cost(cost, shares, prices, basis="value")[INDEX[t]])
        return float(credit_cost(cost, shares, prices, t)), value
    if basis == "element" or (basis == "ndpr" and t == "Nd"):
        value = float(cost[t] if isinstance(cost, dict) else cost)
        return value, value
    return float("nan"), float("nan")


def _entry(name, basis, cost, shares, prices, provenance, *, low=np.nan, high=np.nan,
           range_text="") -> dict:
    """One source's row: cost of each target oxide (credit, value) with its range, provenance.

    ``low`` and ``high`` bound ``cost`` on the same basis (NaN: no range); ``range_text`` says
    where the range comes from. Energy and CO₂ are added by :func:`_with_footprint`.
    """
    row = {"source": name, "basis": basis, "provenance": provenance, "range": range_text}
    for t in TARGETS:
        row[f"credit_usd_per_kg_{t}"], row[f"value_usd_per_kg_{t}"] = _per_target(
            cost, shares, prices, basis, t)
        for end, c in (("low", low), ("high", high)):  # NaN (no range) stays NaN
            row[f"credit_usd_per_kg_{t}_{end}"], row[f"value_usd_per_kg_{t}_{end}"] = \
                _per_target(c, shares, prices, basis, t)
    return row


FOOTPRINT_KEYS = ("kwh_per_kg", "kwh_per_kg_low", "kwh_per_kg_high", "kg_co2_per_kg",
                  "kg_co2_per_kg_low", "kg_co2_per_kg_high")
"""Energy [kWh] and CO₂ [kg CO₂-eq] per kg of the footprint's basis, with their ranges."""


def _with_footprint(row: dict, values, basis: str, provenance: str) -> dict:
    """``row`` with its energy and CO₂ per kg (``values`` in :data:`FOOTPRINT_KEYS` order)."""
    return {**row, **dict(zip(FOOTPRINT_KEYS, map(float, values), strict=True)),
            "footprint_basis": basis, "footprint_provenance": provenance}


def _provenance(row: dict) -> str:
    """A data row's source, its assumption, or both (``source_text; assumed: ...``)."""
    if row["source_text"] and row["assumed"]:
        return f"{row['source_text']}; assumed: {row['assumed']}"
    return row["source_text"] or row["assumed"]


@cache
def footprints() -> dict[str, dict]:
    """Published energy and CO₂ per kg of the mines and recycling (``source_footprints.csv``)."""
    out = {}
    for r in read_table("source_footprints.csv"):
        out[r["source"]] = {"values": [float(r[k]) for k in FOOTPRINT_KEYS],
                            "basis": r["footprint_basis"], "provenance": _provenance(r)}
    return out


@cache
def mud_cost_draws(n: int = MUD_DRAWS, seed: int = 0) -> np.ndarray:
    """The mud's levelised unit cost over ``n`` draws of its uncertain economics [US$/kg REO]."""
    scenario = load_scenario(scenarios_dir() / MUD_UNCERTAIN)
    cost = np.asarray(monte_carlo(scenario, n, seed=seed).outputs["unit_cost_usd_per_kg_reo"])
    cost.setflags(write=False)
    return cost


def _mud(prices) -> dict:
    result = chain_run(MUD_SCENARIO)
    oxide = np.asarray(result.records["refining"].oxide_t_per_year, dtype=float)
    k = result.kpis
    low, high = np.nanpercentile(mud_cost_draws(), RANGE_PERCENTILES)
    row = _entry("mud (chain)", "reo", k["unit_cost_usd_per_kg_reo"], oxide / oxide.sum(),
                 prices, f"reemud chain, scenario {MUD_SCENARIO}: levelised unit cost "
                 f"{k['unit_cost_usd_per_kg_reo']:.4g} US$/kg REO",
                 low=low, high=high, range_text=f"P5-P95 of {MUD_DRAWS} Monte Carlo draws of "
                 "the offshore capex, environmental baseline and discount rate "
                 f"(data/scenarios/{MUD_UNCERTAIN}, seed 0)")
    kwh, co2 = k["energy_kwh_per_kg_reo"], k["co2_kg_per_kg_reo"]
    return _with_footprint(row, (kwh, np.nan, np.nan, co2, np.nan, np.nan), "kg REO",
                           f"the chain's energy and CO₂ (scenario {MUD_SCENARIO}); no range: "
                           "the Monte Carlo draws change the economics only")


def _seawater() -> list[dict]:
    prm = seawater.parameters()
    p = {k: v["value"] for k, v in prm.items()}
    energy = seawater.chain_energy_defaults()
    c = seawater.concentrations_ng_per_l()

    def pumped(t, head, efficiency, recovery):
        # per kg of element → per kg of oxide: divide by the oxide factor
        out = seawater.pumped_plant(c[t], head, efficiency, recovery, energy["usd_per_kwh"],
                                    energy["kg_co2_per_kwh"], p["density"])
        return {k: float(v) / OXIDE_FACTOR[INDEX[t]] for k, v in out.items()}

    corners = {"": ("value", "value", "value"), "low": ("low", "high", "high"),
               "high": ("high", "low", "low")}
    runs = {end: {t: pumped(t, *(prm[name][which] for name, which in zip(
        ("pump_head", "pump_efficiency", "pumped_recovery"), ends, strict=True)))
        for t in TARGETS} for end, ends in corners.items()}
    cost = {end: {t: runs[end][t]["usd_per_kg"] for t in TARGETS} for end in corners}
    u = prm["uranium_cost"]
    moored = {end: {t: float(seawater.uranium_analogy(c[t], c["U"], u[which],
                                                       p["uranium_loading"])["usd_per_kg"])
                    / OXIDE_FACTOR[INDEX[t]] for t in TARGETS}
              for end, which in (("", "value"), ("low", "low"), ("high", "high"))}
    nd = {end: runs[end]["Nd"] for end in corners}
    pumped_row = _entry(
        "seawater, pumped plant (pumping only)", "element", cost[""], None, None,
        "reemud.sources.seawater: CRC concentrations, 10 m head, efficiency 0.8, recovery 0.8 "
        "(assumed); the chain's electricity price", low=cost["low"], high=cost["high"],
        range_text="the assumed ranges of head (5-20 m), efficiency (0.7-0.85) and recovery "
                   "(0.5-0.95) of data/seawater_parameters.csv")
    moored_row = _entry(
        "seawater, moored sorbent (uranium analogy)", "element", moored[""], None, None,
        "US$1,230/kg U (Schneider & Sachde) scaled by the concentration ratio to uranium "
        "(docs/models/sources.md §3.2)", low=moored["low"], high=moored["high"],
        range_text="the uranium cost range US$326-1,430/kg U")
    footprint = [nd[end][key] for key in ("kwh_per_kg", "kg_co2_per_kg") for end in corners]
    return [
        _with_footprint(pumped_row, footprint, "kg Nd₂O₃",
                        "pumping electricity at the chain's grid CO₂, for Nd (Dy: × "
                        f"{c['Nd'] / c['Dy'] * OXIDE_FACTOR[INDEX['Nd']] / OXIDE_FACTOR[INDEX['Dy']]:.3g}"
                        ", its lower concentration)"),
        _with_footprint(moored_row, [np.nan] * 6, "-",
                        "NOT FOUND: no published energy or CO₂ of moored sorbents for rare "
                        "earths; uranium's are not carried over"),
    ]


def _biosorption() -> dict:
    r = biosorption.sorbents()[("chlorella-vulgaris", "Nd")]
    ranges = biosorption.sorbent_ranges("chlorella-vulgaris", "Nd")

    def nd(cycles, desorbed, price):
        return float(biosorption.sorbent_per_kg(r["q_max_mg_per_g"], cycles, desorbed, price)
                     ["usd_per_kg"]) / OXIDE_FACTOR[INDEX["Nd"]]

    # cheapest: most cycles, most desorbed, lowest price; dearest: the opposite
    low = nd(ranges["cycles"][1], ranges["desorption_fraction"][1], ranges["price_usd_per_kg"][0])
    high = nd(ranges["cycles"][0], ranges["desorption_fraction"][0],
              ranges["price_usd_per_kg"][1])
    row = _entry("biosorption, Chlorella vulgaris (sorbent only)", "element",
                 {"Nd": nd(r["cycles"], r["desorption_fraction"], r["price_usd_per_kg"]),
                  "Dy": float("nan")}, None, None,
                 "sorbent only at saturation (q_max 188.68 mg/g, Kucuker et al. 2017) with "
                 "assumed reuse (10 cycles, 90 % desorbed) and price (US$10/kg): a lower bound; "
                 "no Dy isotherm published", low={"Nd": low, "Dy": float("nan")},
                 high={"Nd": high, "Dy": float("nan")},
                 range_text="the assumed ranges of cycles, desorbed share and price "
                            "(data/sorbents.csv)")
    return _with_footprint(row, [np.nan] * 6, "-", "NOT FOUND: no published energy or CO₂ "
                           "per kg of rare earth recovered by a bio-sorbent")


@cache
def comparison(deck: str = "usgs-argus-2024") -> tuple[dict, ...]:
    """Every source on one scale: US$ per kg of Nd₂O₃ and Dy₂O₃, energy and CO₂ per kg.

    Each row carries the credit and value costs of each target with their ``_low``/``_high``
    range (NaN: none published), ``range`` (where the range comes from), ``provenance``, the
    footprint (:data:`FOOTPRINT_KEYS`), ``footprint_basis`` and ``footprint_provenance``.
    """
    from reemud.stages.common import price_decks

    prices = np.asarray(price_decks()[deck], dtype=float) if deck else reference_prices()
    comps = md.compositions()
    prints = footprints()
    rows = []
    for r in read_table("source_costs.csv"):
        low, high = float(r["low"]), float(r["high"])
        ranged = np.isfinite(low) and np.isfinite(high) and low != high
        row = _entry(r["source"], r["basis"], float(r["usd_per_kg"]), comps[r["composition"]],
                     prices, _provenance(r), low=low if ranged else np.nan,
                     high=high if ranged else np.nan,
                     range_text="published low-high (data/source_costs.csv)" if ranged else "")
        f = prints[r["source"]]
        rows.append(_with_footprint(row, f["values"], f["basis"], f["provenance"]))
    rows.append(_mud(prices))
    rows.extend(_seawater())
    rows.append(_biosorption())
    return tuple(rows)


HDD_MAGNET_ND_MG_PER_L = 250.0
"""Nd in the hard-disk magnet solution of Kucuker et al. (2017), doi:10.1371/journal.pone.0175255
(their initial concentration) [mg/L]; its other elements and ions are not stated."""

LIQUORS = ("pls", "hdd-magnet", "custom")
"""Liquors :func:`biosorb` takes: the chain's pregnant leach liquor, a magnet leachate, or one
the caller gives (an industrial wastewater: ``custom`` with its concentrations)."""

IONS = ("Fe", "Ca")
"""Competing ions a liquor states [mg/L]."""

DEFAULT_DOSE_G_PER_L = 1.0
"""Sorbent dose of :func:`biosorb` [g/L]: assumed (no dose is published for these liquors)."""


def liquor(name: str, leaching=None, mg_per_l: dict | None = None) -> dict:
    """A liquor's REY (mg/L, REY order) and its competing ions Fe³⁺ and Ca²⁺ [mg/L].

    ``pls``: the chain's pregnant leach liquor, REY = ``rey_t_per_year`` /
    ``liquor_m3_per_year`` × 10⁶ and the ions from ``composition_g_per_l`` × 1000, of the
    ``leaching`` record given (default: the commercial concept's). ``hdd-magnet``: Kucuker et
    al.'s (2017) Nd solution; its Fe and Ca are not published (NaN). ``custom``: the
    concentrations ``mg_per_l`` by symbol (REY, Fe, Ca; an ion not given is NaN, not zero).
    """
    if name == "custom":
        given = mg_per_l or {}
        rey = np.zeros(len(INDEX))
        for symbol, value in given.items():
            if symbol in INDEX:
                rey[INDEX[symbol]] = float(value)
        return {"rey_mg_per_l": rey,
                "ions_mg_per_l": {ion: float(given.get(ion, np.nan)) for ion in IONS},
                "source": "the concentrations given (--mg-per-l)"}
    if name == "hdd-magnet":
        rey = np.zeros(len(INDEX))
        rey[INDEX["Nd"]] = HDD_MAGNET_ND_MG_PER_L
        return {"rey_mg_per_l": rey, "ions_mg_per_l": {"Fe": np.nan, "Ca": np.nan},
                "source": "hard-disk magnet solution, Nd 250 mg/L (Kucuker et al. 2017); its "
                          "Fe and Ca are not published"}
    leaching = leaching if leaching is not None else chain_run(MUD_SCENARIO).records["leaching"]
    rey = np.asarray(leaching.rey_t_per_year, dtype=float) / leaching.liquor_m3_per_year * 1e6
    ions = {ion: float(leaching.composition_g_per_l.get(ion, np.nan)) * 1000.0 for ion in IONS}
    return {"rey_mg_per_l": rey, "ions_mg_per_l": ions,
            "source": "the chain's pregnant leach liquor (leaching record: REY and ions over "
                      "the liquor volume)"}


def biosorb(liquor_name: str = "pls", dose_g_per_l: float = DEFAULT_DOSE_G_PER_L,
            leaching=None, mg_per_l: dict | None = None) -> tuple[dict, ...]:
    """Every published sorbent–element isotherm applied to a liquor in one batch contact.

    For each (sorbent, element) of ``sorbents.csv`` present in the liquor: equilibrium
    concentration, loading, share removed, recovered mg/L and sorbent [kg] and its cost [US$]
    per kg of element recovered (``biosorption.batch_liquor``, sorbent only). Each element is
    taken alone: no competition isotherm with the other REY, Fe³⁺ or Ca²⁺ is published for
    these sorbents, so the uptake is an upper bound; the ions' concentrations are stated in
    ``competitors``. A sorbent without a published K_L gives NaN (and says so).
    """
    liq = liquor(liquor_name, leaching, mg_per_l)
    ions = ", ".join(f"{ion} {v:,.4g} mg/L" if np.isfinite(v) else f"{ion} not stated"
                     for ion, v in liq["ions_mg_per_l"].items())
    rows = []
    for (sorbent, symbol), r in biosorption.sorbents().items():
        c0 = float(liq["rey_mg_per_l"][INDEX[symbol]])
        if c0 <= 0:
            continue
        out = biosorption.batch_liquor(np.array([c0]), dose_g_per_l, np.array(
            [r["q_max_mg_per_g"]]), np.array([r["k_l_per_mg"]]), r["desorption_fraction"],
            r["cycles"])
        kg = float(out["kg_sorbent_per_kg"])
        others = [el for el, c in zip(INDEX, liq["rey_mg_per_l"], strict=True)
                  if c > 0 and el != symbol]
        note = "no K_L published: no equilibrium" if not np.isfinite(r["k_l_per_mg"]) else \
            "upper bound: competition not modelled (no isotherm of the other species published)"
        rows.append({"sorbent": sorbent, "element": symbol, "liquor": liquor_name,
                     "c0_mg_per_l": c0, "dose_g_per_l": float(dose_g_per_l),
                     "c_mg_per_l": float(out["c_mg_per_l"][0]),
                     "q_mg_per_g": float(out["q_mg_per_g"][0]),
                     "removed": 1.0 - float(out["c_mg_per_l"][0]) / c0,
                     "recovered_mg_per_l": float(out["recovered_total_mg_per_l"]),
                     "kg_sorbent_per_kg": kg, "usd_per_kg": kg * r["price_usd_per_kg"],
                     "competitors": f"{ions}; other REY {len(others)} elements"
                                    if others else ions,
                     "note": note, "liquor_source": liq["source"], "sorbent_source": r["source"]})
    return tuple(rows)
