r"""Deposit: grade-depth profiles, dry bulk density and the in-situ REY resource.

The resource of a block of area ``A`` between depths ``z_top`` and ``z_bottom`` below the seafloor,
with layers ``i`` of constant ΣREY grade ``g_i`` [ppm] between ``t_i`` and ``b_i`` [mbsf]:

.. math::

    M_{REY} = A \, \rho_d \sum_i \max(0, \min(b_i, z_b) - \max(t_i, z_t)) \, g_i \, 10^{-6}

with dry bulk density :math:`\rho_d = \rho_s (1 - n)` from grain density ``ρ_s`` and porosity
``n`` (Bruevich & Kulik 1967 give ρ_s ≈ 2.50 t/m³ and n = 75–80 % for Pacific red clay, i.e.
ρ_d = 0.50–0.63 t/m³). Takaya et al. (2018, Sci. Rep. 8:5763) estimate >16 Mt REO in ~2,500 km²
over 0–10 mbsf at a mean 964 ppm; the same arithmetic with ρ_d = 0.5625 t/m³ gives 16.3 Mt.

All functions broadcast over a leading draw axis.
"""

from __future__ import annotations

import numpy as np

M2_PER_KM2 = 1.0e6


def dry_bulk_density_t_per_m3(grain_density_t_per_m3, porosity):
    """Dry bulk density ``ρ_d = ρ_s (1 − n)`` [t/m³] from grain density [t/m³] and porosity [-].

    Parameters
    ----------
    grain_density_t_per_m3 : float or array_like
        Density of the solid grains ``ρ_s`` [t/m³] (draws first).
    porosity : float or array_like
        Porosity ``n`` of the in-situ mud, void over total volume [-] (draws first).

    Returns
    -------
    ndarray
        Dry bulk density [t/m³], the broadcast shape of the inputs.

    References
    ----------
    Bruevich, S.V. & Kulik, E.I. (1967) Trudy Inst. Okeanol. 83:153–168 (Pacific red clay:
    ρ_s ≈ 2.50 t/m³, n = 75–80 %); docs/models/deposit.md §2.2, §3.2.
    """
    return np.asarray(grain_density_t_per_m3) * (1.0 - np.asarray(porosity))


def layer_overlap_m(top_mbsf, bottom_mbsf, z_top_mbsf, z_bottom_mbsf):
    """Thickness of each layer inside the interval ``[z_top, z_bottom]`` [m].

    ``top_mbsf``/``bottom_mbsf`` have the layers on their last axis; ``z_*`` broadcast against
    the leading axes.

    Parameters
    ----------
    top_mbsf, bottom_mbsf : array_like
        Top and bottom of each layer [m below the seafloor], layers on the last axis.
    z_top_mbsf, z_bottom_mbsf : float or array_like
        Top and bottom of the counted interval [m below the seafloor] (draws first).

    Returns
    -------
    ndarray
        ``max(0, min(b_i, z_b) − max(t_i, z_t))`` of each layer [m], layers on the last axis.

    References
    ----------
    docs/models/deposit.md §3.1.
    """
    top = np.asarray(top_mbsf, dtype=float)
    bottom = np.asarray(bottom_mbsf, dtype=float)
    z_top = np.asarray(z_top_mbsf, dtype=float)[..., None]
    z_bottom = np.asarray(z_bottom_mbsf, dtype=float)[..., None]
    return np.clip(np.minimum(bottom, z_bottom) - np.maximum(top, z_top), 0.0, None)


def mean_grade_ppm(top_mbsf, bottom_mbsf, grade_ppm, z_top_mbsf, z_bottom_mbsf):
    """Thickness-weighted mean ΣREY grade of the layers inside ``[z_top, z_bottom]`` [ppm].

    Parameters
    ----------
    top_mbsf, bottom_mbsf : array_like
        Top and bottom of each layer [m below the seafloor], layers on the last axis.
    grade_ppm : array_like
        ΣREY grade of each layer [ppm of element in dry mud], layers on the last axis (draws
        first).
    z_top_mbsf, z_bottom_mbsf : float or array_like
        Top and bottom of the interval [m below the seafloor] (draws first).

    Returns
    -------
    ndarray
        Mean grade ``Σ h_i g_i / Σ h_i`` [ppm], the leading (draw) shape; NaN if the interval
        holds no layer.

    References
    ----------
    docs/models/deposit.md §3.1; docs/models/collector.md §2.2.
    """
    overlap = layer_overlap_m(top_mbsf, bottom_mbsf, z_top_mbsf, z_bottom_mbsf)
    thickness = overlap.sum(axis=-1)
    return (overlap * np.asarray(grade_ppm, dtype=float)).sum(axis=-1) / thickness


def resource_dry_t(area_km2, z_top_mbsf, z_bottom_mbsf, dry_density_t_per_m3):
    """Dry mass of mud in a block of ``area_km2`` between two depths [t].

    Parameters
    ----------
    area_km2 : float or array_like
        Area of the block [km²] (draws first).
    z_top_mbsf, z_bottom_mbsf : float or array_like
        Top and bottom of the counted interval [m below the seafloor] (draws first).
    dry_density_t_per_m3 : float or array_like
        Dry bulk density of the mud [t/m³] (draws first).

    Returns
    -------
    ndarray
        ``A · 10⁶ · (z_b − z_t) · ρ_d`` [t], the broadcast shape of the inputs.

    References
    ----------
    docs/models/deposit.md §3.1.
    """
    thickness = np.asarray(z_bottom_mbsf) - np.asarray(z_top_mbsf)
    return np.asarray(area_km2) * M2_PER_KM2 * thickness * np.asarray(dry_density_t_per_m3)


def resource_rey_t(area_km2, top_mbsf, bottom_mbsf, grade_ppm, z_top_mbsf, z_bottom_mbsf,
                   dry_density_t_per_m3):
    """In-situ ΣREY (element mass) of a block, integrating the layered grade profile [t].

    Parameters
    ----------
    area_km2 : float or array_like
        Area of the block [km²] (draws first).
    top_mbsf, bottom_mbsf : array_like
        Top and bottom of each layer [m below the seafloor], layers on the last axis.
    grade_ppm : array_like
        ΣREY grade of each layer [ppm of element in dry mud], layers on the last axis (draws
        first).
    z_top_mbsf, z_bottom_mbsf : float or array_like
        Top and bottom of the counted interval [m below the seafloor] (draws first).
    dry_density_t_per_m3 : float or array_like
        Dry bulk density of the mud [t/m³] (draws first).

    Returns
    -------
    ndarray
        ``M_REY = A · 10⁶ · ρ_d · Σ_i h_i g_i · 10⁻⁶`` [t of REY element], the leading (draw)
        shape.

    References
    ----------
    Takaya, Y. et al. (2018) The tremendous potential of deep-sea mud as a source of rare-earth
    elements, Sci. Rep. 8:5763, doi:10.1038/s41598-018-23948-5 (the resource arithmetic);
    docs/models/deposit.md §3.1.
    """
    overlap = layer_overlap_m(top_mbsf, bottom_mbsf, z_top_mbsf, z_bottom_mbsf)
    grade_m = (overlap * np.asarray(grade_ppm, dtype=float)).sum(axis=-1)  # ppm·m
    return (np.asarray(area_km2) * M2_PER_KM2 * np.asarray(dry_density_t_per_m3)
            * grade_m * 1.0e-6)


def split_by_pattern(total, pattern):
    """Split a ΣREY quantity into elements by a relative pattern (sums to 1) on the last axis.

    Parameters
    ----------
    total : float or array_like
        ΣREY quantity, any unit (e.g. [t]) (draws first).
    pattern : array_like
        Share of each element [-], REY order on the last axis, summing to 1.

    Returns
    -------
    ndarray
        ``total[..., None] · pattern`` in the unit of ``total``, elements on the last axis.

    References
    ----------
    docs/models/deposit.md §2.4 (the assumed pattern), §3.1.
    """
    return np.asarray(total, dtype=float)[..., None] * np.asarray(pattern, dtype=float)
