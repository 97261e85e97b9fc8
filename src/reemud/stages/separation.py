"""Separation stage: fixed recoveries, or a designed solvent-extraction flowsheet (wiring only)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

import numpy as np
from pydantic import field_validator

from reemud import separation
from reemud.constants import MINUTES_PER_YEAR
from reemud.elements import ATOMIC_MASS_G_PER_MOL, INDEX, N_ELEMENTS, REY, moles
from reemud.records import Rejection, SeparatedProducts
from reemud.registry import register
from reemud.separation.flowsheet import run_flowsheet
from reemud.stages.common import (
    P,
    Params,
    canonical,
    map_groups,
    one_of,
    separation_factor_sets,
)


class FixedRecoveryParams(Params):
    """Solvent extraction as a stated recovery per element."""

    recovery: float = P("", "fraction of each element reaching its product", gt=0, le=1)
    impurity_transfer_fraction: float = P("", "share of the liquor's Ca, Fe, Al reaching the "
                                          "strip liquors", ge=0, le=1)
    organic_flux_per_feed: float = P("", "organic RE flux per mole of feed RE in each cut", gt=0)
    cuts_per_element: float = P("", "mean number of SX cuts each element passes through", ge=1)


@register("separation", "fixed_recovery", FixedRecoveryParams,
          undefined=dict.fromkeys(("sx_stages", "sx_organic_inventory_m3"),
                                  "the fixed_recovery model designs no SX cascade"))
def run_fixed_recovery(p: FixedRecoveryParams, up: Mapping[str, object],
                       seed: int) -> SeparatedProducts:
    """Each element to its own product at a stated recovery; NaOH and HCl by stoichiometry.

    No cascade is designed: ``total_stages`` and ``organic_inventory_m3`` are NaN.
    """
    liquor = up["leaching"]
    rec = np.asarray(p.recovery, dtype=float)[..., None] * np.ones(N_ELEMENTS)
    product, loss = separation.split_fixed_recovery(liquor.rey_t_per_year, rec)
    naoh, hcl = separation.sx_reagents_t(liquor.rey_t_per_year, p.organic_flux_per_feed,
                                         p.cuts_per_element)
    return SeparatedProducts(
        products=REY, product_rey_t_per_year=product, loss_rey_t_per_year=loss, recovery=rec,
        naoh_t_per_year=naoh, hcl_t_per_year=hcl,
        impurities_t_per_year=separation.transferred_impurities_t(
            liquor.impurities_t_per_year, p.impurity_transfer_fraction),
        total_stages=np.nan, organic_inventory_m3=np.nan)


class SxFlowsheetParams(Params):
    """A direct sequence of extraction + scrub cascades splitting the REY into products."""

    separation_factors: str = P("", "set of relative distribution ratios in "
                                "data/separation_factors.csv")
    products: str = P("", "product groups, light to heavy: elements joined by +, groups by |")
    purity_spec: float = P("", "purity every cut must reach for both its products", gt=0.5,
                           lt=1)
    recovery_spec: float = P("", "recovery every cut must reach for both its products", gt=0,
                             lt=1)
    reflux_multiple: float = P("", "scrub flux over the minimum 1/(β − 1)", gt=1)
    max_stages: int = P("", "most stages a single cut may have", ge=2, le=5000)
    organic_loading_mol_per_l: float = P("mol/L", "RE carried per litre of loaded organic", gt=0)
    stage_residence_min: float = P("min", "organic residence time per mixer-settler stage", gt=0)
    impurity_transfer_fraction: float = P("", "share of the liquor's Ca, Fe, Al reaching the "
                                          "strip liquors", ge=0, le=1)

    @field_validator("separation_factors")
    @classmethod
    def _factors(cls, v: str) -> str:
        return one_of(v, separation_factor_sets())

    @field_validator("products")
    @classmethod
    def _products(cls, v: str) -> str:
        groups = [g.split("+") for g in v.replace(" ", "").split("|")]
        symbols = [s for g in groups for s in g]
        unknown = sorted(set(symbols) - set(REY))
        if unknown:
            raise ValueError(f"unknown elements {', '.join(unknown)}; use {', '.join(REY)}")
        if sorted(symbols) != sorted(REY):
            missing = sorted(set(REY) - set(symbols))
            raise ValueError(f"every REY must be in exactly one product (missing: "
                             f"{', '.join(missing) or 'none'}; repeated: "
                             f"{len(symbols) - len(set(symbols))})")
        return v


def _groups(products: str) -> list[list[str]]:
    """Product groups of a ``products`` string (``"La+Ce|Pr+Nd|…"``), light to heavy."""
    return [g.split("+") for g in products.replace(" ", "").split("|")]


def _members(product: str) -> list[int]:
    """Element indices of a product name (``"Pr+Nd"``)."""
    return [INDEX[s] for s in product.split("+")]


def _own_products(flows: Mapping[str, np.ndarray]) -> np.ndarray:
    """Molar flow of each element in its own product (misplaced elements left out)."""
    own = np.zeros(N_ELEMENTS)
    for name, flow in flows.items():
        own[_members(name)] = flow[_members(name)]
    return own


@lru_cache(maxsize=256)
def _solved(composition: tuple, factors: str, products: str, purity: float, recovery: float,
            reflux: float, max_stages: int) -> tuple:
    """``run_flowsheet`` on a unit feed of ``composition``: ``(product flows, cuts)``.

    Kept between blocks and for the single run's diagnostics. ``ValueError`` if a spec is not
    met.
    """
    return run_flowsheet(np.asarray(composition), separation_factor_sets()[factors],
                         _groups(products), purity=purity, recovery=recovery,
                         reflux_multiple=reflux, max_stages=max_stages)


def _single_key(p, composition) -> tuple:
    """The (canonical) ``_design`` arguments of a single run, as its one group computes them."""
    return (tuple(canonical(composition)), p.separation_factors, p.products,
            float(canonical(p.purity_spec)), float(canonical(p.recovery_spec)),
            float(canonical(p.reflux_multiple)), int(canonical(p.max_stages)))


@lru_cache(maxsize=256)
def _design(*key) -> Mapping:
    """The flowsheet designed for a feed composition, per unit feed (``_solved``).

    ``fraction``: share of each element reaching its own product; the cut totals
    (``separation.cut_totals``); ``invalid`` where the spec cannot be met.
    """
    comp = np.asarray(key[0])
    try:
        flows, cuts = _solved(*key)
    except ValueError:  # the spec cannot be met: the draws are rejected
        return MappingProxyType({"fraction": np.zeros(N_ELEMENTS), "reagent_mol": np.nan,
                                 "stage_flux_mol": np.nan, "stages": np.nan, "invalid": True})
    fraction = np.divide(_own_products(flows), comp, out=np.zeros(N_ELEMENTS), where=comp > 0)
    fraction.setflags(write=False)
    return MappingProxyType({"fraction": fraction, **separation.cut_totals(cuts),
                             "invalid": False})


def _composition(liquor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feed [Mmol/yr], its total and its composition (a unit feed) of the SX plant."""
    feed_mol = moles(liquor.rey_t_per_year)
    total = feed_mol.sum(axis=-1)
    return feed_mol, total, feed_mol / np.where(total > 0, total, 1.0)[..., None]


def flowsheet_diagnostics(p, up, sep: SeparatedProducts, seed: int) -> dict:
    """Every product's flows and purity, and every cut's design.

    The run's own design (the cache its single group filled), scaled to its feed: with constant
    distribution ratios the flows and each cut's feed scale with the feed, the rest are ratios.
    """
    _, total, composition = _composition(up["leaching"])
    flows, cuts = _solved(*_single_key(p, composition))
    scale = float(total / canonical(composition).sum()) if total > 0 else 0.0
    return {"products": {k: v * scale * ATOMIC_MASS_G_PER_MOL for k, v in flows.items()},
            "product_purity": {name: float(flow[_members(name)].sum() / flow.sum())
                               if flow.sum() > 0 else None for name, flow in flows.items()},
            "cuts": [{**c, "feed_mol": c["feed_mol"] * scale} for c in cuts]}


def _unmet_detail(p, composition) -> str:
    """Why the design of a single run's feed composition fails."""
    try:
        _solved(*_single_key(p, composition))
    except ValueError as exc:
        return str(exc)
    raise AssertionError("the design failed for the draws but not alone")


@register("separation", "sx_flowsheet", SxFlowsheetParams, default=True,
          diagnostics=flowsheet_diagnostics)
def run_sx_flowsheet(p: SxFlowsheetParams, up: Mapping[str, object],
                     seed: int) -> SeparatedProducts:
    """Design every cut to spec, solve the cascades, and account reagents and organic held.

    One design per distinct feed composition and spec: with constant distribution ratios every
    cascade is linear in its feed, component by component, so the design found for a composition
    gives each draw's products, reagents and organic inventory by scaling with its own feed.
    """
    liquor = up["leaching"]
    feed_mol, total, composition = _composition(liquor)  # Mmol/yr
    d = map_groups(lambda comp, purity, recovery, reflux, max_stages: _design(
        tuple(comp), p.separation_factors, p.products, purity, recovery, reflux, int(max_stages)),
        (composition, 1), p.purity_spec, p.recovery_spec, p.reflux_multiple, p.max_stages,
        shapes={"fraction": (N_ELEMENTS,), "reagent_mol": (), "stage_flux_mol": (), "stages": (),
                "invalid": ()})
    in_design = composition.sum(axis=-1)
    scale = np.where(in_design > 0, total / np.where(in_design > 0, in_design, 1.0), 0.0)
    product = feed_mol * d["fraction"] * ATOMIC_MASS_G_PER_MOL  # Mmol/yr x g/mol = t/yr
    naoh, hcl = separation.reagents_t(d["reagent_mol"] * scale)
    feed_t = liquor.rey_t_per_year
    unmet = Rejection(
        where=d["invalid"], path="separation.products", given=p.products,
        reason="every cut must reach the purity and recovery specs within max_stages",
        fix="change the product groups, the specs or max_stages",
        detail=lambda: _unmet_detail(p, composition))
    return SeparatedProducts(
        products=tuple("+".join(g) for g in _groups(p.products)),
        product_rey_t_per_year=product, loss_rey_t_per_year=feed_t - product,
        recovery=np.divide(product, feed_t, out=np.zeros(np.shape(product)),
                           where=np.broadcast_to(feed_t > 0, np.shape(product))),
        naoh_t_per_year=naoh, hcl_t_per_year=hcl,
        impurities_t_per_year=separation.transferred_impurities_t(
            liquor.impurities_t_per_year, p.impurity_transfer_fraction),
        total_stages=np.where(d["stages"] > 0, d["stages"], np.nan),
        organic_inventory_m3=separation.organic_inventory_m3(
            d["stage_flux_mol"] * scale, p.stage_residence_min, p.organic_loading_mol_per_l,
            MINUTES_PER_YEAR),
        rejections=(unmet,))
