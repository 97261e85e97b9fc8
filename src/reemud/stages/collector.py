"""Collector stage: the seabed miner's throughput, by availability or by campaign simulation."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import numpy as np

from reemud import collector, deposit
from reemud.beneficiation import phase_mass_fractions
from reemud.collector import campaign
from reemud.constants import DAYS_PER_YEAR, HOURS_PER_DAY, HOURS_PER_YEAR
from reemud.records import Deposit, MudFeed, Rejection
from reemud.registry import register
from reemud.stages.common import P, Params, canonical, map_groups


class MinedIntervalParams(Params):
    """What every collector model shares: the mined interval and the seabed escape."""

    mining_top_mbsf: float = P("m", "top of the mined interval below the seafloor", ge=0)
    mining_bottom_mbsf: float = P("m", "bottom of the mined interval below the seafloor", gt=0)
    plume_escape_fraction: float = P("", "share of the disturbed mud that escapes at the seabed",
                                     ge=0, lt=1)

    @classmethod
    def relations(cls, v):
        """The mined interval is ordered."""
        return [(v.mining_bottom_mbsf <= v.mining_top_mbsf,
                 lambda: "mining_bottom_mbsf must be deeper than mining_top_mbsf")]


class ThroughputAvailabilityParams(MinedIntervalParams):
    """Seabed miner as a daily throughput and an availability."""

    mud_dry_t_per_day: float = P("t/day", "dry mass the miner delivers per operating day", gt=0)
    availability: float = P("", "fraction of calendar time the miner operates", gt=0, le=1)


def _mud_feed(p, dep: Deposit, *, mud_year, days, lift_rate, lifting_hours,
              tonnes_mean=np.nan, tonnes_se=np.nan, cycle=None, rejections=()) -> MudFeed:
    """The mined mud's grade, grain phases and REY (scalars, or arrays over draws)."""
    grade_total = deposit.mean_grade_ppm(dep.layer_top_mbsf, dep.layer_bottom_mbsf,
                                         dep.layer_grade_ppm, p.mining_top_mbsf,
                                         p.mining_bottom_mbsf)
    carrier = next(k for k, r in dep.phase_role.items() if r == "carrier")
    matrix = [k for k, r in dep.phase_role.items() if r != "carrier"]
    f_ap, matrix_fractions = phase_mass_fractions(
        grade_total, dep.phase_grade_ppm[carrier], [dep.phase_grade_ppm[k] for k in matrix],
        [dep.phase_matrix_share[k] for k in matrix])
    fractions = {carrier: f_ap, **{k: matrix_fractions[..., i] for i, k in enumerate(matrix)}}
    rho = dep.phase_density_kg_per_m3
    grade = np.asarray(grade_total)[..., None] * dep.rey_pattern
    escaped = collector.escaped_dry_t(mud_year, p.plume_escape_fraction)
    outside = Rejection(
        where=~((f_ap > 0.0) & (f_ap < 1.0)), path="deposit.mud_phases", given=carrier,
        reason="the mined mud's grade must lie between the matrix and carrier grades of the "
               "phase set",
        fix="choose a phase set whose grades bracket the mined grade, or mine a different "
            "interval",
        detail=lambda: f"it is {float(grade_total):.0f} ppm")
    return MudFeed(
        mud_dry_t_per_day=mud_year / days, operating_days_per_year=days,
        mud_dry_t_per_year=mud_year, mining_top_mbsf=p.mining_top_mbsf,
        mining_bottom_mbsf=p.mining_bottom_mbsf, grade_ppm=grade,
        rey_t_per_year=np.asarray(mud_year)[..., None] * grade * 1e-6,
        escaped_dry_t_per_year=escaped,
        escaped_rey_t_per_year=np.asarray(escaped)[..., None] * grade * 1e-6,
        apatite_fraction=f_ap, phase_mass_fractions=fractions,
        solids_density_kg_per_m3=1.0 / sum(fractions[k] / rho[k] for k in fractions),
        lift_rate_dry_t_per_h=lift_rate, lifting_hours_per_year=lifting_hours,
        campaign_tonnes_mean=tonnes_mean, campaign_tonnes_standard_error=tonnes_se,
        **(cycle or dict.fromkeys(("campaign_days", "spot_dry_t", "spot_cycle_h",
                                   "spot_cycle_h_for_target"), np.nan)),
        rejections=(outside, *rejections))


CAMPAIGN_KPIS = ("campaign_tonnes_mean", "campaign_tonnes_standard_error", "spot_cycle_h",
                 "spot_cycle_h_for_target", "campaign_cost_usd", "campaign_reo_kg",
                 "campaign_cost_usd_per_t_mud", "programme_cost_usd_per_t_mud",
                 "programme_cost_usd_per_kg_reo")
"""KPIs of one simulated campaign: undefined (null) when the collector simulates none."""


@register("collector", "throughput_availability", ThroughputAvailabilityParams, default=True,
          undefined=dict.fromkeys(CAMPAIGN_KPIS, "no campaign is simulated (the collector's "
                                                 "model is not `campaign`)"))
def run_throughput_availability(p: ThroughputAvailabilityParams, up: Mapping[str, object],
                                seed: int) -> MudFeed:
    """Daily throughput times availability; grade = mean of the layers over the mined interval."""
    days = collector.operating_days_per_year(p.availability)
    return _mud_feed(p, up["deposit"],
                     mud_year=collector.annual_mud_dry_t(p.mud_dry_t_per_day, p.availability),
                     days=days, lift_rate=p.mud_dry_t_per_day / HOURS_PER_DAY,
                     lifting_hours=days * HOURS_PER_DAY)


class CampaignParams(MinedIntervalParams):
    """Campaign simulation (SimPy): pipe running, spot cycles, weather, typhoons, breakdowns."""

    cylinder_diameter_m: float = P("m", "diameter of the gathering cylinder", gt=0, le=50)
    spot_recovery_fraction: float = P("", "share of the cylinder's mud lifted at each spot", gt=0,
                                      le=1)
    lift_rate_dry_t_per_h: float = P("t/hour", "dry mud lifted per hour while lifting", gt=0)
    campaign_days: float = P("day", "days on site per campaign", gt=0, le=3660)
    running_speed_m_per_day: float = P("m/day", "speed of running the pipe string", gt=0)
    positioning_h: float = P("hour", "positioning over the first spot", ge=0)
    penetration_h: float = P("hour", "penetrating the cylinder at a spot", ge=0)
    relocation_h: float = P("hour", "pulling out and moving to the next spot", ge=0)
    workable_mean_h: float = P("hour", "mean spell of workable sea state", gt=0)
    unworkable_mean_h: float = P("hour", "mean spell of sea state beyond the working limit", gt=0)
    typhoons_per_month: float = P("1/month", "tropical cyclones per month in the basin", ge=0)
    typhoon_site_fraction: float = P("", "share of the basin's typhoons that stop work on site",
                                     ge=0, le=1)
    typhoon_downtime_mean_days: float = P("day", "mean working time lost per typhoon", ge=0)
    mtbf_h: float = P("hour", "mean time between breakdowns (calendar)", gt=0)
    mttr_h: float = P("hour", "mean time to repair", gt=0)
    storage_dry_t: float = P("t", "on-board storage of dewatered mud (dry mass)", gt=0)
    offload_interval_h: float = P("hour", "time between offloads of the storage", gt=0)
    target_mud_dry_t_per_day: float = P("t/day", "the campaign's stated daily target (dry), "
                                        "against which the spot cycle is judged", gt=0)
    campaigns: int = P("", "number of simulated campaigns (Monte Carlo over seeds)", ge=2,
                       le=100000)


def campaign_fields(p, dep) -> dict:
    """The ``CampaignSpec`` fields implied by the collector parameters and the site."""
    height = p.mining_bottom_mbsf - p.mining_top_mbsf
    spot_t = (np.pi * p.cylinder_diameter_m**2 / 4.0 * height * dep.dry_bulk_density_t_per_m3
              * p.spot_recovery_fraction)
    return dict(
        duration_h=p.campaign_days * HOURS_PER_DAY, string_length_m=dep.water_depth_m,
        running_speed_m_per_h=p.running_speed_m_per_day / HOURS_PER_DAY,
        positioning_h=p.positioning_h, spot_dry_t=spot_t, penetration_h=p.penetration_h,
        lift_rate_dry_t_per_h=p.lift_rate_dry_t_per_h, relocation_h=p.relocation_h,
        workable_mean_h=p.workable_mean_h, unworkable_mean_h=p.unworkable_mean_h,
        typhoons_per_h=p.typhoons_per_month * p.typhoon_site_fraction * 12.0 / HOURS_PER_YEAR,
        typhoon_downtime_mean_h=p.typhoon_downtime_mean_days * HOURS_PER_DAY,
        mtbf_h=p.mtbf_h, mttr_h=p.mttr_h, storage_dry_t=p.storage_dry_t,
        offload_interval_h=p.offload_interval_h)


def campaign_spec(p: CampaignParams, dep: Deposit) -> campaign.CampaignSpec:
    """The campaign inputs of a single run (canonical values, as ``run_campaign`` groups them)."""
    return campaign.CampaignSpec(**{k: float(canonical(v))
                                    for k, v in campaign_fields(p, dep).items()})


@lru_cache(maxsize=64)
def _campaign_year(spec: campaign.CampaignSpec, campaigns: int, seed: int) -> dict:
    """Mean campaign scaled to a year: mud [t/yr], working days, lifting hours, summary.

    Kept between blocks of draws and for the single run's diagnostics.
    """
    results = campaign.simulate_campaigns(spec, campaigns, seed)
    summary = campaign.summarise(results, spec.duration_h)
    scale = DAYS_PER_YEAR / (spec.duration_h / HOURS_PER_DAY)
    return dict(results=results, summary=summary, mud_year=summary["tonnes_mean"] * scale,
                days=summary["working_fraction"] * DAYS_PER_YEAR,
                lifting_hours=summary["lifting_fraction"] * HOURS_PER_YEAR)


def campaign_diagnostics(p: CampaignParams, up: Mapping[str, object], feed: MudFeed,
                         seed: int) -> dict:
    """The single run's campaign summary: every campaign's tonnes and the mean time budget."""
    spec = campaign_spec(p, up["deposit"])
    year = _campaign_year(spec, int(p.campaigns), seed)  # the run's own simulation, cached
    results = year["results"]
    return {"campaign": {**year["summary"], "spot_dry_t": spec.spot_dry_t,
                         "tonnes": results["tonnes"],
                         **{f"mean {k} h": float(results[f"{k} h"].mean())
                            for k in campaign.CATEGORIES}}}


@register("collector", "campaign", CampaignParams, diagnostics=campaign_diagnostics)
def run_campaign(p: CampaignParams, up: Mapping[str, object], seed: int) -> MudFeed:
    """Monte Carlo of SimPy campaigns; yearly figures scale the mean campaign to a year.

    One SimPy Monte Carlo per distinct campaign input (all draws share it when none is drawn).
    """
    dep = up["deposit"]
    fields = campaign_fields(p, dep)
    per_campaign = campaign.events_per_campaign(**fields)
    events = per_campaign * np.asarray(p.campaigns)
    too_long = ~(events <= campaign.MAX_EVENTS)
    slow_cycle = too_long & ~(per_campaign <= campaign.MAX_EVENTS / 100)
    # a refused draw is simulated as one hour of hour-long steps (its result is discarded): no
    # request of billions of events is started
    for name in ("duration_h", "positioning_h", "spot_dry_t", "penetration_h",
                 "lift_rate_dry_t_per_h", "relocation_h", "workable_mean_h", "unworkable_mean_h",
                 "mtbf_h", "mttr_h", "storage_dry_t", "offload_interval_h",
                 "running_speed_m_per_h", "typhoon_downtime_mean_h"):
        fields[name] = np.where(too_long, 1.0, fields[name])
    fields["typhoons_per_h"] = np.where(too_long, 0.0, fields["typhoons_per_h"])
    limit = f"more than {campaign.MAX_EVENTS:.0e} simulation events"
    refused = (
        Rejection(where=slow_cycle, path="collector.penetration_h", given=p.penetration_h,
                  reason=f"the campaigns would take {limit}: a spot cycle, a weather or "
                         "breakdown spell or the offload interval is far too short",
                  fix="give the spot cycle (penetration_h, relocation_h and the lifting of a "
                      "spot) and the spell means realistic lengths of an hour or more",
                  detail=lambda: f"about {float(per_campaign):.2g} events a campaign"),
        Rejection(where=too_long & ~slow_cycle, path="collector.campaigns", given=p.campaigns,
                  reason=f"the campaigns would take {limit}",
                  fix="simulate fewer campaigns",
                  detail=lambda: f"about {float(per_campaign):.2g} events a campaign, at most "
                                 f"{campaign.MAX_EVENTS / float(per_campaign):,.0f} campaigns"))
    def simulate(*values):
        spec = campaign.CampaignSpec(**{k: float(v) for k, v in zip(fields, values[:-1],
                                                                     strict=True)})
        year = _campaign_year(spec, int(values[-1]), seed)
        return {"mud_year": year["mud_year"], "days": year["days"],
                "lifting_hours": year["lifting_hours"],
                "tonnes_mean": year["summary"]["tonnes_mean"],
                "tonnes_se": year["summary"]["tonnes_standard_error"]}

    out = map_groups(simulate, *fields.values(), p.campaigns,
                     shapes=dict.fromkeys(("mud_year", "days", "lifting_hours", "tonnes_mean",
                                           "tonnes_se"), ()))
    cycle_h = collector.spot_cycle_h(fields["spot_dry_t"], p.lift_rate_dry_t_per_h,
                                     p.penetration_h, p.relocation_h)
    return _mud_feed(p, dep, mud_year=out["mud_year"], days=out["days"],
                     lift_rate=p.lift_rate_dry_t_per_h, lifting_hours=out["lifting_hours"],
                     tonnes_mean=out["tonnes_mean"], tonnes_se=out["tonnes_se"],
                     cycle=dict(campaign_days=np.asarray(p.campaign_days, dtype=float),
                                spot_dry_t=fields["spot_dry_t"], spot_cycle_h=cycle_h,
                                spot_cycle_h_for_target=collector.cycle_h_for_rate(
                                    fields["spot_dry_t"], p.target_mud_dry_t_per_day)),
                     rejections=(*refused, Rejection(
                         where=~too_long & ~(out["tonnes_mean"] > 0), path="collector.workable_mean_h",
                         given=p.workable_mean_h,
                         reason="the simulated campaigns deliver no mud: every hour goes to pipe "
                                "running, weather, typhoons, breakdowns or a full storage",
                         fix="check the spell means, campaign_days and running_speed_m_per_day")))
