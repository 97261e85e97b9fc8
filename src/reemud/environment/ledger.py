r"""Energy and CO₂ ledger per kg of REO (docs/models/environment.md §1.1).

.. math::

    F_{lift} = \frac{3.6\,E_{lift}}{\eta_{gen} \, LHV}, \qquad
    CO_2 = C_f (F_{vessel} + F_{lift} + F_{ship}) + EF_{grid} E_{onshore} + CO_{2,calcination}

Final energy counts marine fuel at its lower heating value and onshore electricity as delivered.
All results per kg REO divide by the year's oxide output.
"""

from __future__ import annotations

import numpy as np

KWH_PER_MJ = 1.0 / 3.6


def fuel_for_electricity_t(electricity_kwh, generator_efficiency, fuel_lhv_mj_per_kg):
    """Marine fuel burnt by diesel generators to deliver ``electricity_kwh`` [t].

    Parameters
    ----------
    electricity_kwh : float or array_like
        Electricity delivered ``E`` [kWh] (or [kWh/yr]; the result is then [t/yr]) (draws
        first).
    generator_efficiency : float or array_like
        Fuel-to-electricity efficiency of the generators ``η_gen`` [-].
    fuel_lhv_mj_per_kg : float or array_like
        Lower heating value of the fuel ``LHV`` [MJ/kg].

    Returns
    -------
    ndarray
        Fuel ``F = 3.6 E / (η_gen LHV)`` [t].

    References
    ----------
    docs/models/environment.md §1.1.
    """
    return (np.asarray(electricity_kwh) * 3.6 / (np.asarray(generator_efficiency)
                                                  * np.asarray(fuel_lhv_mj_per_kg)) / 1000.0)


def ledger(*, vessel_fuel_t, lift_electricity_kwh, shipping_fuel_t, onshore_electricity_kwh,
           process_co2_t, generator_efficiency, fuel_lhv_mj_per_kg, fuel_co2_kg_per_kg,
           grid_co2_kg_per_kwh, reo_kg, reagents=None):
    r"""Yearly energy [kWh] and CO₂ [t] by item, and their totals per kg REO.

    Reagents bring the emissions and energy of making them (cradle to gate):
    :math:`CO_2 = m\,e_{CO_2}`, :math:`E = m\,e_E` per reagent, one line each
    (``"reagent: HCl"`` …).

    Returns a dict: ``fuel_t`` by item, ``energy_kwh`` by item, ``co2_t`` by item,
    ``energy_kwh_per_kg_reo`` and ``co2_kg_per_kg_reo``.

    Parameters
    ----------
    vessel_fuel_t : float or array_like
        Fuel burnt by the vessel in the year [t/yr] (draws first).
    lift_electricity_kwh : float or array_like
        Electricity of the lift in the year [kWh/yr] (draws first).
    shipping_fuel_t : float or array_like
        Fuel of the concentrate shipping [t/yr] (draws first).
    onshore_electricity_kwh : float or array_like
        Onshore (grid) electricity [kWh/yr] (draws first).
    process_co2_t : float or array_like
        Process CO₂, from calcination [t/yr] (draws first).
    generator_efficiency : float or array_like
        Fuel-to-electricity efficiency of the ship's generators [-].
    fuel_lhv_mj_per_kg : float or array_like
        Lower heating value of the marine fuel [MJ/kg].
    fuel_co2_kg_per_kg : float or array_like
        CO₂ per fuel burnt ``C_f`` [kg/kg].
    grid_co2_kg_per_kwh : float or array_like
        CO₂ of grid electricity ``EF_grid`` [kg/kWh].
    reo_kg : float or array_like
        Oxide produced in the year [kg/yr] (draws first).
    reagents : dict, optional
        ``name -> (t_per_year, kg_co2_per_kg, mj_per_kg)``: each reagent used in the year
        [t/yr], its production emissions [kg CO₂e/kg] and energy [MJ/kg] (draws first).

    Returns
    -------
    dict
        ``fuel_t`` (vessel, lifting, shipping) [t/yr], ``energy_kwh`` (those, onshore
        electricity and each reagent) [kWh/yr], ``co2_t`` (those, calcination and each
        reagent) [t/yr], and the totals
        ``energy_kwh_per_kg_reo`` [kWh/kg] and ``co2_kg_per_kg_reo`` [kg/kg] (NaN without
        output).

    References
    ----------
    docs/models/environment.md §1.1 (default emission factor and heating value: Network for
    Transport Measures, §1.2).
    """
    lift_fuel_t = fuel_for_electricity_t(lift_electricity_kwh, generator_efficiency,
                                         fuel_lhv_mj_per_kg)
    fuel_t = {"vessel": vessel_fuel_t, "lifting": lift_fuel_t, "shipping": shipping_fuel_t}
    energy_kwh = {k: v * 1000.0 * fuel_lhv_mj_per_kg * KWH_PER_MJ for k, v in fuel_t.items()}
    energy_kwh["onshore electricity"] = onshore_electricity_kwh
    co2_t = {k: v * fuel_co2_kg_per_kg for k, v in fuel_t.items()}
    co2_t["onshore electricity"] = onshore_electricity_kwh * grid_co2_kg_per_kwh / 1000.0
    co2_t["calcination"] = process_co2_t
    for name, (tonnes, co2_per_kg, mj_per_kg) in (reagents or {}).items():
        co2_t[f"reagent: {name}"] = tonnes * co2_per_kg  # t reagent x kg/kg = t CO2
        energy_kwh[f"reagent: {name}"] = tonnes * 1000.0 * mj_per_kg * KWH_PER_MJ
    total_energy = sum(energy_kwh.values())
    total_co2_kg = sum(co2_t.values()) * 1000.0
    reo_kg = np.where(np.asarray(reo_kg) > 0, reo_kg, np.nan)  # per kg undefined without output
    return {
        "fuel_t": fuel_t,
        "energy_kwh": energy_kwh,
        "co2_t": co2_t,
        "energy_kwh_per_kg_reo": total_energy / reo_kg,
        "co2_kg_per_kg_reo": total_co2_kg / reo_kg,
    }
