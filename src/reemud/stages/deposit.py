"""Deposit stage: the resource of a block from a layered grade profile (wiring only)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from pydantic import field_validator

from reemud import deposit, lifting
from reemud.elements import element_to_oxide_t
from reemud.particles import lognormal_class_fractions
from reemud.records import Deposit
from reemud.registry import register
from reemud.stages.common import P, Params, grade_profiles, mud_phase_sets, one_of, rey_patterns


class LayeredDepositParams(Params):
    """Layered grade-depth profile over a block, and the mud's grain phases."""

    water_depth_m: float = P("m", "water depth at the site", gt=0, le=11000)
    area_km2: float = P("km**2", "area of the block whose resource is counted", gt=0)
    resource_top_mbsf: float = P("m", "top of the counted interval below the seafloor", ge=0)
    resource_bottom_mbsf: float = P("m", "bottom of the counted interval below the seafloor",
                                    gt=0)
    grade_profile: str = P("", "name of a grade-depth profile in data/grade_profiles.csv")
    grade_multiplier: float = P("", "factor on every layer's ΣREY grade of the profile "
                                "(what-ifs and grade break-evens)", gt=0)
    rey_pattern: str = P("", "name of a relative REY pattern in data/rey_patterns.csv")
    grain_density_t_per_m3: float = P("t/m**3", "bulk density of the mud's solid grains", gt=1.1,
                                      le=6)
    porosity: float = P("", "porosity of the in-situ mud (void volume / total volume)", gt=0,
                        lt=1)
    seawater_density_kg_per_m3: float = P("kg/m**3", "density of seawater at the site", ge=1000,
                                          le=1060)
    bottom_temperature_c: float = P("degC", "temperature of the near-bottom seawater", ge=-2,
                                    le=40)
    salinity_kg_per_kg: float = P("", "salinity of the near-bottom seawater", ge=0, le=0.15)
    mud_phases: str = P("", "name of a set of grain phases in data/mud_phases.csv")

    @field_validator("grade_profile")
    @classmethod
    def _profile(cls, v: str) -> str:
        return one_of(v, grade_profiles())

    @field_validator("rey_pattern")
    @classmethod
    def _pattern(cls, v: str) -> str:
        return one_of(v, rey_patterns())

    @field_validator("mud_phases")
    @classmethod
    def _phases(cls, v: str) -> str:
        return one_of(v, mud_phase_sets())

    @classmethod
    def relations(cls, v):
        """The counted interval is ordered and inside the grade profile."""
        top, bottom, _ = grade_profiles()[v.grade_profile]
        return [
            (v.resource_bottom_mbsf <= v.resource_top_mbsf,
             lambda: "resource_bottom_mbsf must be deeper than resource_top_mbsf"),
            ((v.resource_top_mbsf < top.min()) | (v.resource_bottom_mbsf > bottom.max()),
             lambda: f"the counted interval {v.resource_top_mbsf}-{v.resource_bottom_mbsf} mbsf "
                     f"leaves the profile {v.grade_profile!r} ({top.min()}-{bottom.max()} mbsf)"),
        ]


def phase_properties(phases: Mapping[str, Mapping]) -> dict[str, dict]:
    """The record fields of a grain-phase set (``data/mud_phases.csv``)."""
    return dict(
        phase_grade_ppm={k: v["grade_ppm"] for k, v in phases.items()},
        phase_density_kg_per_m3={k: v["density_t_per_m3"] * 1000.0 for k, v in phases.items()},
        phase_size_fractions={k: lognormal_class_fractions(np.array(v["median_um"]),
                                                           np.array(v["geometric_sd"]))
                              for k, v in phases.items()},
        phase_role={k: v["role"] for k, v in phases.items()},
        phase_matrix_share={k: v["matrix_share"] for k, v in phases.items()},
        phase_leach_group={k: v["leach_group"] for k, v in phases.items()})


@register("deposit", "layered", LayeredDepositParams, default=True)
def run_layered_deposit(p: LayeredDepositParams, up: Mapping[str, object], seed: int) -> Deposit:
    """Resource of a block from a layered grade profile, dry bulk density and a REY pattern."""
    top, bottom, base = grade_profiles()[p.grade_profile]
    grade = np.asarray(p.grade_multiplier, dtype=float)[..., None] * base  # draws first
    pattern = rey_patterns()[p.rey_pattern]
    rho_d = deposit.dry_bulk_density_t_per_m3(p.grain_density_t_per_m3, p.porosity)
    rey_total = deposit.resource_rey_t(p.area_km2, top, bottom, grade, p.resource_top_mbsf,
                                       p.resource_bottom_mbsf, rho_d)
    dry_t = deposit.resource_dry_t(p.area_km2, p.resource_top_mbsf, p.resource_bottom_mbsf,
                                   rho_d)
    rey = deposit.split_by_pattern(rey_total, pattern)
    return Deposit(
        water_depth_m=p.water_depth_m, area_km2=p.area_km2,
        grain_density_t_per_m3=p.grain_density_t_per_m3, porosity=p.porosity,
        dry_bulk_density_t_per_m3=rho_d,
        seawater_density_kg_per_m3=p.seawater_density_kg_per_m3,
        seawater_viscosity_pa_s=lifting.seawater_viscosity_pa_s(p.bottom_temperature_c,
                                                                p.salinity_kg_per_kg),
        layer_top_mbsf=top, layer_bottom_mbsf=bottom, layer_grade_ppm=grade,
        rey_pattern=pattern, resource_top_mbsf=p.resource_top_mbsf,
        resource_bottom_mbsf=p.resource_bottom_mbsf, resource_dry_t=dry_t,
        resource_mean_grade_ppm=rey_total / dry_t * 1e6, resource_rey_t=rey,
        resource_reo_t=element_to_oxide_t(rey).sum(axis=-1),
        **phase_properties(mud_phase_sets()[p.mud_phases]))
