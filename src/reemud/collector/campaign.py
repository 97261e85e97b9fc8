"""Campaign simulation of the seabed miner and its vessel (SimPy, event-driven).

What a campaign on site does, in order: run the pipe string (``L / v_run`` hours of workable
time; Chikyu ran riser and BOP at ~490 m/day, IODP Exp. 338), position over the first spot, then
for every spot: penetrate the gathering cylinder, stir and lift the spot's mud at the lift rate,
and relocate to the next spot. Work proceeds only while conditions allow:

- **sea state**: a two-state Markov chain (workable / beyond the DP and handling limit) with
  exponentially distributed spells;
- **typhoons**: Poisson arrivals, each stopping work for an exponentially distributed time;
- **breakdowns**: failures at exponential times (calendar MTBF) with exponential repair (MTTR);
- **storage**: lifted mud is dewatered into on-board storage, emptied by an offload every
  ``offload_interval_h``; lifting stops while storage is full.

The simulation is event-driven: each activity waits for its completion *or* for a change of
conditions, whichever comes first, so a 30-day campaign takes a few hundred events. Every
campaign draws from its own ``numpy`` generator spawned from the seed (``SeedSequence``), so the
results reproduce exactly for a seed, whatever the number of campaigns run alongside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np
import simpy

CATEGORIES = ("lifting", "penetration", "relocation", "positioning", "pipe running",
              "weather", "typhoon", "breakdown", "storage full")
"""How each hour of a campaign is spent; the last four are downtime."""
WORKING = CATEGORIES[:5]


@dataclass(frozen=True)
class CampaignSpec:
    """Inputs of one campaign [h, t, m as named]."""

    duration_h: float
    string_length_m: float
    running_speed_m_per_h: float
    positioning_h: float
    spot_dry_t: float
    penetration_h: float
    lift_rate_dry_t_per_h: float
    relocation_h: float
    workable_mean_h: float
    unworkable_mean_h: float
    typhoons_per_h: float
    typhoon_downtime_mean_h: float
    mtbf_h: float
    mttr_h: float
    storage_dry_t: float
    offload_interval_h: float

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"CampaignSpec.{f.name} must be finite and >= 0 (got {value})")


class _Conditions:
    """Shared state of one campaign; ``changed`` fires whenever any flag changes."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.rough = False
        self.typhoon = False
        self.broken = False
        self.storage_t = 0.0
        self.changed = env.event()

    def notify(self) -> None:
        event, self.changed = self.changed, self.env.event()
        event.succeed()

    def blocker(self, lifting: bool, capacity_t: float) -> str | None:
        if self.typhoon:
            return "typhoon"
        if self.rough:
            return "weather"
        if self.broken:
            return "breakdown"
        if lifting and self.storage_t >= capacity_t - 1e-9:
            return "storage full"
        return None


MAX_EVENTS = 5e6
"""Most simulation events a campaign request may take (campaigns × events per campaign): about a
minute of SimPy on one core (~10 µs an event). The defaults take ~400 a campaign."""


def events_per_campaign(*, duration_h, spot_dry_t, penetration_h, lift_rate_dry_t_per_h,
                        relocation_h, workable_mean_h, unworkable_mean_h, mtbf_h, mttr_h,
                        storage_dry_t, offload_interval_h, typhoons_per_h=0.0,
                        typhoon_downtime_mean_h=0.0, **_):
    r"""Expected simulation events of one campaign [-] (inf where a cycle takes no time).

    Three events per spot cycle, two per spell of each on/off process, one per offload and per
    storage fill, over the duration :math:`D`:

    .. math::

        E \approx \frac{3D}{t_{pen} + m_{spot}/\dot m + t_{reloc}}
            + \frac{2D}{t_{work} + t_{rough}} + \frac{2D}{t_{MTBF} + t_{MTTR}}
            + \frac{D}{t_{offload}} + \frac{D\,\dot m}{m_{store}} + 2D\lambda_{typhoon}

    Keyword arguments are the ``CampaignSpec`` fields [h, t, t/h, 1/h], scalars or arrays of
    draws; others are ignored.

    Returns
    -------
    ndarray
        Events per campaign [-].

    References
    ----------
    docs/models/collector.md §2.3.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        cycle = (np.asarray(penetration_h) + np.asarray(relocation_h)
                 + np.asarray(spot_dry_t) / np.asarray(lift_rate_dry_t_per_h))
        d = np.asarray(duration_h, dtype=float)
        events = (3 * d / cycle + 2 * d / (np.asarray(workable_mean_h) + unworkable_mean_h)
                  + 2 * d / (np.asarray(mtbf_h) + mttr_h) + d / np.asarray(offload_interval_h)
                  + d * np.asarray(lift_rate_dry_t_per_h) / np.asarray(storage_dry_t)
                  + 2 * d * np.asarray(typhoons_per_h))
    return np.where(np.isnan(events), np.inf, events)


def simulate_campaign(spec: CampaignSpec, rng: np.random.Generator) -> dict[str, float]:
    """Run one campaign; return delivered dry tonnes, spots done and hours by category.

    Parameters
    ----------
    spec : CampaignSpec
        Inputs of the campaign (durations [h], tonnages [t], string length [m], running speed
        [m/h], lift rate [t/h], typhoon rate [1/h]).
    rng : numpy.random.Generator
        Source of the exponential spells (weather, typhoons, breakdowns).

    Returns
    -------
    dict
        ``tonnes`` (dry mud lifted [t]), ``spots`` (spots completed [-]) and ``"<category> h"``
        (hours booked to each of ``CATEGORIES`` [h]; they add up to ``spec.duration_h``).

    References
    ----------
    docs/models/collector.md §2.3; running speed from IODP Expedition 338 proceedings
    (Chikyu riser and BOP at ~490 m/day).
    """
    env = simpy.Environment()
    cond = _Conditions(env)
    hours = dict.fromkeys(CATEGORIES, 0.0)
    out = {"tonnes": 0.0, "spots": 0.0}

    def toggling(attr: str, mean_on: float, mean_off: float):
        while True:
            yield env.timeout(rng.exponential(mean_on))
            setattr(cond, attr, True)
            cond.notify()
            yield env.timeout(rng.exponential(mean_off))
            setattr(cond, attr, False)
            cond.notify()

    def offloads():
        while True:
            yield env.timeout(spec.offload_interval_h)
            cond.storage_t = 0.0
            cond.notify()

    def work(needed_h: float, category: str, lifting: bool = False):
        remaining = needed_h
        while remaining > 1e-9:
            reason = cond.blocker(lifting, spec.storage_dry_t)
            start = env.now
            if reason is not None:
                yield cond.changed
                hours[reason] += env.now - start
                continue
            step = remaining
            if lifting:
                step = min(step, (spec.storage_dry_t - cond.storage_t) / spec.lift_rate_dry_t_per_h)
            yield env.timeout(step) | cond.changed
            elapsed = env.now - start
            remaining -= elapsed
            hours[category] += elapsed
            if lifting:
                lifted = elapsed * spec.lift_rate_dry_t_per_h
                cond.storage_t += lifted
                out["tonnes"] += lifted
                if cond.storage_t >= spec.storage_dry_t - 1e-9:
                    cond.notify()

    def operations():
        yield from work(spec.string_length_m / spec.running_speed_m_per_h, "pipe running")
        yield from work(spec.positioning_h, "positioning")
        while True:
            yield from work(spec.penetration_h, "penetration")
            yield from work(spec.spot_dry_t / spec.lift_rate_dry_t_per_h, "lifting", lifting=True)
            out["spots"] += 1.0
            yield from work(spec.relocation_h, "relocation")

    env.process(toggling("rough", spec.workable_mean_h, spec.unworkable_mean_h))
    if spec.typhoons_per_h > 0:
        env.process(toggling("typhoon", 1.0 / spec.typhoons_per_h, spec.typhoon_downtime_mean_h))
    env.process(toggling("broken", spec.mtbf_h, spec.mttr_h))
    env.process(offloads())
    env.process(operations())
    env.run(until=spec.duration_h)
    return {**out, **{f"{k} h": v for k, v in hours.items()}}


def simulate_campaigns(spec: CampaignSpec, n: int, seed: int,
                       progress: Callable[[int], None] | None = None) -> dict[str, np.ndarray]:
    """Run ``n`` independent campaigns from one seed; arrays of every output, one per campaign.

    Campaign ``i`` always uses the ``i``-th child of ``SeedSequence(seed)``, so the first ``k``
    results are the same whatever ``n`` is. ``progress(i)`` is called after each campaign.

    Parameters
    ----------
    spec : CampaignSpec
        Inputs of every campaign (see ``simulate_campaign``).
    n : int
        Number of campaigns [-].
    seed : int
        Seed of the ``numpy.random.SeedSequence`` whose children drive the campaigns.
    progress : callable, optional
        Called with the number of campaigns done after each one.

    Returns
    -------
    dict
        The keys of ``simulate_campaign`` (``tonnes`` [t], ``spots`` [-], ``"<category> h"``
        [h]), each an array of shape ``(n,)``.

    References
    ----------
    docs/models/collector.md §2.3.
    """
    children = np.random.SeedSequence(seed).spawn(n)
    rows = []
    for i, child in enumerate(children):
        rows.append(simulate_campaign(spec, np.random.default_rng(child)))
        if progress is not None:
            progress(i + 1)
    return {k: np.array([r[k] for r in rows]) for k in rows[0]}


def summarise(results: dict[str, np.ndarray], duration_h: float) -> dict[str, float]:
    """Mean and standard error of the tonnage; mean working and down fractions of the time.

    Parameters
    ----------
    results : dict
        Output of ``simulate_campaigns``: ``tonnes`` [t], ``spots`` [-] and ``"<category> h"``
        [h], one entry per campaign.
    duration_h : float
        Duration of each campaign [h].

    Returns
    -------
    dict
        ``campaigns`` (count [-]), ``tonnes_mean``, ``tonnes_standard_error`` (NaN for one
        campaign), ``tonnes_p10`` and ``tonnes_p90`` (10th and 90th percentiles) [t],
        ``working_fraction`` and ``lifting_fraction`` (mean shares of the duration [-]) and
        ``spots_mean`` [-].

    References
    ----------
    docs/models/collector.md §2.3.
    """
    tonnes = results["tonnes"]
    n = tonnes.size
    working_h = sum(results[f"{k} h"] for k in WORKING)
    return {
        "campaigns": float(n),
        "tonnes_mean": float(tonnes.mean()),
        "tonnes_standard_error": float(tonnes.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan"),
        "tonnes_p10": float(np.percentile(tonnes, 10)),
        "tonnes_p90": float(np.percentile(tonnes, 90)),
        "working_fraction": float(working_h.mean() / duration_h),
        "lifting_fraction": float(results["lifting h"].mean() / duration_h),
        "spots_mean": float(results["spots"].mean()),
    }
