"""Elements from seawater: how much water per kg, what pumping it costs, and Haber's gold.

Plain vectorised functions (scalars or arrays of draws). Data: ``reemud/data/seawater*.csv``;
docs/models/sources.md §3. The concentration decides everything: water per kg is 10¹²/c(ng/L)
litres, so an element at 1 ng/L needs 10⁹ m³ of seawater per kg.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from reemud.datafiles import read_table

G = 9.80665
"""Standard gravity [m/s²]."""


@cache
def concentrations_ng_per_l() -> dict[str, float]:
    """Dissolved concentration of each element in seawater [ng/L] (``seawater.csv``)."""
    return {r["symbol"]: float(r["ng_per_l"]) for r in read_table("seawater.csv")}


@cache
def parameters() -> dict[str, dict[str, float | str]]:
    """``seawater_parameters.csv`` rows by name, with value, low and high as floats."""
    return {r["name"]: {**r, **{k: float(r[k]) for k in ("value", "low", "high")}}
            for r in read_table("seawater_parameters.csv")}


@cache
def gold_cases() -> tuple[dict[str, object], ...]:
    """Gold in seawater [mg/t]: Haber's assumption and the modern values (``seawater_gold.csv``)."""
    return tuple({**r, "mg_per_t": float(r["mg_per_t"]), "default": r["default"] == "1"}
                 for r in read_table("seawater_gold.csv"))


def seawater_t_per_kg(c_ng_per_l, recovery=1.0, density_kg_per_m3=1025.0):
    """Seawater processed per kg of element recovered [t/kg].

    V = 10¹² ng/kg / (c · 10³ L/m³ · r) [m³/kg]; mass = V · ρ / 1000 [t/kg], with c the
    concentration [ng/L], r the recovered share [-] and ρ the seawater density [kg/m³].
    """
    c = np.asarray(c_ng_per_l, dtype=float)
    return 1e12 / (c * 1e3 * np.asarray(recovery, dtype=float)) \
        * np.asarray(density_kg_per_m3, dtype=float) / 1000.0


def pumping_kwh_per_m3(head_m, efficiency, density_kg_per_m3=1025.0):
    """Electricity to lift seawater through a head [kWh/m³]: E = ρ g H / (η · 3.6·10⁶ J/kWh)."""
    return np.asarray(density_kg_per_m3, dtype=float) * G * np.asarray(head_m, dtype=float) \
        / (np.asarray(efficiency, dtype=float) * 3.6e6)


def pumped_plant(c_ng_per_l, head_m, efficiency, recovery, electricity_usd_per_kwh,
                 grid_kg_co2_per_kwh, density_kg_per_m3=1025.0) -> dict[str, np.ndarray]:
    """Pumping alone, per kg of element from a pumped plant (no sorbent, plant or elution).

    Returns ``m3_per_kg``, ``kwh_per_kg``, ``usd_per_kg`` (electricity) and ``kg_co2_per_kg``.
    """
    m3 = seawater_t_per_kg(c_ng_per_l, recovery, density_kg_per_m3) * 1000.0 \
        / np.asarray(density_kg_per_m3, dtype=float)
    kwh = m3 * pumping_kwh_per_m3(head_m, efficiency, density_kg_per_m3)
    return {"m3_per_kg": m3, "kwh_per_kg": kwh,
            "usd_per_kg": kwh * np.asarray(electricity_usd_per_kwh, dtype=float),
            "kg_co2_per_kg": kwh * np.asarray(grid_kg_co2_per_kwh, dtype=float)}


def uranium_analogy(c_ng_per_l, c_uranium_ng_per_l, uranium_usd_per_kg, uranium_g_per_kg):
    """Passive moored sorbent cost per kg of an element by analogy with uranium [US$/kg].

    Assumes the sorbent takes up the element as it does uranium, in proportion to the
    concentration, at the same cost per kg of sorbent deployed: loading q = q_U · c / c_U
    [g/kg sorbent] and cost = cost_U · c_U / c. Returns ``usd_per_kg`` and ``g_per_kg_sorbent``.
    This is an order of magnitude, not a design: no sorbent selective for rare earths at
    uranium's performance is published.
    """
    ratio = np.asarray(c_uranium_ng_per_l, dtype=float) / np.asarray(c_ng_per_l, dtype=float)
    return {"usd_per_kg": np.asarray(uranium_usd_per_kg, dtype=float) * ratio,
            "g_per_kg_sorbent": np.asarray(uranium_g_per_kg, dtype=float) / ratio}


def haber(c_mg_per_t, price_usd_per_g) -> dict[str, np.ndarray]:
    """Haber's arithmetic: tonnes of seawater per gram of gold, and the gold in a tonne [US$].

    t/g = 1000 mg/g / c [mg/t]; value per tonne = c / 1000 · price [US$/t].
    """
    c = np.asarray(c_mg_per_t, dtype=float)
    return {"t_per_g": 1000.0 / c, "usd_per_t": c / 1000.0 * np.asarray(price_usd_per_g,
                                                                         dtype=float)}


def chain_energy_defaults() -> dict[str, float]:
    """Electricity price [US$/kWh] and grid CO₂ [kg/kWh] of the chain's defaults.

    ``economics.dcf.electricity_jpy_per_kwh`` / ``jpy_per_usd`` and
    ``environment.*.grid_co2_kg_per_kwh`` of ``parameters.csv``: the same numbers the mud's
    chain uses, so the two are compared on one basis.
    """
    rows = {r["name"]: float(r["value"]) for r in read_table("parameters.csv")
            if r["name"] in ("electricity_jpy_per_kwh", "jpy_per_usd", "grid_co2_kg_per_kwh")}
    return {"usd_per_kwh": rows["electricity_jpy_per_kwh"] / rows["jpy_per_usd"],
            "kg_co2_per_kwh": rows["grid_co2_kg_per_kwh"]}


def element_case(symbol: str) -> dict[str, float]:
    """The whole seawater arithmetic for one element at the default parameters."""
    c = concentrations_ng_per_l()[symbol]
    p = {k: v["value"] for k, v in parameters().items()}
    energy = chain_energy_defaults()
    pumped = pumped_plant(c, p["pump_head"], p["pump_efficiency"], p["pumped_recovery"],
                          energy["usd_per_kwh"], energy["kg_co2_per_kwh"], p["density"])
    u = parameters()["uranium_cost"]
    moored = uranium_analogy(c, concentrations_ng_per_l()["U"],
                             np.array([u["value"], u["low"], u["high"]]), p["uranium_loading"])
    cost, low, high = moored["usd_per_kg"]
    return {"ng_per_l": c, "t_seawater_per_kg": float(seawater_t_per_kg(c, 1.0, p["density"])),
            **{f"pumped_{k}": float(v) for k, v in pumped.items()},
            "moored_usd_per_kg": float(cost), "moored_usd_per_kg_low": float(low),
            "moored_usd_per_kg_high": float(high),
            "moored_g_per_kg_sorbent": float(moored["g_per_kg_sorbent"])}
