r"""Beneficiation: Plitt hydrocyclone classification of the mud's grain phases.

Plitt (1976) model in the metric form revised by Flintoff et al.
(docs/models/beneficiation.md §2.1, [S40][S41]).
Lengths in cm, flow ``Q`` in L/min, pressure ``P`` in kPa, densities in g/cm³ (= t/m³),
``φ`` = feed solids [vol %]:

.. math::

    d_{50c} = \frac{50.21 D_c^{0.46} D_i^{0.6} D_o^{1.21} e^{0.063\varphi}}
                   {D_u^{0.71} h^{0.38} Q^{0.45} (\rho_s - 1)^{0.5}}  \;[\mu m]

    P = \frac{1.88 Q^{1.78} e^{0.0055\varphi}}{D_c^{0.37} D_i^{0.94} h^{0.28} (D_u^2 + D_o^2)^{0.87}}

    S = \frac{1.9 (D_u/D_o)^{3.31} h^{0.54} (D_u^2 + D_o^2)^{0.36} e^{0.0054\varphi}}
              {D_c^{1.11} H^{0.24}}, \quad H = \frac{P}{g \rho_p}, \quad
    R_v = \frac{S}{1+S}

    m = 1.94 e^{-1.58 R_v} (D_c^2 h / Q)^{0.15}

    E_c(d) = 1 - \exp(-\ln 2 (d/d_{50c})^m), \qquad E(d) = R_f + (1 - R_f) E_c(d), \; R_f = R_v

``H`` is the feed pressure as a head of pulp [m] (kPa over m/s² × t/m³ gives m; Plitt writes
``g`` as 9.81, here it is the standard ``constants.G_M_PER_S2``). Each phase is classified at its
own ``d50c`` (through the ``(ρ_s − 1)^−0.5`` term). Phase size distributions are log-normal in
mass; the bulk grade follows from the phase grades and the apatite share. Worked case
(docs/models/beneficiation.md §4): D_c = 10.2, D_i = 2.5, D_o = 3.2, D_u = 1.6, h = 30 cm, 10 wt % solids at
ρ_s = 2.7, P = 100 kPa → Q = 143.7 L/min, d50c = 21.4 µm, S = 0.136, m = 2.55.
"""

from __future__ import annotations

import numpy as np

from reemud.constants import G_M_PER_S2


def volume_percent_solids(mass_percent_solids, solids_density_t_per_m3):
    """Feed solids by volume ``φ`` [vol %] from solids by mass ``PS`` [wt %] (water = 1 t/m³).

    Parameters
    ----------
    mass_percent_solids : float or array_like
        Feed solids by mass ``PS`` [wt %].
    solids_density_t_per_m3 : float or array_like
        Density of the solids ``ρ_s`` [t/m³].

    Returns
    -------
    ndarray
        ``φ = 100 (PS/ρ_s) / (PS/ρ_s + 100 − PS)`` [vol %].

    References
    ----------
    Plitt, L.R. (1976) A mathematical model of the hydrocyclone classifier, CIM Bulletin 69,
    114–123, in the metric form revised by Flintoff et al.; docs/models/beneficiation.md §2.1.
    """
    ps = np.asarray(mass_percent_solids, dtype=float)
    rho = np.asarray(solids_density_t_per_m3, dtype=float)
    return 100.0 * (ps / rho) / (ps / rho + 100.0 - ps)


def plitt_flow_l_per_min(pressure_kpa, *, dc_cm, di_cm, do_cm, du_cm, h_cm, phi_vol_pct):
    """Flow through one cyclone at a given pressure drop, inverting Plitt's P equation [L/min].

    Parameters
    ----------
    pressure_kpa : float or array_like
        Pressure drop across the cyclone ``P`` [kPa].
    dc_cm, di_cm, do_cm, du_cm, h_cm : float or array_like
        Cyclone, inlet, vortex-finder and apex diameters and free-vortex height [cm].
    phi_vol_pct : float or array_like
        Feed solids ``φ`` [vol %].

    Returns
    -------
    ndarray
        Feed flow per cyclone ``Q`` [L/min].

    References
    ----------
    Plitt, L.R. (1976) A mathematical model of the hydrocyclone classifier, CIM Bulletin 69,
    114–123, in the metric form revised by Flintoff et al.; docs/models/beneficiation.md §2.1.
    """
    denom = dc_cm**0.37 * di_cm**0.94 * h_cm**0.28 * (du_cm**2 + do_cm**2) ** 0.87
    return (np.asarray(pressure_kpa) * denom / (1.88 * np.exp(0.0055 * phi_vol_pct))) ** (1 / 1.78)


def plitt_pressure_kpa(flow_l_per_min, *, dc_cm, di_cm, do_cm, du_cm, h_cm, phi_vol_pct):
    """Plitt pressure drop [kPa].

    Parameters
    ----------
    flow_l_per_min : float or array_like
        Feed flow per cyclone ``Q`` [L/min].
    dc_cm, di_cm, do_cm, du_cm, h_cm : float or array_like
        Cyclone, inlet, vortex-finder and apex diameters and free-vortex height [cm].
    phi_vol_pct : float or array_like
        Feed solids ``φ`` [vol %].

    Returns
    -------
    ndarray
        ``P = 1.88 Q^1.78 e^{0.0055 φ} / (D_c^0.37 D_i^0.94 h^0.28 (D_u² + D_o²)^0.87)`` [kPa].

    References
    ----------
    Plitt, L.R. (1976) A mathematical model of the hydrocyclone classifier, CIM Bulletin 69,
    114–123, in the metric form revised by Flintoff et al.; docs/models/beneficiation.md §2.1.
    """
    denom = dc_cm**0.37 * di_cm**0.94 * h_cm**0.28 * (du_cm**2 + do_cm**2) ** 0.87
    return 1.88 * np.asarray(flow_l_per_min) ** 1.78 * np.exp(0.0055 * phi_vol_pct) / denom


def plitt_d50c_um(flow_l_per_min, *, dc_cm, di_cm, do_cm, du_cm, h_cm, phi_vol_pct,
                  solids_density_t_per_m3):
    """Plitt corrected cut size ``d50c`` [µm].

    Parameters
    ----------
    flow_l_per_min : float or array_like
        Feed flow per cyclone ``Q`` [L/min].
    dc_cm, di_cm, do_cm, du_cm, h_cm : float or array_like
        Cyclone, inlet, vortex-finder and apex diameters and free-vortex height [cm].
    phi_vol_pct : float or array_like
        Feed solids ``φ`` [vol %].
    solids_density_t_per_m3 : float or array_like
        Density of the classified solids ``ρ_s`` [t/m³] (one phase's density).

    Returns
    -------
    ndarray
        Corrected cut size ``d50c`` [µm].

    References
    ----------
    Plitt, L.R. (1976) A mathematical model of the hydrocyclone classifier, CIM Bulletin 69,
    114–123, in the metric form revised by Flintoff et al.; docs/models/beneficiation.md §2.1.
    """
    num = 50.21 * dc_cm**0.46 * di_cm**0.6 * do_cm**1.21 * np.exp(0.063 * phi_vol_pct)
    den = (du_cm**0.71 * h_cm**0.38 * np.asarray(flow_l_per_min) ** 0.45
           * (np.asarray(solids_density_t_per_m3) - 1.0) ** 0.5)
    return num / den


def plitt_split(pressure_kpa, *, dc_cm, do_cm, du_cm, h_cm, phi_vol_pct, pulp_density_t_per_m3):
    """Plitt volumetric flow split ``S`` = underflow/overflow [-].

    Parameters
    ----------
    pressure_kpa : float or array_like
        Pressure drop ``P`` [kPa], made a head of pulp ``H = P / (g ρ_p)`` [m].
    dc_cm, do_cm, du_cm, h_cm : float or array_like
        Cyclone, vortex-finder and apex diameters and free-vortex height [cm].
    phi_vol_pct : float or array_like
        Feed solids ``φ`` [vol %].
    pulp_density_t_per_m3 : float or array_like
        Density of the feed pulp ``ρ_p`` [t/m³].

    Returns
    -------
    ndarray
        Volumetric split ``S`` [-]; the water recovery to the underflow is ``S / (1 + S)``.

    References
    ----------
    Plitt, L.R. (1976) A mathematical model of the hydrocyclone classifier, CIM Bulletin 69,
    114–123, in the metric form revised by Flintoff et al.; docs/models/beneficiation.md §2.1.
    """
    head_m = np.asarray(pressure_kpa) / (G_M_PER_S2 * np.asarray(pulp_density_t_per_m3))  # [m]
    num = 1.9 * (du_cm / do_cm) ** 3.31 * h_cm**0.54 * (du_cm**2 + do_cm**2) ** 0.36
    return num * np.exp(0.0054 * phi_vol_pct) / (dc_cm**1.11 * head_m**0.24)


def plitt_sharpness(flow_l_per_min, water_recovery, *, dc_cm, h_cm):
    """Plitt sharpness ``m`` of the corrected partition curve [-].

    Parameters
    ----------
    flow_l_per_min : float or array_like
        Feed flow per cyclone ``Q`` [L/min].
    water_recovery : float or array_like
        Share of the feed water to the underflow ``R_v = S / (1 + S)`` [-].
    dc_cm, h_cm : float or array_like
        Cyclone diameter and free-vortex height [cm].

    Returns
    -------
    ndarray
        ``m = 1.94 e^{−1.58 R_v} (D_c² h / Q)^0.15`` [-].

    References
    ----------
    Plitt, L.R. (1976) A mathematical model of the hydrocyclone classifier, CIM Bulletin 69,
    114–123, in the metric form revised by Flintoff et al.; docs/models/beneficiation.md §2.1.
    """
    return 1.94 * np.exp(-1.58 * water_recovery) * (dc_cm**2 * h_cm / flow_l_per_min) ** 0.15


def corrected_partition(size_um, d50c_um, sharpness):
    """Corrected partition to underflow ``E_c(d) = 1 − exp(−ln2 (d/d50c)^m)`` [-].

    Parameters
    ----------
    size_um : array_like
        Grain sizes ``d`` [µm], size classes on the last axis.
    d50c_um : float or array_like
        Corrected cut size [µm] (draws first).
    sharpness : float or array_like
        Sharpness ``m`` [-] (draws first).

    Returns
    -------
    ndarray
        Corrected partition of each size [-], size classes on the last axis.

    References
    ----------
    Plitt, L.R. (1976) A mathematical model of the hydrocyclone classifier, CIM Bulletin 69,
    114–123, in the metric form revised by Flintoff et al.; docs/models/beneficiation.md §2.1.
    """
    ratio = np.asarray(size_um) / np.asarray(d50c_um)[..., None]
    return 1.0 - np.exp(-np.log(2.0) * ratio ** np.asarray(sharpness)[..., None])


def actual_partition(size_um, d50c_um, sharpness, bypass):
    """Actual partition to underflow ``E = R_f + (1 − R_f) E_c`` [-].

    Parameters
    ----------
    size_um : array_like
        Grain sizes ``d`` [µm], size classes on the last axis.
    d50c_um : float or array_like
        Corrected cut size [µm] (draws first).
    sharpness : float or array_like
        Sharpness ``m`` [-] (draws first).
    bypass : float or array_like
        Bypass of fines with the water to the underflow ``R_f`` [-] (draws first).

    Returns
    -------
    ndarray
        Actual partition of each size to the underflow [-], size classes on the last axis.

    References
    ----------
    Plitt, L.R. (1976) A mathematical model of the hydrocyclone classifier, CIM Bulletin 69,
    114–123, in the metric form revised by Flintoff et al.; docs/models/beneficiation.md §2.1.
    """
    rf = np.asarray(bypass)[..., None]
    return rf + (1.0 - rf) * corrected_partition(size_um, d50c_um, sharpness)


def phase_mass_fractions(bulk_grade_ppm, carrier_grade_ppm, matrix_grades_ppm, matrix_shares):
    """Mass fractions of the carrier and of each matrix phase that reproduce the bulk grade [-].

    The matrix phases keep their relative shares ``s_i`` (grade ``g_m = Σ s_i g_i / Σ s_i``); the
    carrier's share is ``f = (g − g_m) / (g_c − g_m)`` and matrix phase i gets
    ``(1 − f) s_i / Σ s``. Returns ``(f, matrix_fractions)`` (last axis: matrix phases).

    Parameters
    ----------
    bulk_grade_ppm : float or array_like
        ΣREY grade of the mud ``g`` [ppm] (draws first).
    carrier_grade_ppm : float or array_like
        ΣREY grade of the carrier phase ``g_c`` [ppm].
    matrix_grades_ppm : array_like
        ΣREY grade of each matrix phase ``g_i`` [ppm], matrix phases on the last axis.
    matrix_shares : array_like
        Relative shares ``s_i`` of the matrix phases [-] (normalised here), phases on the last
        axis.

    Returns
    -------
    f : ndarray
        Mass fraction of the carrier in the dry mud [-] (the leading shape).
    matrix_fractions : ndarray
        Mass fraction of each matrix phase [-], matrix phases on the last axis.

    References
    ----------
    docs/models/deposit.md §3.3.
    """
    shares = np.asarray(matrix_shares, dtype=float)
    shares = shares / shares.sum(axis=-1, keepdims=True)
    g_matrix = (shares * np.asarray(matrix_grades_ppm, dtype=float)).sum(axis=-1)
    f = apatite_mass_fraction(bulk_grade_ppm, carrier_grade_ppm, g_matrix)
    return f, (1.0 - np.asarray(f))[..., None] * shares


def apatite_mass_fraction(bulk_grade_ppm, apatite_grade_ppm, clay_grade_ppm):
    """Apatite share of the dry mud that reproduces the bulk ΣREY grade [-].

    ``g = f g_ap + (1 − f) g_clay``  →  ``f = (g − g_clay) / (g_ap − g_clay)``.

    Parameters
    ----------
    bulk_grade_ppm : float or array_like
        ΣREY grade of the mud ``g`` [ppm] (draws first).
    apatite_grade_ppm : float or array_like
        ΣREY grade of the apatite ``g_ap`` [ppm].
    clay_grade_ppm : float or array_like
        ΣREY grade of the clay (matrix) ``g_clay`` [ppm].

    Returns
    -------
    ndarray
        Apatite mass fraction ``f`` of the dry mud [-].

    References
    ----------
    docs/models/deposit.md §3.3.
    """
    g = np.asarray(bulk_grade_ppm, dtype=float)
    return (g - clay_grade_ppm) / (np.asarray(apatite_grade_ppm) - clay_grade_ppm)


def _single(e):
    return e


def _primary_cleaner(e):
    return e * e / (1.0 - e * (1.0 - e))


def _primary_scavenger(e):
    return e / (1.0 - e * (1.0 - e))


CIRCUITS = {"single": _single, "primary_cleaner": _primary_cleaner,
            "primary_scavenger": _primary_scavenger}
r"""Net partition to the final concentrate of cyclone circuits, from one stage's partition ``E``.

Both stages see the same partition (the second stage's feed is diluted back to the primary feed
density). Closed circuits recycle to the primary feed; solving the recycle per size class:

- ``primary_cleaner``: the primary underflow is cleaned, the cleaner overflow recycled,
  ``F' = F / (1 − E(1 − E))``, concentrate ``E² F'``;
- ``primary_scavenger``: the primary overflow is scavenged, the scavenger underflow recycled,
  concentrate ``E F'``.

The same functions split the water with ``E = R_f``.
"""


def circuit_partition(partition, circuit):
    """Net partition of a named circuit (``CIRCUITS``) to the concentrate [-].

    Parameters
    ----------
    partition : float or array_like
        Partition ``E`` of one stage to its underflow [-] (per size class, or the water split
        ``R_f``).
    circuit : str
        ``"single"``, ``"primary_cleaner"`` or ``"primary_scavenger"``.

    Returns
    -------
    ndarray
        Net partition to the final concentrate [-], the shape of ``partition``.

    References
    ----------
    docs/models/beneficiation.md §2.3.
    """
    return CIRCUITS[circuit](np.asarray(partition, dtype=float))


def dewatering(*, solids_t, water_t, cake_moisture_fraction, return_solids_kg_per_m3):
    """Thickener and filter on the cyclone underflow: cake, return water and the solids it carries.

    The cake keeps ``w/(1 − w)`` t of water per t of solids (wet-basis moisture ``w``); the rest
    of the water returns (1 t = 1 m³) carrying ``c`` kg/m³ of fines taken from the solids.
    Returns dict: ``cake_solids_t``, ``cake_water_t``, ``return_water_t``, ``return_solids_t``.
    Water and solids balance exactly: ``water = cake_water + return_water``,
    ``solids = cake_solids + return_solids``.

    Parameters
    ----------
    solids_t : float or array_like
        Dry solids of the underflow ``M`` [t] (or [t/yr]) (draws first).
    water_t : float or array_like
        Water of the underflow ``W`` [t], in the unit of ``solids_t`` (draws first).
    cake_moisture_fraction : float or array_like
        Wet-basis moisture of the cake ``w`` [-].
    return_solids_kg_per_m3 : float or array_like
        Fines carried by the return water ``c`` [kg/m³].

    Returns
    -------
    dict
        ``cake_solids_t``, ``cake_water_t``, ``return_water_t`` and ``return_solids_t``, in the
        unit of ``solids_t``.

    References
    ----------
    docs/models/beneficiation.md §2.4.
    """
    solids = np.asarray(solids_t, dtype=float)
    water = np.asarray(water_t, dtype=float)
    w = np.asarray(cake_moisture_fraction, dtype=float)
    cake_water = np.minimum(solids * w / (1.0 - w), water)
    return_water = water - cake_water
    return_solids = np.minimum(return_water * np.asarray(return_solids_kg_per_m3) / 1000.0, solids)
    return {"cake_solids_t": solids - return_solids, "cake_water_t": cake_water,
            "return_water_t": return_water, "return_solids_t": return_solids}


def classify_phases(*, feed_t, rey_feed_t, solids_volume_fraction, solids_density_kg_per_m3,
                    seawater_density_kg_per_m3, phase_mass_fractions, phase_grade_ppm,
                    phase_density_kg_per_m3, phase_size_fractions, carrier, size_um,
                    dc_cm, di_cm, do_cm, du_cm, h_cm, pressure_drop_kpa, d50_factor,
                    pressure_factor, sharpness_factor, split_factor, circuit,
                    cake_moisture_fraction, return_solids_kg_per_m3) -> dict:
    r"""Plitt partition of every grain phase through a cyclone circuit, then dewatering.

    Each phase has its own corrected cut size (its density in Plitt's d50c) and the circuit's
    sharpness and water bypass; the underflow of every phase is the sum over its size classes of
    ``fraction × partition``. The underflow is dewatered to the cake moisture; fines carried by
    the return water leave the concentrate with their share of the REY. Scalars, or arrays with
    the draws first (size classes on the last axis).

    Parameters
    ----------
    feed_t, rey_feed_t : float or array_like
        Dry solids fed [t/yr] and the REY they carry [t/yr], elements last.
    solids_volume_fraction, solids_density_kg_per_m3, seawater_density_kg_per_m3
        Feed slurry: solids fraction [-], solids and seawater density [kg/m³].
    phase_mass_fractions, phase_grade_ppm, phase_density_kg_per_m3, phase_size_fractions : dict
        Per grain phase: mass share of the feed [-], ΣREY grade [ppm], density [kg/m³] and size
        class fractions [-].
    carrier : str
        The REY-carrying phase.
    size_um : array_like
        Mid-sizes of the classes [µm].
    dc_cm, di_cm, do_cm, du_cm, h_cm : float
        Cyclone, inlet, vortex-finder and apex diameters and free-vortex height [cm].
    pressure_drop_kpa : float
        Operating pressure drop [kPa].
    d50_factor, pressure_factor, sharpness_factor, split_factor : float
        Plitt's calibration factors [-].
    circuit : str
        A key of ``CIRCUITS``.
    cake_moisture_fraction, return_solids_kg_per_m3 : float
        Dewatering: cake moisture (wet basis) [-] and fines in the return water [kg/m³].

    Returns
    -------
    dict
        Concentrate and tailings masses and REY [t/yr], upgrade factor, REY recovery, cut sizes
        [µm], partitions and phase recoveries, water flows [t/yr] and the dewatering losses.

    References
    ----------
    Plitt, L.R. (1976) A mathematical model of the hydrocyclone classifier. CIM Bulletin 69,
    114–123 (``docs/models/beneficiation.md``).
    """
    grade = rey_feed_t.sum(axis=-1) / feed_t * 1e6
    cv = solids_volume_fraction
    phi = cv * 100.0
    geometry = dict(dc_cm=dc_cm, di_cm=di_cm, do_cm=do_cm, du_cm=du_cm, h_cm=h_cm)
    q_cyc = plitt_flow_l_per_min(pressure_drop_kpa / pressure_factor, phi_vol_pct=phi,
                                 **geometry)
    pulp_density = (seawater_density_kg_per_m3 + cv * (solids_density_kg_per_m3
                                                       - seawater_density_kg_per_m3)) / 1000.0
    split = split_factor * plitt_split(pressure_drop_kpa, dc_cm=dc_cm, do_cm=do_cm, du_cm=du_cm,
                                       h_cm=h_cm, phi_vol_pct=phi,
                                       pulp_density_t_per_m3=pulp_density)
    bypass = split / (1.0 + split)
    m = sharpness_factor * plitt_sharpness(q_cyc, bypass, dc_cm=dc_cm, h_cm=h_cm)
    mass = {k: feed_t * f for k, f in phase_mass_fractions.items()}
    rey_mass = {k: mass[k] * phase_grade_ppm[k] for k in mass}
    d50c, partition, recovery = {}, {}, {}
    for name, fractions in phase_size_fractions.items():
        d50c[name] = d50_factor * plitt_d50c_um(
            q_cyc, phi_vol_pct=phi, solids_density_t_per_m3=phase_density_kg_per_m3[name] / 1000.0,
            **geometry)
        stage = actual_partition(size_um, np.asarray(d50c[name]), np.asarray(m),
                                 np.asarray(bypass))
        partition[name] = circuit_partition(stage, circuit)
        recovery[name] = (fractions * partition[name]).sum(axis=-1)
    underflow_t = sum(mass[k] * recovery[k] for k in mass)
    rey_recovery = sum(rey_mass[k] * recovery[k] for k in mass) / sum(rey_mass.values())
    rey_underflow = rey_feed_t * np.asarray(rey_recovery)[..., None]
    water_feed = feed_t / (solids_density_kg_per_m3 / 1000.0) * (1.0 - cv) / cv
    water_underflow = water_feed * circuit_partition(bypass, circuit)
    dew = dewatering(solids_t=underflow_t, water_t=water_underflow,
                     cake_moisture_fraction=cake_moisture_fraction,
                     return_solids_kg_per_m3=return_solids_kg_per_m3)
    conc_t = dew["cake_solids_t"]
    rey_conc = rey_underflow * np.asarray(conc_t / underflow_t)[..., None]
    return dict(
        feed_t=feed_t, feed_grade_ppm=grade, q_cyc=q_cyc, sharpness=m, bypass=bypass,
        mass=mass, rey_mass=rey_mass, d50c=d50c, partition=partition, phase_recovery=recovery,
        dry_t_per_year=conc_t, wet_t_per_year=conc_t + dew["cake_water_t"],
        rey_t_per_year=rey_conc, tailings_dry_t_per_year=feed_t - underflow_t,
        tailings_rey_t_per_year=rey_feed_t - rey_underflow,
        upgrade_factor=rey_conc.sum(axis=-1) / conc_t * 1e6 / grade,
        rey_recovery=rey_conc.sum(axis=-1) / rey_feed_t.sum(axis=-1),
        apatite_fraction_concentrate=mass[carrier] * recovery[carrier] / underflow_t,
        water_t_per_year={"feed": water_feed, "overflow": water_feed - water_underflow,
                          "cake": dew["cake_water_t"], "return": dew["return_water_t"]},
        return_solids_t_per_year=dew["return_solids_t"],
        dewatering_loss_rey_t_per_year=rey_underflow - rey_conc)
