"""One scale for every source: cost per kg of Nd and of Dy oxide, energy and CO₂, with provenance.

Published costs (``data/source_costs.csv``) are put on a per-kg-oxide basis two ways (docs/models/
sources.md §4): **co-product credit**, C_t = (C − Σ_{i≠t} w_i p_i) / w_t, where C is the cost per
kg of mixed oxide, w the source's oxide mass shares and p the price deck (the other oxides are
sold at the deck; negative when they pay for more than the whole), and **value allocation**,
c_t = C · p_t / Σ w_i p_i (``reemud.economics.allocate_unit_cost``). A source whose cost is not
published stays NaN and says so. The mud comes from the chain (its levelised unit cost, energy
and CO₂ per kg REO); seawater and bio-sorbents from ``reemud.sources``.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from reemud.datafiles import read_table
from reemud.economics import allocate_unit_cost
from reemud.elements import INDEX, OXIDE_FACTOR
from reemud.market import data as md
from reemud.security.model import chain_run, reference_prices
from reemud.sources import biosorption, seawater

TARGETS = ("Nd", "Dy")
"""Elements the comparison prices (per kg of their oxide)."""

MUD_SCENARIO = "minamitorishima-commercial"
"""The chain scenario the mud's entry comes from (the METI/JOGMEC production concept)."""


def credit_cost(cost_per_kg_mix, shares, prices, target: str) -> float:
    """Co-product-credit cost of ``target``'s oxide [US$/kg]: (C − Σ_{i≠t} w_i p_i) / w_t."""
    t = INDEX[target]
    w = np.asarray(shares, dtype=float)
    if w[t] <= 0:
        return float("nan")
    others = float(np.dot(np.delete(w, t), np.delete(np.asarray(prices, dtype=float), t)))
    return (float(cost_per_kg_mix) - others) / float(w[t])


def _entry(name, basis, cost, shares, prices, provenance, kwh=np.nan, co2=np.nan) -> dict:
    row = {"source": name, "basis": basis, "provenance": provenance,
           "kwh_per_kg": float(kwh), "kg_co2_per_kg": float(co2)}
    for t in TARGETS:
        if basis == "reo" and shares is not None:
            row[f"credit_usd_per_kg_{t}"] = credit_cost(cost, shares, prices, t)
            row[f"value_usd_per_kg_{t}"] = float(allocate_unit_cost(
                cost, shares, prices, basis="value")[INDEX[t]]) if shares[INDEX[t]] > 0 \
                else float("nan")
        elif basis == "element" or (basis == "ndpr" and t == "Nd"):
            value = cost[t] if isinstance(cost, dict) else cost
            row[f"credit_usd_per_kg_{t}"] = row[f"value_usd_per_kg_{t}"] = float(value)
        else:
            row[f"credit_usd_per_kg_{t}"] = row[f"value_usd_per_kg_{t}"] = float("nan")
    return row


def _mud(prices) -> dict:
    result = chain_run(MUD_SCENARIO)
    oxide = np.asarray(result.records["refining"].oxide_t_per_year, dtype=float)
    k = result.kpis
    return _entry("mud (chain)", "reo", k["unit_cost_usd_per_kg_reo"], oxide / oxide.sum(),
                  prices, f"reemud chain, scenario {MUD_SCENARIO}: levelised unit cost "
                  f"{k['unit_cost_usd_per_kg_reo']:.4g} US$/kg REO, energy and CO₂ of the chain",
                  k["energy_kwh_per_kg_reo"], k["co2_kg_per_kg_reo"])


def _seawater() -> list[dict]:
    p = {k: v["value"] for k, v in seawater.parameters().items()}
    energy = seawater.chain_energy_defaults()
    c = seawater.concentrations_ng_per_l()
    pumped = {t: seawater.pumped_plant(c[t], p["pump_head"], p["pump_efficiency"],
                                       p["pumped_recovery"], energy["usd_per_kwh"],
                                       energy["kg_co2_per_kwh"], p["density"]) for t in TARGETS}
    # per kg of element → per kg of oxide: divide by the oxide factor
    per_oxide = {t: {k: float(v) / OXIDE_FACTOR[INDEX[t]] for k, v in pumped[t].items()}
                 for t in TARGETS}
    moored = {t: float(seawater.uranium_analogy(c[t], c["U"], p["uranium_cost"],
                                                p["uranium_loading"])["usd_per_kg"])
              / OXIDE_FACTOR[INDEX[t]] for t in TARGETS}
    nd = per_oxide["Nd"]
    return [
        _entry("seawater, pumped plant (pumping only)", "element",
               {t: per_oxide[t]["usd_per_kg"] for t in TARGETS}, None, None,
               "reemud.sources.seawater: CRC concentrations, 10 m head, efficiency 0.8, "
               "recovery 0.8 (assumed); the chain's electricity price and grid CO₂; energy and "
               "CO₂ shown for Nd", nd["kwh_per_kg"], nd["kg_co2_per_kg"]),
        _entry("seawater, moored sorbent (uranium analogy)", "element", moored, None, None,
               "US$1,230/kg U (Schneider & Sachde) scaled by the concentration ratio to "
               "uranium (docs/models/sources.md §3.2)"),
    ]


def _biosorption() -> dict:
    r = biosorption.sorbents()[("chlorella-vulgaris", "Nd")]
    nd = biosorption.sorbent_per_kg(r["q_max_mg_per_g"], r["cycles"], r["desorption_fraction"],
                                    r["price_usd_per_kg"])["usd_per_kg"]
    return _entry("biosorption, Chlorella vulgaris (sorbent only)", "element",
                  {"Nd": float(nd) / OXIDE_FACTOR[INDEX["Nd"]], "Dy": float("nan")}, None, None,
                  "sorbent only at saturation (q_max 188.68 mg/g, Kucuker et al. 2017) with "
                  "assumed reuse (10 cycles, 90 % desorbed) and price (US$10/kg): a lower bound; "
                  "no Dy isotherm published")


@cache
def comparison(deck: str = "usgs-argus-2024") -> tuple[dict, ...]:
    """Every source on one scale: US$ per kg of Nd₂O₃ and Dy₂O₃, energy and CO₂ per kg."""
    from reemud.stages.common import price_decks

    prices = np.asarray(price_decks()[deck], dtype=float) if deck else reference_prices()
    comps = md.compositions()
    rows = []
    for r in read_table("source_costs.csv"):
        cost = float(r["usd_per_kg"])
        text = r["source_text"] or r["assumed"]
        if r["source_text"] and r["assumed"]:
            text = f"{r['source_text']}; assumed: {r['assumed']}"
        rows.append(_entry(r["source"], r["basis"], cost, comps[r["composition"]], prices, text))
    rows.append(_mud(prices))
    rows.extend(_seawater())
    rows.append(_biosorption())
    return tuple(rows)
