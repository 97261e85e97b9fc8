"""Market stage: Japan's demand coverage and the share of world supply (wiring only)."""

from __future__ import annotations

from collections.abc import Mapping

from reemud import market
from reemud.records import MarketOutcome
from reemud.registry import register
from reemud.stages.common import P, Params, japan_demand


class JapanCoverageParams(Params):
    """Japan's demand coverage and the share of world supply."""

    world_production_t_reo: float = P("t/year", "world mine production of REO", gt=0)


@register("market", "japan_coverage", JapanCoverageParams, default=True)
def run_japan_coverage(p: JapanCoverageParams, up: Mapping[str, object],
                       seed: int) -> MarketOutcome:
    """Production over Japan's sourced demand items (La, Ce, Pr+Nd, Eu, Y, total)."""
    ox = up["refining"]
    items = japan_demand()
    return MarketOutcome(
        japan_demand_coverage=market.demand_coverage(ox.oxide_t_per_year, items),
        japan_demand_t_per_year={k: v[1] for k, v in items.items()},
        world_supply_share=market.world_share(ox.oxide_t_per_year, p.world_production_t_reo))
