"""Refining stage: oxalate precipitation and calcination to oxides (wiring only)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from reemud import refining
from reemud.records import OxideProducts, Rejection
from reemud.registry import register
from reemud.stages.common import IMPURITY_OXIDE, P, Params, impurity_isotherm, oxalate_isotherm


class OxalateCalcinationParams(Params):
    """Oxalate precipitation (PrOMMiS isotherm) and calcination to oxides."""

    oxalic_dosage_g_per_l: float = P("g/L", "oxalic-acid dosage of the precipitation", gt=0,
                                     le=200)
    purity_spec: float = P("", "required REO purity of the oxide products (mass fraction)", gt=0,
                           le=1)


@register("refining", "oxalate_calcination", OxalateCalcinationParams, default=True)
def run_oxalate_calcination(p: OxalateCalcinationParams,
                            up: Mapping[str, object], seed: int) -> OxideProducts:
    """Isotherm conversion per element, then stoichiometric calcination to oxides."""
    sep = up["separation"]
    eps, n = oxalate_isotherm()
    x = refining.oxalate_conversion(p.oxalic_dosage_g_per_l, eps, n)
    precipitated = sep.product_rey_t_per_year * x
    oxide, oxalic, co2 = refining.calcine(precipitated)
    isotherm = impurity_isotherm()
    impurity_oxide = {k: v * refining.precipitated_fraction(p.oxalic_dosage_g_per_l, *isotherm[k])
                      * IMPURITY_OXIDE[k] for k, v in sep.impurities_t_per_year.items()}
    reo = oxide.sum(axis=-1)
    nothing = Rejection(
        where=(reo <= 0.0) & (sep.product_rey_t_per_year.sum(axis=-1) > 0.0),
        path="refining.oxalic_dosage_g_per_l", given=p.oxalic_dosage_g_per_l,
        reason="the oxalic-acid dosage precipitates none of the REY in the strip liquors",
        fix="raise oxalic_dosage_g_per_l (the default, from the PrOMMiS isotherm, is in "
            "data/parameters.csv)")
    with np.errstate(invalid="ignore", divide="ignore"):
        purity = np.where(reo > 0, reo / (reo + sum(impurity_oxide.values(), 0.0)), np.nan)
    return OxideProducts(
        oxide_t_per_year=oxide, element_t_per_year=precipitated,
        loss_rey_t_per_year=sep.product_rey_t_per_year - precipitated,
        precipitation_recovery=x, oxalic_acid_t_per_year=oxalic,
        calcination_co2_t_per_year=co2, impurity_oxide_t_per_year=impurity_oxide,
        purity=purity, purity_spec=p.purity_spec, rejections=(nothing,))
