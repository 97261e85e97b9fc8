r"""Design of a two-section (extraction + scrub) cut: minimum stages, minimum reflux, to spec.

Fenske (total reflux) for a split with purities ``P_A`` (heavy product) and ``P_B`` (light):

.. math::  N_{min} = \ln\left[\frac{P_A}{1-P_A}\frac{P_B}{1-P_B}\right] / \ln\beta

Minimum scrub for two components (feed-stage pinch, docs/models/separation.md §1):
``W_min = 1/(β − 1)`` mol of
scrub RE per mol of feed RE, so the organic RE flux is at least ``S_min = f_A + W_min``.

Design to spec on the constant-D (trace-loading) cascade: with the scrub aqueous flow ``q`` per
unit feed flow and the light key's extraction factor ``e`` in the extraction section, the keys
separate only if ``1/β < e < q/(q + 1)`` — possible only for ``q > 1/(β − 1)``, the same minimum
reflux. The design takes ``q = r · W_min`` (``r`` the reflux multiple), ``e`` the geometric mean of
its bounds, and adds stages (equal in the two sections, feed between them) until both key
specifications hold, solving the cascade each time.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_banded


def fenske_min_stages(purity_heavy, purity_light, beta):
    """Minimum equilibrium stages at total reflux [-].

    Parameters
    ----------
    purity_heavy, purity_light : float or array_like
        Purities of the heavy (extract) and light (raffinate) products ``P_A``, ``P_B`` [-].
    beta : float or array_like
        Separation factor of the keys ``β`` [-].

    Returns
    -------
    ndarray
        Fenske minimum ``N_min`` [-] (not rounded).

    References
    ----------
    docs/models/separation.md §1.3 and §6 case 2.
    """
    pa, pb = np.asarray(purity_heavy), np.asarray(purity_light)
    return np.log(pa / (1 - pa) * pb / (1 - pb)) / np.log(beta)


def minimum_reflux(beta):
    """``W_min = 1/(β − 1)``: minimum scrub RE flux per unit feed RE [-].

    Parameters
    ----------
    beta : float or array_like
        Separation factor of the keys ``β`` [-].

    Returns
    -------
    ndarray
        Minimum scrub RE flux [mol per mol of feed RE].

    References
    ----------
    Cheng et al. (2014) Minimum amount of extracting solvent of a separation of two rare earth
    components, Adv. Mater. Phys. Chem. 4:275–283; docs/models/separation.md §1.3.
    """
    beta = np.asarray(beta, dtype=float)
    return 1.0 / (beta - 1.0)


def cut_cascade(d, feed, n_extraction, n_scrub, scrub_ratio, organic_ratio):
    """Solve one constant-D cut. ``d``: distribution ratios; ``feed``: component flows.

    Flows per unit feed volume: feed 1 at the last extraction stage, scrub acid ``q`` (no RE)
    into the last stage, organic ``o`` (RE-free) into stage 0. Returns ``(raffinate, extract)``
    component flows (light and heavy products).

    Parameters
    ----------
    d : array_like
        Distribution ratio of each component [-], shape ``(m,)``.
    feed : array_like
        Component flows of the feed per unit feed volume [any unit, e.g. mol/L], shape
        ``(m,)``.
    n_extraction, n_scrub : int
        Stages of the extraction and scrub sections [-].
    scrub_ratio : float
        Scrub aqueous flow ``q`` per unit feed flow [-].
    organic_ratio : float
        Organic flow ``o`` per unit feed flow [-].

    Returns
    -------
    raffinate, extract : ndarray
        Component flows of the light and heavy products, shape ``(m,)`` [unit of ``feed``].

    References
    ----------
    docs/models/separation.md §3.2.
    """
    d = np.asarray(d, dtype=float)
    feed = np.asarray(feed, dtype=float)
    n = n_extraction + n_scrub
    f = n_extraction - 1
    o_out = np.full(n, organic_ratio)
    a_out = np.full(n, scrub_ratio)
    a_out[: f + 1] = scrub_ratio + 1.0
    x = constant_d_banded(d, o_out, a_out, f, feed)
    return a_out[0] * x[0], o_out[-1] * d * x[-1]


def constant_d_banded(d, o_out, a_out, feed_stage, feed):
    """Aqueous compositions of an equilibrium-stage cascade at constant D (SciPy banded solve).

    With ``y = D x`` the balances are tridiagonal in ``x`` for each component:
    ``O_{i-1} D x_{i-1} − (O_i D + A_i) x_i + A_{i+1} x_{i+1} = −F_i z``, RE-free organic and scrub
    inlets. The same equations the compiled solver (``cascade.solve``, model 0) handles with
    efficiencies, acids and batches; this path needs no compilation.

    Parameters
    ----------
    d : ndarray
        Distribution ratio of each component [-], shape ``(m,)``.
    o_out, a_out : ndarray
        Organic and aqueous flows leaving each stage, shape ``(N,)`` [any consistent unit].
    feed_stage : int
        Index of the stage the feed enters [-].
    feed : ndarray
        Component flows of the feed ``F z`` [flow × composition unit], shape ``(m,)``.

    Returns
    -------
    ndarray
        Aqueous composition leaving each stage ``x``, shape ``(N, m)`` (``y = D x``).

    References
    ----------
    docs/models/separation.md §1.2, §3.1.
    """
    n, m = o_out.size, d.size
    rhs = np.zeros((n, m))
    rhs[feed_stage] = -feed
    ab = np.zeros((3, n, m))
    ab[1] = -(o_out[:, None] * d[None, :] + a_out[:, None])
    ab[0, 1:] = a_out[1:, None]
    ab[2, :-1] = o_out[:-1, None] * d[None, :]
    x = np.empty((n, m))
    for j in range(m):
        x[:, j] = solve_banded((1, 1), ab[:, :, j], rhs[:, j])
    return x


def _share(part, whole):
    """``part / whole``, and 1 when there is nothing to share (an absent group meets any spec)."""
    return float(part / whole) if whole > 0 else 1.0


def design_cut(d, feed, heavy, *, purity, recovery, reflux_multiple, max_stages=400,
               light_product=None, heavy_purity=None):
    """Stages and flows that meet the purity and recovery specs of a light/heavy split.

    ``heavy`` is a boolean mask of the components that go to the organic (extract). The keys are
    the least extractable heavy and the most extractable light component. ``light_product``
    (default: every non-heavy component) marks the components the raffinate's purity counts;
    ``heavy_purity`` (default ``purity``) is the extract's own target. Raises ``ValueError``
    naming the reason when the spec cannot be met (β ≤ 1, or not within ``max_stages``).
    Returns a dict with the stage counts, flows, products and achieved purities/recoveries.

    Parameters
    ----------
    d : array_like
        Distribution ratio of each component [-], shape ``(m,)``.
    feed : array_like
        Component flows of the feed [any unit, e.g. Mmol/yr or mole fractions], shape ``(m,)``.
    heavy : array_like of bool
        Components that go to the extract, shape ``(m,)``.
    purity, recovery : float
        Purity spec of the raffinate (and by default of the extract) and recovery spec of both
        products [-].
    reflux_multiple : float
        Scrub flow as a multiple ``r`` of the minimum reflux ``W_min`` [-].
    max_stages : int, optional
        Most stages of the two sections together [-].
    light_product : array_like of bool, optional
        Components the raffinate's purity counts.
    heavy_purity : float, optional
        Purity spec of the extract [-].

    Returns
    -------
    dict
        ``beta`` [-], ``n_extraction`` and ``n_scrub`` [-], ``scrub_ratio`` and
        ``organic_ratio`` [per unit feed flow], ``raffinate`` and ``extract`` [unit of
        ``feed``], ``n_min_fenske`` [-], ``organic_re_flux`` [mol per mol feed RE] and the
        achieved ``heavy_purity``, ``light_purity``, ``heavy_recovery``, ``light_recovery`` [-].

    Raises
    ------
    ValueError
        If β ≤ 1 or the spec is not met within ``max_stages``.

    References
    ----------
    docs/models/separation.md §3.2.
    """
    d = np.asarray(d, dtype=float)
    feed = np.asarray(feed, dtype=float)
    heavy = np.asarray(heavy, dtype=bool)
    wanted = ~heavy if light_product is None else np.asarray(light_product, dtype=bool)
    light_key = np.argmax(np.where(~heavy, d, -np.inf))
    heavy_key = np.argmin(np.where(heavy, d, np.inf))
    beta = d[heavy_key] / d[light_key]
    if not beta > 1.0:
        raise ValueError(f"the heavy key must be more extractable than the light key (β = {beta:g})")
    q = reflux_multiple * float(minimum_reflux(beta))
    e = np.sqrt((1.0 / beta) * q / (q + 1.0))
    organic = e * (q + 1.0) / d[light_key]
    n_min = max(int(np.ceil(fenske_min_stages(heavy_purity or purity, purity, beta))), 1)
    n_each = max(n_min // 2, 1)
    while 2 * n_each <= max_stages:
        raffinate, extract = cut_cascade(d, feed, n_each, n_each, q, organic)
        out = {"heavy_purity": _share(extract[heavy].sum(), extract.sum()),
               "light_purity": _share(raffinate[wanted].sum(), raffinate.sum()),
               "heavy_recovery": _share(extract[heavy].sum(), feed[heavy].sum()),
               "light_recovery": _share(raffinate[wanted].sum(), feed[wanted].sum())}
        if out["light_purity"] >= purity and out["heavy_purity"] >= (heavy_purity or purity) and \
                min(out["heavy_recovery"], out["light_recovery"]) >= recovery:
            w = q  # scrub flux per unit feed in the constant-flux reading of the same cut
            return {"beta": float(beta), "n_extraction": n_each, "n_scrub": n_each,
                    "scrub_ratio": q, "organic_ratio": float(organic), "raffinate": raffinate,
                    "extract": extract, "n_min_fenske": float(fenske_min_stages(purity, purity,
                                                                                beta)),
                    "organic_re_flux": float(w + feed[heavy].sum() / feed.sum()), **out}
        n_each += max(1, n_each // 10)
    raise ValueError(f"purity {purity} and recovery {recovery} not reached within {max_stages} "
                     f"stages at β = {beta:.3g}; raise max_stages or the reflux multiple")


def saturated_binary_flows(fa, scrub_flux, stages, feed_stage):
    """Stage outlet fluxes of a saturated two-section cut, per unit feed RE [mol/mol].

    Organic RE flux ``S = W + f_A`` leaves every stage but the last, which sends ``S − W = f_A``
    to the strip; the aqueous carries ``W`` in the scrub section, ``W + 1`` in the extraction
    section and ``1 − f_A`` out of stage 0. Returns ``(o_out, a_out, feed_flow)``.

    Parameters
    ----------
    fa : float
        Feed fraction of the more extractable component ``f_A`` [-].
    scrub_flux : float
        Scrub-section aqueous RE flux ``W`` [mol per mol of feed RE].
    stages : int
        Number of stages [-].
    feed_stage : int
        Index of the feed stage [-].

    Returns
    -------
    o_out, a_out, feed_flow : ndarray
        Organic and aqueous RE fluxes leaving each stage and the feed into each, shape
        ``(stages,)`` [mol per mol of feed RE].

    References
    ----------
    docs/models/separation.md §1.3.
    """
    s = scrub_flux + fa
    o_out = np.full(stages, s)
    o_out[-1] = s - scrub_flux
    a_out = np.full(stages, scrub_flux + 1.0)
    a_out[feed_stage + 1:] = scrub_flux
    a_out[0] = scrub_flux + 1.0 - s
    feed_flow = np.zeros(stages)
    feed_flow[feed_stage] = 1.0
    return o_out, a_out, feed_flow


def saturated_binary_products(beta, fa, scrub_flux, stages=60, feed_stage=30):
    """Heavy (extract) and light (raffinate) products of a saturated binary cut, Newton-solved.

    Returns ``(heavy_product, light_product, residual)``: component fluxes (light, heavy) per unit
    feed RE, and the final residual norm of the stage balances.

    Parameters
    ----------
    beta : float
        Separation factor of the heavy over the light component [-].
    fa : float
        Feed fraction of the heavy (more extractable) component ``f_A`` [-].
    scrub_flux : float
        Scrub-section aqueous RE flux ``W`` [mol per mol of feed RE].
    stages : int, optional
        Number of stages [-].
    feed_stage : int, optional
        Index of the feed stage [-].

    Returns
    -------
    heavy_product, light_product : ndarray
        Fluxes of (light, heavy) in the extract and in the raffinate [mol per mol of feed RE].
    residual : float
        Final residual norm of the stage balances [mol per mol of feed RE].

    References
    ----------
    docs/models/separation.md §1.3 and §6 case 4.
    """
    from reemud.separation import cascade

    o_out, a_out, feed_flow = saturated_binary_flows(fa, scrub_flux, stages, feed_stage)
    feed_comp = np.zeros((stages, 2))
    feed_comp[feed_stage] = [1.0 - fa, fa]
    x, y, _, residual = cascade.solve_saturated(np.array([1.0, beta]), o_out, a_out, feed_flow,
                                                feed_comp, 1e-13, 100)
    return o_out[-1] * y[-1], a_out[0] * x[0], residual
