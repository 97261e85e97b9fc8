"""Pipe friction of water, Bingham plastics and power-law fluids.

Water by Colebrook; Bingham plastics by Buckingham–Reiner + Darby (2001); power-law fluids by the
Metzner–Reed Reynolds number and the Dodge–Metzner turbulent law.

All friction factors are *Fanning* unless the name says Darcy (Darcy = 4 × Fanning).

Bingham (docs/models/lifting.md §2, [S27]): ``Re_B = ρVD/μ_p``, ``He = ρD²τ_y/μ_p²``;
laminar ``f_L = 16/Re_B [1 + He/(6 Re_B) − He⁴/(3 f_L³ Re_B⁷)]`` (implicit, Newton);
turbulent ``f_T = 10^a Re_B^−0.193``, ``a = −1.47 [1 + 0.146 exp(−2.9e−5 He)]``;
blend ``f = (f_L^m + f_T^m)^(1/m)``, ``m = 1.7 + 40000/Re_B``.
Reference: D = 0.254 m, V = 2.3 m/s, ρ = 1,300 kg/m³, τ_y = 6 Pa, μ_p = 0.02 Pa·s → Darcy
0.01905007708620241 (docs/models/lifting.md §8 case 1).

Power law (Dodge & Metzner 1959, AIChE J. 5:189; docs/models/lifting.md §2, [S28]):
``Re_MR = ρ D^n V^(2−n) / (K' 8^(n−1))``, ``K' = K ((3n+1)/(4n))^n``; laminar ``f = 16/Re_MR``
(Re_MR < 2,100); turbulent ``1/√f = (4/n^0.75) log10(Re_MR f^(1−n/2)) − 0.4/n^1.2``.
Reference: Re_MR = 1e5, n = 0.5 → f = 0.002586428926781602 (docs/models/lifting.md §8 case 2).
"""

from __future__ import annotations

import numpy as np

LAMINAR_LIMIT_RE = 2100.0


def clamond_darcy(reynolds, relative_roughness):
    """Colebrook's Darcy friction factor solved to machine precision (Clamond 2009) [-].

    Clamond, D. (2009) Efficient resolution of the Colebrook equation, Ind. Eng. Chem. Res.
    48:3665, doi:10.1021/ie801626g. A NumPy transcription of ``fluids.friction.Clamond``
    (tested equal to it), so that it runs on whole arrays.

    Parameters
    ----------
    reynolds : float or array_like
        Reynolds number ``ρ V D / μ`` [-].
    relative_roughness : float or array_like
        Wall roughness over diameter ``ε/D`` [-].

    Returns
    -------
    ndarray
        Darcy friction factor of the Colebrook equation [-], the broadcast shape of the inputs
        (turbulent flow; see ``colebrook_darcy`` for the laminar range).

    References
    ----------
    Clamond, D. (2009) Efficient resolution of the Colebrook equation, Ind. Eng. Chem. Res.
    48:3665, doi:10.1021/ie801626g; Bell, Caleb: fluids (Python package), ``friction.Clamond``.
    """
    re = np.asarray(reynolds, dtype=float)
    x1 = np.asarray(relative_roughness, dtype=float) * re * 0.1239681863354175460160858261654858
    x2 = np.log(re) - 0.7793974884556819406441139701653776731705
    f = x2 - 0.2
    x1f = x1 + f
    x1f1 = 1.0 + x1f
    e = (np.log(x1f) - 0.2) / x1f1
    f = f - (x1f1 + 0.5 * e) * e * x1f / (x1f1 + e * (1.0 + e / 3.0))
    x1f = x1 + f
    x1f1 = 1.0 + x1f
    e = (np.log(x1f) + f - x2) / x1f1
    b = x1f1 + e * (1.0 + e / 3.0)
    f = b / (b * f - (x1f1 + 0.5 * e) * e * x1f)
    return 1.325474527619599502640416597148504422899 * f * f


def colebrook_darcy(reynolds, relative_roughness):
    """Darcy friction factor of a Newtonian fluid: Colebrook (Clamond) or ``64/Re`` [-].

    The laminar value is used below Re = 2,300.

    Parameters
    ----------
    reynolds : float or array_like
        Reynolds number ``ρ V D / μ`` [-].
    relative_roughness : float or array_like
        Wall roughness over diameter ``ε/D`` [-].

    Returns
    -------
    ndarray
        Darcy friction factor [-], the broadcast shape of the inputs.

    References
    ----------
    Clamond, D. (2009) Efficient resolution of the Colebrook equation, Ind. Eng. Chem. Res.
    48:3665, doi:10.1021/ie801626g; docs/models/lifting.md §2.2.
    """
    re = np.asarray(reynolds, dtype=float)
    turbulent = clamond_darcy(np.maximum(re, 2300.0), relative_roughness)
    return np.where(re < 2300.0, 64.0 / np.maximum(re, 1e-300), turbulent)


def bingham_fanning_darby(reynolds_bingham, hedstrom):
    """Fanning friction factor of a Bingham plastic (Buckingham–Reiner + Darby 2001) [-].

    Parameters
    ----------
    reynolds_bingham : float or array_like
        Bingham Reynolds number ``Re_B = ρ V D / μ_p`` [-].
    hedstrom : float or array_like
        Hedstrom number ``He = ρ D² τ_y / μ_p²`` [-].

    Returns
    -------
    ndarray
        Fanning friction factor ``(f_L^m + f_T^m)^(1/m)``, ``m = 1.7 + 40000/Re_B`` [-], the
        broadcast shape of the inputs.

    References
    ----------
    Darby (2001) Chemical Engineering Fluid Mechanics, 2nd ed. (Buckingham–Reiner laminar
    law and the laminar–turbulent blend); docs/models/lifting.md §2.2 and §8 case 1.
    """
    re = np.asarray(reynolds_bingham, dtype=float)
    he = np.asarray(hedstrom, dtype=float)
    f = 16.0 / re * (1.0 + he / (6.0 * re))  # start at the upper bound of the laminar root
    for _ in range(60):
        g = f - 16.0 / re * (1.0 + he / (6.0 * re) - he**4 / (3.0 * f**3 * re**7))
        dg = 1.0 - 16.0 / re * he**4 / (f**4 * re**7)
        f = f - g / dg
    a = -1.47 * (1.0 + 0.146 * np.exp(-2.9e-5 * he))
    f_turb = 10.0**a * re**-0.193
    m = 1.7 + 40000.0 / re
    # (f_L^m + f_T^m)^(1/m) in log space: m reaches thousands at low Re
    return np.exp(np.logaddexp(m * np.log(f), m * np.log(f_turb)) / m)


def bingham_darcy(velocity_m_per_s, diameter_m, density_kg_per_m3, yield_stress_pa,
                  plastic_viscosity_pa_s, roughness_m):
    """Darcy friction of a Bingham slurry, never below the Newtonian value at ``μ_p`` [-].

    A yield stress never lowers wall friction, so the result is
    ``max(4 f_Darby, f_Colebrook(Re_B))``; at zero yield stress in turbulent flow this is the
    Colebrook factor of the carrier (Darby's turbulent fit is not meant for He → 0).

    Parameters
    ----------
    velocity_m_per_s : float or array_like
        Mean flow velocity ``V`` [m/s].
    diameter_m : float or array_like
        Pipe inner diameter ``D`` [m].
    density_kg_per_m3 : float or array_like
        Slurry density ``ρ`` [kg/m³].
    yield_stress_pa : float or array_like
        Bingham yield stress ``τ_y`` [Pa].
    plastic_viscosity_pa_s : float or array_like
        Plastic viscosity ``μ_p`` [Pa·s].
    roughness_m : float or array_like
        Wall roughness ``ε`` [m].

    Returns
    -------
    ndarray
        Darcy friction factor [-], the broadcast shape of the inputs.

    References
    ----------
    Darby (2001) Chemical Engineering Fluid Mechanics, 2nd ed.; Clamond, D. (2009) Ind.
    Eng. Chem. Res. 48:3665, doi:10.1021/ie801626g; docs/models/lifting.md §2.2.
    """
    re_b = density_kg_per_m3 * velocity_m_per_s * diameter_m / plastic_viscosity_pa_s
    hedstrom = density_kg_per_m3 * diameter_m**2 * yield_stress_pa / plastic_viscosity_pa_s**2
    darby = 4.0 * bingham_fanning_darby(re_b, hedstrom)
    return np.maximum(darby, colebrook_darcy(re_b, np.asarray(roughness_m) / diameter_m))


def power_law_darcy(velocity_m_per_s, diameter_m, density_kg_per_m3, consistency_pa_sn,
                    flow_index):
    """Darcy friction of a power-law slurry: 4 × Dodge–Metzner at the Metzner–Reed Re [-].

    Parameters
    ----------
    velocity_m_per_s : float or array_like
        Mean flow velocity ``V`` [m/s].
    diameter_m : float or array_like
        Pipe inner diameter ``D`` [m].
    density_kg_per_m3 : float or array_like
        Fluid density ``ρ`` [kg/m³].
    consistency_pa_sn : float or array_like
        Consistency ``K`` [Pa·sⁿ].
    flow_index : float or array_like
        Flow index ``n`` [-].

    Returns
    -------
    ndarray
        Darcy friction factor [-], the broadcast shape of the inputs.

    References
    ----------
    Dodge & Metzner (1959) AIChE J. 5:189–204; docs/models/lifting.md §2.2.
    """
    re = metzner_reed_reynolds(density_kg_per_m3, diameter_m, velocity_m_per_s, consistency_pa_sn,
                               flow_index)
    return 4.0 * dodge_metzner_fanning(re, flow_index)


def metzner_reed_reynolds(density_kg_per_m3, diameter_m, velocity_m_per_s, consistency_pa_sn,
                          flow_index):
    """Metzner–Reed Reynolds number of a power-law fluid (``K' = K((3n+1)/4n)^n``) [-].

    Parameters
    ----------
    density_kg_per_m3 : float or array_like
        Fluid density ``ρ`` [kg/m³].
    diameter_m : float or array_like
        Pipe inner diameter ``D`` [m].
    velocity_m_per_s : float or array_like
        Mean flow velocity ``V`` [m/s].
    consistency_pa_sn : float or array_like
        Consistency ``K`` [Pa·sⁿ].
    flow_index : float or array_like
        Flow index ``n`` [-].

    Returns
    -------
    ndarray
        ``Re_MR = ρ D^n V^(2−n) / (K' 8^(n−1))`` [-], the broadcast shape of the inputs.

    References
    ----------
    Dodge & Metzner (1959) AIChE J. 5:189–204; docs/models/lifting.md §2.2.
    """
    n = np.asarray(flow_index, dtype=float)
    k_prime = np.asarray(consistency_pa_sn) * ((3 * n + 1) / (4 * n)) ** n
    return (np.asarray(density_kg_per_m3) * np.asarray(diameter_m) ** n
            * np.asarray(velocity_m_per_s) ** (2 - n) / (k_prime * 8.0 ** (n - 1)))


def dodge_metzner_fanning(reynolds_mr, flow_index):
    """Fanning friction of a power-law fluid: 16/Re laminar, Dodge–Metzner turbulent [-].

    Laminar below ``Re_MR`` = 2,100; above it ``1/√f = (4/n^0.75) log10(Re_MR f^(1−n/2)) −
    0.4/n^1.2`` solved by Newton's method.

    Parameters
    ----------
    reynolds_mr : float or array_like
        Metzner–Reed Reynolds number [-].
    flow_index : float or array_like
        Flow index ``n`` [-].

    Returns
    -------
    ndarray
        Fanning friction factor [-], the broadcast shape of the inputs.

    References
    ----------
    Dodge & Metzner (1959) AIChE J. 5:189–204; docs/models/lifting.md §2.2 and §8
    case 2.
    """
    re = np.asarray(reynolds_mr, dtype=float)
    n = np.asarray(flow_index, dtype=float)
    a, c, d = 4.0 / n**0.75, 2.0 - n, 0.4 / n**1.2
    x = np.full(np.broadcast(re, n).shape, 20.0)  # x = 1/sqrt(f)
    log_re = np.log10(np.maximum(re, LAMINAR_LIMIT_RE))
    for _ in range(50):
        g = x - a * (log_re - c * np.log10(x)) + d
        x = x - g / (1.0 + a * c / (x * np.log(10.0)))
    return np.where(re < LAMINAR_LIMIT_RE, 16.0 / np.maximum(re, 1e-300), 1.0 / x**2)


def darcy_weisbach_pa(darcy_f, length_m, diameter_m, density_kg_per_m3, velocity_m_per_s):
    """Frictional pressure loss ``f L/D ρ V²/2`` [Pa].

    Parameters
    ----------
    darcy_f : float or array_like
        Darcy friction factor ``f`` [-].
    length_m : float or array_like
        Pipe length ``L`` [m].
    diameter_m : float or array_like
        Pipe inner diameter ``D`` [m].
    density_kg_per_m3 : float or array_like
        Fluid density ``ρ`` [kg/m³].
    velocity_m_per_s : float or array_like
        Mean flow velocity ``V`` [m/s].

    Returns
    -------
    ndarray
        Pressure loss ``Δp_f`` [Pa], the broadcast shape of the inputs.

    References
    ----------
    docs/models/lifting.md §2.2.
    """
    return darcy_f * length_m / diameter_m * density_kg_per_m3 * velocity_m_per_s**2 / 2.0
