"""Economics stage: a discounted cash flow from the stages' flows (wiring only)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from pydantic import field_validator

from reemud import economics
from reemud.constants import DAYS_PER_YEAR
from reemud.market.data import elasticities
from reemud.records import CashFlow
from reemud.registry import register
from reemud.stages.common import P, Params, cost_index, one_of, price_decks, price_volumes

PERIODS_PER_YEAR = {"yearly": 1, "monthly": 12}
"""Cash-flow periods by name."""


class DcfParams(Params):
    """Yearly discounted cash flow with capacity-scaled capital and stage-driven operating cost."""

    price_deck: str = P("", "name of an oxide price deck in data/prices.csv")
    price_multiplier: float = P("", "factor applied to every price of the deck", gt=0)
    price_response: str = P("", "how the price of the sales responds to their volume: fixed "
                            "(the deck's price) or isoelastic (on the market's demand)")
    group_payable: float = P("", "share of the contained separated-oxide value paid for a "
                             "product of several elements (a concentrate)", gt=0, le=1)
    discount_rate: float = P("", "real discount rate per year", gt=-1, lt=1)
    project_life_years: int = P("year", "production years", ge=1, le=100)
    construction_years: int = P("year", "construction years before first production", ge=0,
                                le=20)
    corporate_tax_rate: float = P("", "corporate income tax rate", ge=0, lt=1)
    royalty_rate: float = P("", "ad-valorem royalty on revenue", ge=0, lt=1)
    jpy_per_usd: float = P("JPY/USD", "exchange rate (reporting in yen)", gt=0)
    capex_exponent: float = P("", "capacity exponent of capital cost", gt=0, le=1.2)
    offshore_capex_ref_usd: float = P("USD", "capital of the reference offshore system "
                                     "(seafloor tools, riser string, lift pumps, dewatering "
                                     "at sea: one account, as its source gives it)", gt=0)
    offshore_ref_t_per_year: float = P("t/year", "capacity of the reference offshore system",
                                       gt=0)
    processing_capex_ref_usd: float = P("USD", "capital of the reference processing plant", gt=0)
    processing_ref_reo_t_per_year: float = P("t/year", "REO capacity of the reference plant",
                                             gt=0)
    offshore_capex_ref_year: int = P("year", "price year of the reference offshore capital",
                                     ge=2011, le=2023)
    processing_capex_ref_year: int = P("year", "price year of the reference plant's capital",
                                       ge=2011, le=2023)
    cost_year: int = P("year", "year whose money the capital is escalated to (CEPCI)", ge=2011,
                       le=2023)
    environmental_baseline_usd: float = P("USD", "environmental baseline survey and monitoring "
                                          "set-up before production", ge=0)
    environmental_monitoring_usd_per_year: float = P("USD/year", "environmental monitoring "
                                                     "during production", ge=0)
    residue_disposal_jpy_per_wet_t: float = P("JPY/t", "landfill of the wet solid residue on "
                                              "land (leach residue, land tailings)", ge=0)
    riser_usd_per_m: float = P("USD/m", "riser and lift string per metre of water depth beyond "
                               "the reference system's", ge=0)
    offshore_ref_water_depth_m: float = P("m", "water depth of the reference offshore system",
                                          ge=0)
    electricity_jpy_per_kwh: float = P("JPY/kWh", "electricity price of the plant ashore", ge=0)
    labour_jpy_per_employee_year: float = P("JPY/year", "labour cost of one plant employee a "
                                            "year", ge=0)
    reo_t_per_employee_year: float = P("t/year", "oxide produced per plant employee a year",
                                       gt=0)
    minimum_staff: float = P("", "crew of the smallest plant run round the clock", ge=0)
    tailings_usd_per_dry_t: float = P("USD/t", "storage of cyclone tailings on land (capital "
                                      "and operation)", ge=0)
    sx_capex_ref_usd: float = P("USD", "capital of the reference plant's SX circuit", gt=0)
    sx_ref_stages: float = P("", "mixer-settlers of the reference SX circuit", gt=0)
    sx_ref_reo_t_per_year: float = P("t/year", "oxide capacity of the reference SX circuit",
                                     gt=0)
    sx_capex_ref_year: int = P("year", "price year of the reference SX circuit's capital",
                               ge=2011, le=2023)
    processing_sx_share: float = P("", "share of the reference processing plant's capital "
                                   "that is its SX circuit", ge=0, lt=1)
    maintenance_fraction: float = P("", "maintenance a year over fixed capital", ge=0, lt=1)
    insurance_fraction: float = P("", "insurance and property tax a year over fixed capital",
                                  ge=0, lt=1)
    overhead_fraction: float = P("", "plant overhead over labour plus maintenance", ge=0, le=2)
    administration_fraction: float = P("", "administration over labour plus maintenance", ge=0,
                                       le=2)
    vessel_day_rate_usd: float = P("USD/day", "charter and management of the mining vessel", ge=0)
    fuel_price_usd_per_t: float = P("USD/t", "marine fuel price", ge=0)
    shipping_usd_per_wet_t: float = P("USD/t", "shipping of concentrate to the mainland", ge=0)
    oxalic_acid_usd_per_kg: float = P("USD/kg", "oxalic acid price", ge=0)
    acid_price_usd_per_t: float = P("USD/t", "price of the leach acid", ge=0)
    naoh_price_usd_per_t: float = P("USD/t", "price of NaOH for saponification", ge=0)
    royalty_regime: str = P("", "royalty regime: ad_valorem (on revenue) or profit_based")
    ramp_up_first_year: float = P("", "output in the first production year over full output",
                                  gt=0, le=1)
    ramp_up_second_year: float = P("", "output in the second production year over full output",
                                   gt=0, le=1)
    sustaining_capex_fraction: float = P("", "sustaining capital per year over initial capital",
                                         ge=0, lt=1)
    working_capital_months: float = P("", "months of operating cost tied up as working capital",
                                      ge=0, le=24)
    depreciation_years: int = P("year", "straight-line depreciation period", ge=1, le=100)
    public_programme_jpy: float = P("JPY", "public test programme spent before the project", ge=0)
    transit_days: float = P("day", "days at sea to and from the site per campaign", ge=0)
    public_programme_treatment: str = P("", "sunk (ignored) or forward (a cost in year 0)")
    unit_cost_allocation: str = P("", "how the unit cost is shared among oxides: mass or value")
    cash_flow_periods: str = P("", "cash-flow periods: yearly or monthly")

    @field_validator("price_deck")
    @classmethod
    def _deck(cls, v: str) -> str:
        return one_of(v, price_decks())

    @field_validator("price_response")
    @classmethod
    def _response(cls, v: str) -> str:
        return one_of(v, economics.PRICE_RESPONSES)

    @field_validator("royalty_regime")
    @classmethod
    def _royalty(cls, v: str) -> str:
        return one_of(v, economics.ROYALTY_REGIMES)

    @field_validator("public_programme_treatment")
    @classmethod
    def _programme(cls, v: str) -> str:
        return one_of(v, ("sunk", "forward"))

    @field_validator("cash_flow_periods")
    @classmethod
    def _periods(cls, v: str) -> str:
        return one_of(v, PERIODS_PER_YEAR)

    @field_validator("unit_cost_allocation")
    @classmethod
    def _allocation(cls, v: str) -> str:
        return one_of(v, ("mass", "value"))


BULK_DECK = "usgs-argus-2024"
"""The deck of the bulk (world) market a thin quote falls back to."""


def _wet_per_dry(conc):
    """Wet over dry mass of the dewatered concentrate [-] (1 where nothing is made)."""
    return np.divide(conc.wet_t_per_year, conc.dry_t_per_year,
                     out=np.ones(np.shape(conc.dry_t_per_year)),
                     where=np.asarray(conc.dry_t_per_year) > 0)


@register("economics", "dcf", DcfParams, default=True,
          fixed=("project_life_years", "construction_years", "depreciation_years"))
def run_dcf(p: DcfParams, up: Mapping[str, object], seed: int) -> CashFlow:
    """Escalated, capacity-scaled capex, opex from stage flows, cash flow, NPV/IRR/payback.

    The year counts set the table's length, so they are the same on every draw. The break-even
    price multiplier is found on every draw at once (``economics.break_even_factor``).
    """
    feed, conc, liquor = up["collector"], up["beneficiation"], up["leaching"]
    sep, ox, env = up["separation"], up["refining"], up["environment"]
    prices = price_decks()[p.price_deck] * np.asarray(p.price_multiplier)[..., None]
    payable = economics.product_payables(sep.products, p.group_payable)
    volumes = price_volumes()
    volume_factor = (economics.volume_price_factor(
        ox.oxide_t_per_year, price_decks()[p.price_deck], volumes[p.price_deck],
        price_decks()[BULK_DECK], volumes[BULK_DECK], elasticities())
        if p.price_response == "isoelastic" else np.ones(np.shape(prices)))
    revenue_by_element = ox.oxide_t_per_year * 1000.0 * prices * volume_factor * payable
    reo_t = ox.oxide_t_per_year.sum(axis=-1)
    capex = economics.capital_accounts_usd(
        offshore_ref_usd=p.offshore_capex_ref_usd,
        offshore_ref_index=cost_index(p.offshore_capex_ref_year),
        offshore_ref_t_per_year=p.offshore_ref_t_per_year,
        mud_dry_t_per_year=feed.mud_dry_t_per_year,
        processing_ref_usd=p.processing_capex_ref_usd,
        processing_ref_index=cost_index(p.processing_capex_ref_year),
        processing_ref_reo_t_per_year=p.processing_ref_reo_t_per_year, reo_t_per_year=reo_t,
        index_now=cost_index(p.cost_year), capex_exponent=p.capex_exponent,
        environmental_baseline_usd=p.environmental_baseline_usd,
        water_depth_m=up["deposit"].water_depth_m,
        offshore_ref_water_depth_m=p.offshore_ref_water_depth_m, riser_usd_per_m=p.riser_usd_per_m,
        sx_circuit_usd=economics.sx_circuit_capex_usd(
            p.sx_capex_ref_usd, cost_index(p.sx_capex_ref_year), p.sx_ref_stages,
            p.sx_ref_reo_t_per_year, sep.total_stages, reo_t, cost_index(p.cost_year),
            p.capex_exponent),
        processing_sx_share=p.processing_sx_share)
    usd_per_jpy = 1.0 / np.asarray(p.jpy_per_usd)
    residue = economics.land_residue_t(
        concentrate_dry_t=conc.dry_t_per_year, apatite_fraction=conc.apatite_fraction_concentrate,
        tailings_dry_t=conc.tailings_dry_t_per_year,
        tailings_on_land=conc.tailings_discharge == "land", wet_per_dry=_wet_per_dry(conc))
    opex = economics.operating_accounts_usd_per_year(
        vessel_day_rate_usd=p.vessel_day_rate_usd, days_per_year=DAYS_PER_YEAR,
        marine_fuel_t=env.fuel_t_per_year["vessel"] + env.fuel_t_per_year["lifting"],
        fuel_price_usd_per_t=p.fuel_price_usd_per_t, wet_concentrate_t=conc.wet_t_per_year,
        shipping_usd_per_wet_t=p.shipping_usd_per_wet_t, leach_acid_t=liquor.acid_t_per_year,
        acid_price_usd_per_t=p.acid_price_usd_per_t, naoh_t=sep.naoh_t_per_year,
        hcl_t=sep.hcl_t_per_year, naoh_price_usd_per_t=p.naoh_price_usd_per_t,
        oxalic_acid_t=ox.oxalic_acid_t_per_year, oxalic_acid_usd_per_kg=p.oxalic_acid_usd_per_kg,
        residue_wet_t=residue["leach residue wet t"],
        residue_disposal_usd_per_wet_t=p.residue_disposal_jpy_per_wet_t * usd_per_jpy,
        tailings_dry_t=residue["tailings dry t"], tailings_usd_per_dry_t=p.tailings_usd_per_dry_t,
        plant_kwh=env.energy_kwh_per_year["onshore electricity"],
        electricity_usd_per_kwh=p.electricity_jpy_per_kwh * usd_per_jpy,
        plant_staff=economics.plant_staff(reo_t, p.reo_t_per_employee_year, p.minimum_staff),
        labour_usd_per_employee_year=p.labour_jpy_per_employee_year * usd_per_jpy,
        fixed_capital_usd=sum(capex[k] for k in economics.FIXED_CAPITAL_ACCOUNTS),
        maintenance_fraction=p.maintenance_fraction, insurance_fraction=p.insurance_fraction,
        overhead_fraction=p.overhead_fraction, administration_fraction=p.administration_fraction,
        environmental_monitoring_usd_per_year=p.environmental_monitoring_usd_per_year)
    revenue = revenue_by_element.sum(axis=-1)
    periods = PERIODS_PER_YEAR[p.cash_flow_periods]
    rate = economics.period_rate(p.discount_rate, periods)

    def cash_flow(revenue_factor) -> dict:
        return economics.yearly_cash_flow(
            capex_usd=sum(capex.values()), construction_years=int(p.construction_years),
            project_life_years=int(p.project_life_years),
            revenue_usd_per_year=revenue * revenue_factor,
            opex_usd_per_year=sum(opex.values()), royalty_rate=p.royalty_rate,
            tax_rate=p.corporate_tax_rate, royalty_regime=p.royalty_regime,
            ramp_up=(p.ramp_up_first_year, p.ramp_up_second_year),
            sustaining_capex_fraction=p.sustaining_capex_fraction,
            working_capital_months=p.working_capital_months,
            depreciation_years=int(p.depreciation_years),
            upfront_usd=(p.public_programme_jpy / p.jpy_per_usd
                         if p.public_programme_treatment == "forward" else 0.0),
            periods_per_year=periods)

    campaign = economics.campaign_cost_usd(
        vessel_day_rate_usd=p.vessel_day_rate_usd, campaign_days=feed.campaign_days,
        transit_days=p.transit_days,
        site_fuel_t_per_year=env.fuel_t_per_year["vessel"] + env.fuel_t_per_year["lifting"],
        transit_fuel_t_per_day=env.fuel_t_per_year["vessel"] / DAYS_PER_YEAR,
        fuel_price_usd_per_t=p.fuel_price_usd_per_t,
        processing_usd_per_year=sum(opex[k] for k in economics.CAMPAIGN_PROCESSING_ACCOUNTS),
        days_per_year=DAYS_PER_YEAR)
    campaign_share = np.asarray(feed.campaign_days) / DAYS_PER_YEAR
    table = cash_flow(1.0)
    net = table["net"]
    shape = np.broadcast_shapes(np.shape(net)[:-1], np.shape(rate))  # the rate may be drawn alone
    factor = economics.break_even_factor(
        lambda k: np.broadcast_to(economics.npv(rate, cash_flow(k)["net"]), k.shape), shape)
    irr, status = economics.irr(net, periods)
    unit_cost = economics.levelised_unit_cost(
        rate, sum(table[k] for k in economics.CASH_OUT),
        table["producing"] * np.asarray(reo_t)[..., None] * 1000.0 / periods)
    return CashFlow(
        table=table, capex_usd=capex, opex_usd_per_year=opex,
        revenue_usd_per_year_by_element=revenue_by_element,
        revenue_usd_per_year_by_product=economics.revenue_by_product(sep.products,
                                                                     revenue_by_element),
        price_usd_per_kg=prices, sales_price_factor=volume_factor, payable=payable,
        npv_usd=economics.npv(rate, net), irr=irr, irr_status=status,
        payback_years=economics.payback_years(net) / periods, unit_cost_usd_per_kg_reo=unit_cost,
        unit_cost_usd_per_kg_by_element=economics.allocate_unit_cost(
            unit_cost, ox.oxide_t_per_year, prices * volume_factor * payable,
            p.unit_cost_allocation),
        break_even_price_multiplier=factor * p.price_multiplier, campaign_cost_usd=campaign,
        campaign_mud_dry_t=feed.campaign_tonnes_mean, campaign_reo_kg=reo_t * 1000.0 * campaign_share,
        programme_usd=np.asarray(p.public_programme_jpy / p.jpy_per_usd))
