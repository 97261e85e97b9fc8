r"""Cost accounts and what is sold.

Capital and operating accounts, one campaign's cost, payables of group products and the price
the volume sold fetches. Part of ``reemud.economics``, which re-exports every name and holds the
cash flow that uses them. Money inputs broadcast over a leading draw axis; per-element arrays
have the 15 REY on their last axis.
"""

from __future__ import annotations

import numpy as np

from reemud.elements import INDEX, REY


def scaled_capex_usd(reference_cost_usd, reference_capacity, capacity, exponent):
    """Capital cost scaled from a reference plant, ``C_ref (Q/Q_ref)^x`` [US$].

    Parameters
    ----------
    reference_cost_usd : float or array_like
        Capital cost of the reference plant ``C_ref`` [US$] (draws first).
    reference_capacity, capacity : float or array_like
        Capacities of the reference plant and of this one ``Q_ref``, ``Q`` [same unit, e.g.
        t/yr] (draws first).
    exponent : float or array_like
        Capacity exponent ``x`` [-].

    Returns
    -------
    ndarray
        Scaled capital cost [US$].

    References
    ----------
    Williams (1947) Chem. Eng. 54(12):124 (the "six-tenths factor"); docs/models/economics.md
    §1.1.
    """
    ratio = np.asarray(capacity, dtype=float) / np.asarray(reference_capacity, dtype=float)
    return np.asarray(reference_cost_usd) * ratio ** np.asarray(exponent)


def escalated_usd(cost_usd, index_at_cost, index_now):
    """A cost moved to another year by a plant cost index, ``C · I_now / I_cost`` [US$].

    E.g. the Chemical Engineering Plant Cost Index (CEPCI, annual averages in
    ``data/cost_indices.csv``); the CEPCI tracks US process-plant construction cost.

    Parameters
    ----------
    cost_usd : float or array_like
        Cost in the money of its price year ``C`` [US$] (draws first).
    index_at_cost, index_now : float or array_like
        Cost index in the price year and in the analysis year ``I_cost``, ``I_now`` [-].

    Returns
    -------
    ndarray
        Escalated cost [US$].

    References
    ----------
    Chemical Engineering Plant Cost Index (chemengonline.com/pci), as tabulated by the TEA
    Handbook (handbook.tea-commons.org/reference-data/cost-indices); docs/models/economics.md
    §1.1.
    """
    return np.asarray(cost_usd) * np.asarray(index_now) / np.asarray(index_at_cost)


TRADED_GROUPS = ("Pr+Nd",)
"""Group products quoted as products in their own right: NdPr (didymium) oxide has a market price
(Lynas quarterly NdPr market averages; Fastmarkets NdPr oxide FOB China), which the decks give to
Pr and Nd where no separate price exists, so it is paid in full."""


def product_payables(products, group_payable):
    """Share of each element's price paid, in REY order [-].

    1 where an element is sold as its own oxide or in a traded group (``TRADED_GROUPS``),
    ``group_payable`` where it is sold in another group product (a concentrate).

    Parameters
    ----------
    products : sequence of str
        Product names, elements joined by ``+`` (``"La+Ce"``, ``"Tb"``).
    group_payable : float or array_like
        Share of the contained separated-oxide value paid for a group product [-] (draws first).

    Returns
    -------
    ndarray
        Payable per element, ``(..., 15)``.

    References
    ----------
    docs/models/economics.md §3.1 and docs/sources/payables.md (study payables of mixed
    rare-earth products: 0.60-0.83).
    """
    grouped = np.zeros(len(REY))
    for name in products:
        members = [INDEX[s] for s in name.split("+")]
        grouped[members] = float(len(members) > 1 and name not in TRADED_GROUPS)
    g = np.asarray(group_payable, dtype=float)[..., None]
    return 1.0 - grouped + grouped * g


PRICE_RESPONSES = ("fixed", "isoelastic")
"""How the price a project's sales fetch responds to their volume (``sales_price_factor``)."""


def sales_price_factor(sold_t_per_year, market_t_per_year, elasticity):
    r"""Price the project's sales fetch over the deck's price [-], on isoelastic demand.

    Demand :math:`Q = A p^{-\varepsilon}` of a market that clears :math:`Q_0` at the deck's
    price takes :math:`Q_0 + q` only at

    .. math::

        \frac{p}{p_{deck}} = \left(1 + \frac{q}{Q_0}\right)^{-1/\varepsilon}

    with no supply answering (others' output held): an upper bound on the fall in the short run.

    Parameters
    ----------
    sold_t_per_year : float or array_like
        The project's sales of each element [t oxide/yr], ``(..., 15)``.
    market_t_per_year : array_like
        Volume the deck's price holds for [t oxide/yr], ``(15,)``.
    elasticity : array_like
        Price elasticity of demand (positive) [-], ``(15,)``.

    Returns
    -------
    ndarray
        Factor on each element's price, ``(..., 15)``; 1 where nothing is sold.

    References
    ----------
    docs/models/economics.md §3.1; elasticities calibrated to the 2010-2011 price peaks
    (docs/models/supply-security.md §4).
    """
    q = np.asarray(sold_t_per_year, dtype=float)
    share = np.divide(q, market_t_per_year, out=np.zeros(np.broadcast_shapes(
        q.shape, np.shape(market_t_per_year))), where=np.asarray(market_t_per_year) > 0)
    return (1.0 + share) ** (-1.0 / np.asarray(elasticity, dtype=float))


def volume_price_factor(sold_t_per_year, deck_price_usd_per_kg, deck_volume_t_per_year,
                        bulk_price_usd_per_kg, world_t_per_year, elasticity):
    r"""What the volume sold does to each of a deck's prices [-].

    ``sales_price_factor`` on the volume the deck's price holds for. A thin quote (a price paid for
    a share of the market) erodes fast; once it falls to what the bulk market would pay for the
    same sales, the rest sells there, so the price never falls below the bulk price, moved the
    same way:

    .. math::

        f = \max\left(f_{deck},\ \frac{p_{bulk} f_{world}}{p_{deck}}\right)
        \quad\text{where } Q_{deck} < Q_{world}, \qquad f = f_{deck} \text{ elsewhere}

    Parameters
    ----------
    sold_t_per_year : float or array_like
        The project's sales of each element [t oxide/yr], ``(..., 15)`` (draws first).
    deck_price_usd_per_kg, bulk_price_usd_per_kg : array_like
        The deck's and the bulk market's prices [US$/kg], ``(15,)``.
    deck_volume_t_per_year, world_t_per_year : array_like
        Volume the deck's price holds for, and the world market [t oxide/yr], ``(15,)``.
    elasticity : array_like
        Price elasticity of demand (positive) [-], ``(15,)``.

    Returns
    -------
    ndarray
        Factor on each of the deck's prices, ``(..., 15)``.

    References
    ----------
    docs/models/economics.md §3.1 (thin Europe 2025 quotes: Adamas Intelligence 2025 volumes).
    """
    own = sales_price_factor(sold_t_per_year, deck_volume_t_per_year, elasticity)
    bulk = sales_price_factor(sold_t_per_year, world_t_per_year, elasticity)
    deck = np.asarray(deck_price_usd_per_kg, dtype=float)
    floor = np.divide(np.asarray(bulk_price_usd_per_kg) * bulk, deck,
                      out=np.zeros(np.shape(bulk)), where=deck > 0)
    thin = np.asarray(deck_volume_t_per_year) < np.asarray(world_t_per_year)
    return np.where(thin, np.maximum(own, floor), own)


def sx_circuit_capex_usd(ref_usd, ref_index, ref_stages, ref_reo_t_per_year, stages,
                         reo_t_per_year, index_now, exponent):
    r"""Capital of the solvent-extraction circuit [US$]: per stage, each sized by the throughput.

    .. math::

        C_{SX} = C_{ref} \frac{I_{now}}{I_{ref}} \frac{N}{N_{ref}}
                 \left(\frac{Q}{Q_{ref}}\right)^{x}

    The stage count enters linearly (one more mixer-settler, one more unit), the throughput with
    the capacity exponent (each unit's size). NaN where no cascade is designed.

    Parameters
    ----------
    ref_usd, ref_index : float or array_like
        SX circuit of the reference plant [US$] and the cost index of its price year [-].
    ref_stages, ref_reo_t_per_year : float
        Its mixer-settlers [-] and oxide capacity [t/yr].
    stages, reo_t_per_year : float or array_like
        This circuit's stages [-] and oxide [t/yr] (draws first).
    index_now : float or array_like
        Cost index of the cost year [-].
    exponent : float or array_like
        Capacity exponent ``x`` [-].

    Returns
    -------
    ndarray
        Capital of the SX circuit [US$].

    References
    ----------
    Avalon Rare Metals separation-plant PFS (SNC-Lavalin, 2012): the SX circuit of over 1,000
    mixer-settlers, about a third or US$101 M of US$302 M for 10,000 t/yr REO (Northern Miner,
    2012); docs/models/economics.md §1.6.
    """
    sized = scaled_capex_usd(escalated_usd(ref_usd, ref_index, index_now), ref_reo_t_per_year,
                             reo_t_per_year, exponent)
    return sized * np.asarray(stages, dtype=float) / ref_stages


def land_residue_t(*, concentrate_dry_t, apatite_fraction, tailings_dry_t, tailings_on_land,
                   wet_per_dry):
    """Solids left on land a year [t]: the leach residue (wet) and the cyclone tailings (dry).

    The leach dissolves the concentrate's apatite (the acid dose is set to dissolve it), so the
    residue is the rest of the concentrate, at the moisture of the dewatered concentrate. The
    sludge of neutralising the barren liquor is not counted.

    Parameters
    ----------
    concentrate_dry_t : float or array_like
        Leach feed [dry t/yr] (draws first).
    apatite_fraction : float or array_like
        Apatite's mass share of the leach feed [-].
    tailings_dry_t : float or array_like
        Cyclone overflow [dry t/yr].
    tailings_on_land : bool
        Whether the tailings are discharged on land.
    wet_per_dry : float or array_like
        Wet over dry mass of the dewatered concentrate [-].

    Returns
    -------
    dict
        ``leach residue wet t`` and ``tailings dry t`` [t/yr].

    References
    ----------
    docs/models/economics.md §2.1.
    """
    residue = np.asarray(concentrate_dry_t) * (1.0 - np.asarray(apatite_fraction))
    return {"leach residue wet t": residue * np.asarray(wet_per_dry),
            "tailings dry t": np.asarray(tailings_dry_t, dtype=float) * float(tailings_on_land)}


def plant_staff(reo_t_per_year, reo_t_per_employee_year, minimum_staff):
    """Employees of the plant ashore [-]: a staff per tonne of oxide, never below a minimum crew.

    Parameters
    ----------
    reo_t_per_year : float or array_like
        Oxide produced [t/yr] (draws first).
    reo_t_per_employee_year : float or array_like
        Oxide per employee a year [t/yr].
    minimum_staff : float or array_like
        Crew of the smallest plant run round the clock [-].

    Returns
    -------
    ndarray
        Employees [-].

    References
    ----------
    docs/models/economics.md §2.1 (Lynas FY23 staff intensity; the DOE/NETL reference REE plant
    crew in PrOMMiS).
    """
    return np.maximum(np.asarray(reo_t_per_year) / np.asarray(reo_t_per_employee_year),
                      np.asarray(minimum_staff, dtype=float))


def revenue_by_product(products, revenue_by_element) -> dict:
    """Revenue of each product [US$/yr]: the sum over its elements.

    Parameters
    ----------
    products : sequence of str
        Product names, elements joined by ``+``.
    revenue_by_element : ndarray
        Revenue of each element [US$/yr], ``(..., 15)`` (draws first).

    Returns
    -------
    dict
        Product name → revenue [US$/yr], each of the leading (draw) shape.
    """
    return {name: sum(revenue_by_element[..., INDEX[s]] for s in name.split("+"))
            for name in products}


def capital_accounts_usd(*, offshore_ref_usd, offshore_ref_index, offshore_ref_t_per_year,
                         mud_dry_t_per_year, processing_ref_usd, processing_ref_index,
                         processing_ref_reo_t_per_year, reo_t_per_year, index_now,
                         capex_exponent, environmental_baseline_usd, water_depth_m,
                         offshore_ref_water_depth_m, riser_usd_per_m, sx_circuit_usd,
                         processing_sx_share) -> dict:
    r"""Initial capital by account [US$], draws first where any input is drawn.

    Each reference cost is escalated from its price year to the cost year by the plant cost index
    (``escalated_usd``), then scaled to this capacity with the capacity exponent
    (``scaled_capex_usd``): the offshore system by dry mud lifted a year, the processing plant by
    oxide produced a year,

    .. math::

        C = C_{ref} \frac{I_{now}}{I_{ref}} \left(\frac{Q}{Q_{ref}}\right)^{x}

    The reference offshore system works at a shallower depth: the riser and lift string beyond
    its depth are added at a cost per metre, :math:`C_{riser} = c_m \max(0, h - h_{ref})` (not
    capacity-scaled: one string; in the money of ``riser_usd_per_m``'s price year, not
    escalated). The processing plant's reference includes an SX circuit, the share
    ``processing_sx_share`` of it; that share is replaced by this flowsheet's own SX circuit
    (``sx_circuit_capex_usd``), or kept where no cascade is designed (``sx_circuit_usd`` NaN).
    The environmental baseline survey is a stated sum.

    Parameters
    ----------
    offshore_ref_usd, offshore_ref_index, offshore_ref_t_per_year : float or array_like
        Offshore system of the reference project: cost [US$], cost index of its price year [-]
        and dry mud capacity [t/yr].
    mud_dry_t_per_year : float or array_like
        Dry mud lifted a year by this project [t/yr] (draws first).
    processing_ref_usd, processing_ref_index, processing_ref_reo_t_per_year : float or array_like
        Processing plant of the reference: cost [US$], cost index [-] and oxide capacity
        [t/yr].
    reo_t_per_year : float or array_like
        Oxide produced a year by this project [t/yr] (draws first).
    index_now : float or array_like
        Cost index of the cost year [-].
    capex_exponent : float or array_like
        Capacity exponent ``x`` [-].
    environmental_baseline_usd : float or array_like
        Environmental baseline survey [US$].
    water_depth_m, offshore_ref_water_depth_m : float or array_like
        Water depth of this project and of the reference offshore system [m].
    riser_usd_per_m : float or array_like
        Riser and lift string per metre of water depth [US$/m].
    sx_circuit_usd : float or array_like
        Capital of this flowsheet's SX circuit [US$], NaN where none is designed.
    processing_sx_share : float or array_like
        Share of the reference plant's capital that is its SX circuit [-].

    Returns
    -------
    dict
        ``offshore system``, ``riser beyond the reference depth``, ``processing plant`` (without
        its SX circuit), ``SX circuit`` and ``environmental baseline`` [US$].

    References
    ----------
    Williams (1947) Chem. Eng. 54(12):124; Chemical Engineering Plant Cost Index
    (chemengonline.com/pci); docs/models/economics.md §1.1 (reference plants: Nautilus
    Solwara 1 and Lynas LAMP, §1.2–1.3).
    """
    plant = scaled_capex_usd(escalated_usd(processing_ref_usd, processing_ref_index, index_now),
                             processing_ref_reo_t_per_year, reo_t_per_year, capex_exponent)
    share = np.asarray(processing_sx_share, dtype=float)
    sx = np.asarray(sx_circuit_usd, dtype=float)
    return {
        "offshore system": scaled_capex_usd(
            escalated_usd(offshore_ref_usd, offshore_ref_index, index_now),
            offshore_ref_t_per_year, mud_dry_t_per_year, capex_exponent),
        "riser beyond the reference depth": np.asarray(riser_usd_per_m) * np.maximum(
            0.0, np.asarray(water_depth_m, dtype=float) - offshore_ref_water_depth_m),
        "processing plant": plant * (1.0 - share),
        "SX circuit": np.where(np.isfinite(sx), sx, plant * share),
        "environmental baseline": np.asarray(environmental_baseline_usd, dtype=float),
    }


CAMPAIGN_PROCESSING_ACCOUNTS = ("shipping", "leach acid", "SX reagents (NaOH, HCl)", "oxalic acid",
                                "residue disposal", "tailings storage")
"""Operating accounts that follow the mud a campaign delivers (``campaign_cost_usd``)."""

FIXED_CAPITAL_ACCOUNTS = ("offshore system", "riser beyond the reference depth", "processing plant",
                          "SX circuit")
"""Capital accounts that are plant (maintained and insured); the baseline survey is not."""


def operating_accounts_usd_per_year(*, vessel_day_rate_usd, days_per_year, marine_fuel_t,
                                    fuel_price_usd_per_t, wet_concentrate_t,
                                    shipping_usd_per_wet_t, leach_acid_t, acid_price_usd_per_t,
                                    naoh_t, hcl_t, naoh_price_usd_per_t, oxalic_acid_t,
                                    oxalic_acid_usd_per_kg, residue_wet_t,
                                    residue_disposal_usd_per_wet_t, tailings_dry_t,
                                    tailings_usd_per_dry_t, plant_kwh,
                                    electricity_usd_per_kwh, plant_staff,
                                    labour_usd_per_employee_year, fixed_capital_usd,
                                    maintenance_fraction, insurance_fraction,
                                    overhead_fraction, administration_fraction,
                                    environmental_monitoring_usd_per_year) -> dict:
    r"""Operating cost by account [US$/yr] from the stages' flows [t/yr] and unit prices.

    Flows times unit prices (charter, fuel, shipping, acids and bases, oxalic acid, residue
    disposal, plant power), and the fixed costs of running a plant as factors of its capital and
    labour (Peters & Timmerhaus):

    .. math::

        C_{lab} = N\,w, \quad C_{maint} = f_m K, \quad C_{ins} = f_i K, \quad
        C_{ovh} = f_o (C_{lab} + C_{maint}), \quad C_{adm} = f_a (C_{lab} + C_{maint})

    with :math:`K` the fixed capital, :math:`N` the plant's staff and :math:`w` the labour cost
    of one employee a year. Costs are at their sources' prices (not escalated).

    Parameters
    ----------
    vessel_day_rate_usd : float or array_like
        Vessel charter [US$/day].
    days_per_year : float
        Charter days a year [d/yr].
    marine_fuel_t : float or array_like
        Marine fuel burnt (vessel and lift electricity) [t/yr].
    fuel_price_usd_per_t : float or array_like
        Fuel price [US$/t].
    wet_concentrate_t : float or array_like
        Wet concentrate shipped [t/yr].
    shipping_usd_per_wet_t : float or array_like
        Shipping cost [US$ per wet t].
    leach_acid_t : float or array_like
        Leach acid used [t/yr].
    acid_price_usd_per_t : float or array_like
        Acid price, also for the SX HCl [US$/t].
    naoh_t, hcl_t : float or array_like
        SX reagents [t/yr].
    naoh_price_usd_per_t : float or array_like
        NaOH price [US$/t].
    oxalic_acid_t : float or array_like
        Oxalic acid used [t/yr].
    oxalic_acid_usd_per_kg : float or array_like
        Oxalic acid price [US$/kg].
    residue_wet_t : float or array_like
        Wet leach residue landfilled [t/yr].
    residue_disposal_usd_per_wet_t : float or array_like
        Landfill of residue [US$ per wet t].
    tailings_dry_t : float or array_like
        Cyclone tailings stored on land [dry t/yr].
    tailings_usd_per_dry_t : float or array_like
        Tailings storage (capital and operation) [US$ per dry t].
    plant_kwh : float or array_like
        Electricity of the plant ashore [kWh/yr].
    electricity_usd_per_kwh : float or array_like
        Electricity price [US$/kWh].
    plant_staff : float or array_like
        Employees of the plant ashore [-].
    labour_usd_per_employee_year : float or array_like
        Labour cost of one employee [US$/yr].
    fixed_capital_usd : float or array_like
        Fixed capital maintained and insured [US$].
    maintenance_fraction, insurance_fraction : float or array_like
        Maintenance, and insurance with property tax, a year over fixed capital [-].
    overhead_fraction, administration_fraction : float or array_like
        Plant overhead and administration over labour plus maintenance [-].
    environmental_monitoring_usd_per_year : float or array_like
        Environmental monitoring [US$/yr].

    Returns
    -------
    dict
        Cost by account [US$/yr] (the accounts of docs/models/economics.md §2.1), each of the
        leading (draw) shape of its inputs.

    References
    ----------
    Peters & Timmerhaus (1991) *Plant Design and Economics for Chemical Engineers*, 4th ed.,
    McGraw-Hill, ch. 6 (maintenance, plant overhead, administration); US DOE/NETL rare-earth
    plant costing in PrOMMiS (``uky/costing/ree_plant_capcost.py``: property tax and insurance);
    docs/models/economics.md §2.1 and docs/sources/cost_accounts.md.
    """
    labour = np.asarray(plant_staff) * np.asarray(labour_usd_per_employee_year)
    maintenance = np.asarray(maintenance_fraction) * np.asarray(fixed_capital_usd)
    return {
        "vessel charter": vessel_day_rate_usd * days_per_year,
        "marine fuel": marine_fuel_t * fuel_price_usd_per_t,
        "shipping": wet_concentrate_t * shipping_usd_per_wet_t,
        "leach acid": leach_acid_t * acid_price_usd_per_t,
        "SX reagents (NaOH, HCl)": naoh_t * naoh_price_usd_per_t + hcl_t * acid_price_usd_per_t,
        "oxalic acid": oxalic_acid_t * 1000.0 * oxalic_acid_usd_per_kg,
        "residue disposal": residue_wet_t * residue_disposal_usd_per_wet_t,
        "tailings storage": np.asarray(tailings_dry_t) * np.asarray(tailings_usd_per_dry_t),
        "plant power": np.asarray(plant_kwh) * np.asarray(electricity_usd_per_kwh),
        "plant labour": labour,
        "maintenance": maintenance,
        "insurance and property tax": np.asarray(insurance_fraction) * np.asarray(fixed_capital_usd),
        "plant overhead": np.asarray(overhead_fraction) * (labour + maintenance),
        "administration": np.asarray(administration_fraction) * (labour + maintenance),
        "environmental monitoring": np.asarray(environmental_monitoring_usd_per_year,
                                               dtype=float),
    }


def campaign_cost_usd(*, vessel_day_rate_usd, campaign_days, transit_days, site_fuel_t_per_year,
                      transit_fuel_t_per_day, fuel_price_usd_per_t, processing_usd_per_year,
                      days_per_year) -> dict:
    r"""Cost of one campaign by account [US$]: vessel days, marine fuel and processing its mud.

    The yearly flows repeat the mean campaign (``days_per_year / campaign_days`` campaigns a
    year), so one campaign carries the share :math:`D_c / 365` of every yearly flow:

    .. math::

        C_{vessel} = r\,(D_c + D_t), \qquad
        C_{fuel} = p_f \left(\dot F_{site} \frac{D_c}{365} + \dot f_{transit} D_t\right), \qquad
        C_{proc} = \dot C_{proc} \frac{D_c}{365}

    Parameters
    ----------
    vessel_day_rate_usd : float or array_like
        Vessel cost per day, on site and in transit [US$/day].
    campaign_days, transit_days : float or array_like
        Days on site per campaign, and days at sea to and from the site [d].
    site_fuel_t_per_year : float or array_like
        Fuel burnt on site (vessel and lift) at the yearly rate of repeated campaigns [t/yr].
    transit_fuel_t_per_day : float or array_like
        Fuel burnt per day in transit [t/day].
    fuel_price_usd_per_t : float or array_like
        Fuel price [US$/t].
    processing_usd_per_year : float or array_like
        Yearly cost of shipping and processing the mud ashore (reagents, residue) [US$/yr].
    days_per_year : float
        Days in a year [d/yr].

    Returns
    -------
    dict
        ``vessel days``, ``marine fuel`` and ``processing ashore`` [US$].

    References
    ----------
    docs/models/economics.md §8 (the trial as a campaign).
    """
    share = np.asarray(campaign_days, dtype=float) / days_per_year
    return {
        "vessel days": np.asarray(vessel_day_rate_usd) * (np.asarray(campaign_days)
                                                          + np.asarray(transit_days)),
        "marine fuel": np.asarray(fuel_price_usd_per_t) * (
            np.asarray(site_fuel_t_per_year) * share
            + np.asarray(transit_fuel_t_per_day) * np.asarray(transit_days)),
        "processing ashore": np.asarray(processing_usd_per_year) * share,
    }
