r"""Counter-current solvent-extraction cascades: one compiled solver for any stages and components.

Stages ``i = 0 … N−1``. Organic enters stage 0 (flow ``O_in``, composition ``y_in``) and leaves
stage ``N−1``; aqueous enters stage ``N−1`` (flow ``A_in``, composition ``x_in``, e.g. scrub acid)
and leaves stage 0 (raffinate); aqueous feeds enter any stage. With outlet flows ``O_i``, ``A_i``
of stage ``i`` (per stage, so sections with different flows, reflux and the end stages of a
loaded cascade are all expressed), the balance of component ``j`` on stage ``i`` is

.. math::

    O_{i-1} y_{i-1,j} + A_{i+1} x_{i+1,j} + F_{i} z_{i,j} - O_i y_{i,j} - A_i x_{i,j} = 0

with ideal or Murphree stages, ``y_{i} = (1 − η) y_{i−1} + η D_{i} x_{i}`` (``η = 1``: equilibrium
stage). For given distribution ratios this is a block-tridiagonal linear system per component
(2×2 blocks in (x, y)), solved by the block Thomas algorithm. Distribution ratios come from an
equilibrium model (``MODELS``):

- ``0`` constant D per component (the Kremser case; one linear solve);
- ``1`` constant separation factors with a saturated organic: ``D_ij = β_j / Σ_k β_k x_ik``
  (compositions as mole fractions, flows as RE molar fluxes — Xu Guangxian's cascade theory);
- ``2`` mass action with loading and acid balance: ``D_ij = K_j F_i³ / H_i³``, free extractant
  dimer ``F_i = F_tot − 3 Σ_j y_ij``, and ``H`` from the aqueous acid balance, each mole of RE
  extracted releasing ``3 (1 − s)`` mol H⁺ (``s`` = saponification degree);
- ``3`` log-linear in pH, ``log10 D_ij = a_j pH_i + b_j`` (the PrOMMiS DEHPA correlation form)
  with the same acid balance; optionally per-component proton counts and a sulfate system
  (HSO₄⁻ ⇌ H⁺ + SO₄²⁻, ``K_a2``), ``params = [a (m), b (m), z (m), K_a2, total sulfate]``; the
  acidity ``h_in`` is then the total acidity (H⁺ + HSO₄⁻) of the aqueous inlet;
- ``4`` log-linear in pH with parameters that follow the free extractant as the organic loads
  (PrOMMiS 1.1.0's DEHPA correlation): ``log10 D_ij = (m0_j + m1_j c_i) pH_i + B0_j +
  B1_j log10 c_i`` with the dosage ``c_i = κ E_i`` [vol %] of the free extractant
  ``E_i = E_tot − Σ_j z_j y_ij`` [mol/L] (``E_tot``: free plus bound extractant per litre of
  organic, the same on every stage; each mole of component ``j`` binds ``z_j`` extractant and
  releases its ``z_j`` protons); the acid balance and sulfate system of model 3,
  ``params = [m0, m1, B0, B1, z (m each), K_a2, total sulfate, E_tot, κ]``.

Non-linear models iterate by successive substitution on ``log D`` with damping, each iteration
one exact linear solve — so every returned state balances every component to rounding, converged
or not; ``converged`` says whether D settled to ``tol``. Compiled with numba; ``solve_batch``
runs independent cascades in parallel (``prange``) and gives the same numbers whatever the
thread count.
"""

from __future__ import annotations

import numba
import numpy as np

MODELS = {"constant_d": 0, "constant_beta": 1, "mass_action": 2, "log_linear_ph": 3,
          "log_linear_ph_loading": 4}


@numba.njit(cache=True)
def _distribution(model, x, y, h, params, n_comp):
    """Distribution ratios of one stage for the current compositions."""
    d = np.empty(n_comp)
    if model == 0:
        for j in range(n_comp):
            d[j] = params[j]
    elif model == 1:
        # mole fractions: normalise the aqueous composition before the saturation constraint
        s = 0.0
        total = 0.0
        for j in range(n_comp):
            s += params[j] * x[j]
            total += x[j]
        s = max(s / max(total, 1e-300), 1e-300)
        for j in range(n_comp):
            d[j] = params[j] / s
    elif model == 2:
        loaded = 0.0
        for j in range(n_comp):
            loaded += y[j]
        free = max(params[n_comp] - 3.0 * loaded, 1e-12 * params[n_comp])
        ratio = (free / max(h, 1e-12)) ** 3
        for j in range(n_comp):
            d[j] = params[j] * ratio
    elif model == 3:
        ph = -np.log10(max(h, 1e-14))
        for j in range(n_comp):
            d[j] = 10.0 ** (params[j] * ph + params[n_comp + j])
    else:
        # free extractant: the total less z_j per mole of each component loaded
        m = n_comp
        bound = 0.0
        for j in range(m):
            bound += params[4 * m + j] * y[j]
        total = params[5 * m + 2]
        dosage = params[5 * m + 3] * max(total - bound, 1e-12 * total)
        log_dosage = np.log10(dosage)
        ph = -np.log10(max(h, 1e-14))
        for j in range(m):
            d[j] = 10.0 ** ((params[j] + params[m + j] * dosage) * ph
                            + params[2 * m + j] + params[3 * m + j] * log_dosage)
    return d


@numba.njit(cache=True)
def _linear_solve(dmat, o_out, a_out, o_in, y_in, a_in, x_in, feed_flow, feed_comp, eta, x, y):
    """Block Thomas solve of all components for fixed distribution ratios (in place)."""
    n, m = dmat.shape
    for j in range(m):
        # unknowns per stage: (x_i, y_i); rows: balance, efficiency
        cp = np.zeros((n, 2, 2))
        dp = np.zeros((n, 2))
        for i in range(n):
            # diagonal block B_i, lower block L_i (stage i-1), upper block U_i (stage i+1)
            b00 = -a_out[i]
            b01 = -o_out[i]
            b10 = -eta * dmat[i, j]
            b11 = 1.0
            l01 = o_out[i - 1] if i > 0 else 0.0
            l11 = -(1.0 - eta) if i > 0 else 0.0
            u00 = a_out[i + 1] if i < n - 1 else 0.0
            r0 = -feed_flow[i] * feed_comp[i, j]
            r1 = 0.0
            if i == 0:
                r0 -= o_in * y_in[j]
                r1 += (1.0 - eta) * y_in[j]
            if i == n - 1:
                r0 -= a_in * x_in[j]
            if i > 0:
                # B' = B - L C'_{i-1}, d' = d - L d'_{i-1}; L has entries (0,1)=l01, (1,1)=l11
                c = cp[i - 1]
                b00 -= l01 * c[1, 0]
                b01 -= l01 * c[1, 1]
                b10 -= l11 * c[1, 0]
                b11 -= l11 * c[1, 1]
                r0 -= l01 * dp[i - 1, 1]
                r1 -= l11 * dp[i - 1, 1]
            det = b00 * b11 - b01 * b10
            i00, i01, i10, i11 = b11 / det, -b01 / det, -b10 / det, b00 / det
            # C'_i = B'^-1 U_i, U_i has only (0,0)=u00
            cp[i, 0, 0] = i00 * u00
            cp[i, 1, 0] = i10 * u00
            dp[i, 0] = i00 * r0 + i01 * r1
            dp[i, 1] = i10 * r0 + i11 * r1
        x[n - 1, j] = dp[n - 1, 0]
        y[n - 1, j] = dp[n - 1, 1]
        for i in range(n - 2, -1, -1):
            x[i, j] = dp[i, 0] - cp[i, 0, 0] * x[i + 1, j]
            y[i, j] = dp[i, 1] - cp[i, 1, 0] * x[i + 1, j]


@numba.njit(cache=True)
def _acid(model, params, o_out, a_out, y, a_in, h_in, feed_flow, h_feed, o_in, y_in, protons,
          h):
    """Aqueous acid leaving each stage, from the last stage down (in place).

    Carries the total acidity (free H⁺ plus, with sulfate, HSO₄⁻) down the aqueous flow, adds
    the protons each component's extraction releases, and speciates it. Models 3 (optionally)
    and 4 carry per component proton counts ``z_j`` and a sulfate system (``K_a2``, total
    sulfate ``T``): ``[H⁺] = (−(T − P + K) + √((T − P + K)² + 4 K P)) / 2`` for total acidity
    ``P``.
    """
    n, m = y.shape
    z_at = -1  # where the proton counts start in params (-1: ``protons`` for every component)
    if model == 3 and params.shape[0] >= 3 * m:
        z_at = 2 * m
    elif model == 4:
        z_at = 4 * m
    ka = 0.0
    sulfate = 0.0
    if z_at >= 0 and params.shape[0] >= z_at + m + 2:
        ka = params[z_at + m]
        sulfate = params[z_at + m + 1]
    flow_p = a_in * h_in
    for i in range(n - 1, -1, -1):
        flow_p += feed_flow[i] * h_feed[i]
        for j in range(m):
            z = params[z_at + j] if z_at >= 0 else protons
            out_org = o_out[i] * y[i, j]
            in_org = (o_out[i - 1] * y[i - 1, j]) if i > 0 else o_in * y_in[j]
            flow_p += z * (out_org - in_org)
        total = max(flow_p / max(a_out[i], 1e-300), 1e-14)
        if ka > 0.0:
            c = sulfate - total + ka
            h[i] = max(0.5 * (-c + np.sqrt(c * c + 4.0 * ka * total)), 1e-14)
        else:
            h[i] = total
        flow_p = total * a_out[i]


@numba.njit(cache=True)
def solve(model, params, o_out, a_out, o_in, y_in, a_in, x_in, feed_flow, feed_comp, eta,
          h_in, h_feed, protons, damping, tol, max_iter):
    """Steady state of one cascade; returns ``(x, y, h, iterations, change)``.

    Parameters
    ----------
    model : int
        Distribution-ratio model, a value of ``MODELS`` (0 constant D, 1 constant β, 2 mass
        action, 3 log-linear in pH, 4 log-linear in pH with the free extractant's dosage).
    params : ndarray
        Model parameters: ``D`` per component (0); ``β`` per component (1); ``K`` per
        component then the total extractant dimer ``F_tot`` [mol/L] (2); ``a`` then ``b`` per
        component, optionally the proton counts ``z`` and ``[K_a2 [mol/L], total sulfate
        [mol/L]]`` (3); ``m0`` [1/pH unit], ``m1`` [1/(pH unit vol %)], ``B0`` [-], ``B1`` [-]
        and the proton (and extractant) counts ``z`` [-] per component, then ``K_a2``
        [mol/L] (0: no sulfate speciation), total sulfate [mol/L], the total extractant
        ``E_tot`` (free plus bound, per litre of organic) [mol/L] and the dosage per free
        extractant ``κ`` [vol % per mol/L] (4).
    o_out, a_out : ndarray
        Organic and aqueous flows leaving each stage, shape ``(N,)`` [any consistent flow
        unit, e.g. L/h].
    o_in : float
        Organic flow entering stage 0 [flow unit].
    y_in : ndarray
        Composition of that organic, shape ``(m,)`` [mol/L; mole fractions for model 1].
    a_in : float
        Aqueous flow entering stage ``N−1`` (e.g. scrub acid) [flow unit].
    x_in : ndarray
        Composition of that aqueous, shape ``(m,)`` [mol/L; mole fractions for model 1].
    feed_flow : ndarray
        Aqueous feed flow into each stage, shape ``(N,)`` [flow unit].
    feed_comp : ndarray
        Composition of each stage's feed, shape ``(N, m)`` [mol/L; mole fractions for
        model 1].
    eta : float
        Murphree stage efficiency ``η`` [-] (1: equilibrium stages).
    h_in : float
        Acidity of the aqueous inlet [mol/L] (total acidity H⁺ + HSO₄⁻ with sulfate).
    h_feed : ndarray
        Acidity of each stage's feed, shape ``(N,)`` [mol/L].
    protons : float
        H⁺ released per mole of component extracted (models 2 and 3 without ``z``) [-].
    damping : float
        Damping of the successive substitution on ``log D``, in ``[0, 1)`` [-].
    tol : float
        Convergence tolerance on the largest change of ``log D`` [-].
    max_iter : int
        Most iterations [-].

    Returns
    -------
    x, y : ndarray
        Aqueous and organic compositions leaving each stage, shape ``(N, m)`` [units of the
        inlet compositions].
    h : ndarray
        Free H⁺ of the aqueous leaving each stage, shape ``(N,)`` [mol/L] (the inlet acidity
        throughout for models 0 and 1).
    iterations : int
        Iterations done [-].
    change : float
        Largest change of ``log D`` in the last iteration [-] (converged when below ``tol``).

    References
    ----------
    Yan, Jia, Liao, Wu & Xu (2006) Rare earth separation in China, Tsinghua Sci. Technol.
    11(2):241–247 (Xu Guangxian's counter-current extraction theory, model 1); Peppard, Mason &
    Giffin (1965) J. Inorg. Nucl. Chem. 27:1683–1691 (the ``[H⁺]⁻³`` dependence, model 2);
    PrOMMiS ``solvent_extraction/solvent_extraction_reaction_package.py``
    (github.com/prommis/prommis) (the log-linear correlation, model 3); its release 1.1.0,
    where the dosage is that of each stage's organic (``ree_og_distribution.py``,
    ``extractant_dosage_eqn``) (model 4); docs/models/separation.md §3.1.
    """
    n = o_out.shape[0]
    m = y_in.shape[0]
    x = np.zeros((n, m))
    y = np.zeros((n, m))
    h = np.full(n, max(h_in, 1e-12))
    dmat = np.empty((n, m))
    # start: compositions of the mixed feeds everywhere (a neutral guess)
    total = 0.0
    guess = np.zeros(m)
    for i in range(n):
        for j in range(m):
            guess[j] += feed_flow[i] * feed_comp[i, j]
            total += feed_flow[i] * feed_comp[i, j]
    for j in range(m):
        guess[j] = guess[j] / max(total, 1e-300)
    for i in range(n):
        dmat[i] = _distribution(model, guess, y[i], h[i], params, m)
    change = np.inf
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        _linear_solve(dmat, o_out, a_out, o_in, y_in, a_in, x_in, feed_flow, feed_comp, eta, x, y)
        if model == 0:
            change = 0.0
            break
        if model >= 2:
            _acid(model, params, o_out, a_out, y, a_in, h_in, feed_flow, h_feed, o_in, y_in,
                  protons, h)
        change = 0.0
        for i in range(n):
            xi = np.empty(m)
            for j in range(m):
                xi[j] = max(x[i, j], 0.0)
            new = _distribution(model, xi, y[i], h[i], params, m)
            for j in range(m):
                step = np.log(max(new[j], 1e-300)) - np.log(max(dmat[i, j], 1e-300))
                change = max(change, abs(step))
                dmat[i, j] = dmat[i, j] * np.exp((1.0 - damping) * step)
        if change < tol:
            _linear_solve(dmat, o_out, a_out, o_in, y_in, a_in, x_in, feed_flow, feed_comp, eta,
                          x, y)
            break
    return x, y, h, it, change


@numba.njit(cache=True, parallel=True)
def solve_batch(model, params, o_out, a_out, o_in, y_in, a_in, x_in, feed_flow, feed_comp, eta,
                h_in, h_feed, protons, damping, tol, max_iter):
    """Solve a batch of cascades (leading axis) in parallel; arrays as ``solve`` plus a batch axis.

    Parameters
    ----------
    model : int
        Distribution-ratio model, a value of ``MODELS``, shared by the batch.
    params, o_out, a_out, o_in, y_in, a_in, x_in, feed_flow, feed_comp, eta, h_in, h_feed : ndarray
        The per-cascade inputs of ``solve``, each with the batch on a leading axis of length
        ``B`` (e.g. ``params`` of shape ``(B, p)``, ``o_in`` of shape ``(B,)``).
    protons : float
        H⁺ released per mole of component extracted (models 2 and 3 without ``z``) [-].
    damping : float
        Damping of the successive substitution on ``log D``, in ``[0, 1)`` [-].
    tol : float
        Convergence tolerance on the largest change of ``log D`` [-].
    max_iter : int
        Most iterations [-].

    Returns
    -------
    xs, ys : ndarray
        Aqueous and organic compositions leaving each stage, shape ``(B, N, m)`` [units of the
        inlet compositions].
    hs : ndarray
        Free H⁺ leaving each stage, shape ``(B, N)`` [mol/L].
    iters : ndarray of int
        Iterations of each cascade, shape ``(B,)`` [-].
    changes : ndarray
        Last largest change of ``log D`` of each cascade, shape ``(B,)`` [-].

    References
    ----------
    docs/models/separation.md §3.1.
    """
    b = params.shape[0]
    n = o_out.shape[1]
    m = y_in.shape[1]
    xs = np.empty((b, n, m))
    ys = np.empty((b, n, m))
    hs = np.empty((b, n))
    iters = np.empty(b, dtype=np.int64)
    changes = np.empty(b)
    for k in numba.prange(b):
        x, y, h, it, ch = solve(model, params[k], o_out[k], a_out[k], o_in[k], y_in[k], a_in[k],
                                x_in[k], feed_flow[k], feed_comp[k], eta[k], h_in[k], h_feed[k],
                                protons, damping, tol, max_iter)
        xs[k] = x
        ys[k] = y
        hs[k] = h
        iters[k] = it
        changes[k] = ch
    return xs, ys, hs, iters, changes


@numba.njit(cache=True)
def _saturated_residual(x, beta, o_out, a_out, feed_flow, feed_comp, r):
    """Stage balances of the saturated constant-β model (equilibrium stages, no inlet RE)."""
    n, m = x.shape
    y = np.empty((n, m))
    for i in range(n):
        s = 0.0
        t = 0.0
        for j in range(m):
            s += beta[j] * x[i, j]
            t += x[i, j]
        s = max(s, 1e-300)
        for j in range(m):
            y[i, j] = beta[j] * x[i, j] / s * t
    for i in range(n):
        for j in range(m):
            v = feed_flow[i] * feed_comp[i, j] - o_out[i] * y[i, j] - a_out[i] * x[i, j]
            if i > 0:
                v += o_out[i - 1] * y[i - 1, j]
            if i < n - 1:
                v += a_out[i + 1] * x[i + 1, j]
            r[i, j] = v
    return y


@numba.njit(cache=True)
def _jacobian_block(xi, beta):
    """Derivative dy_i/dx_i of y = β x Σx / Σβx (homogeneous of degree one in x)."""
    m = xi.shape[0]
    s = 0.0
    t = 0.0
    for j in range(m):
        s += beta[j] * xi[j]
        t += xi[j]
    s = max(s, 1e-300)
    jac = np.empty((m, m))
    for a in range(m):
        for b in range(m):
            v = -beta[a] * xi[a] * beta[b] * t / (s * s) + beta[a] * xi[a] / s
            if a == b:
                v += beta[a] * t / s
            jac[a, b] = v
    return jac


@numba.njit(cache=True)
def solve_saturated(beta, o_out, a_out, feed_flow, feed_comp, tol, max_iter):
    """Newton solve of the saturated constant-β cascade; returns ``(x, y, iterations, residual)``.

    Unknowns are ``u = log x`` of the aqueous fractions (not normalised: the organic is written
    ``y = β x Σx / Σβx`` so the equations stay smooth); the Jacobian is block tridiagonal (m×m
    blocks) and is solved by the block Thomas algorithm; steps are halved until the residual
    falls. The start is the constant-D solution with ``D = β / Σβz`` of the feed. Verified to
    1e-13 for up to eight components; with twelve widely spread components it can stall (the
    returned residual says so) — the flowsheet uses the constant-D cascade.

    Parameters
    ----------
    beta : ndarray
        Separation factor of each component against a reference ``β_j`` [-], shape ``(m,)``.
    o_out, a_out : ndarray
        Organic and aqueous RE fluxes leaving each stage, shape ``(N,)`` [e.g. mol per mol of
        feed RE].
    feed_flow : ndarray
        RE feed flux into each stage, shape ``(N,)`` [flux unit].
    feed_comp : ndarray
        Mole fractions of each stage's feed, shape ``(N, m)`` [-].
    tol : float
        Tolerance on the residual norm relative to the total feed flux [-].
    max_iter : int
        Most Newton iterations [-].

    Returns
    -------
    x, y : ndarray
        Aqueous and organic mole fractions leaving each stage, shape ``(N, m)`` [-].
    iterations : int
        Newton iterations done [-].
    residual : float
        Norm of the stage balances at the end [flux unit].

    References
    ----------
    Yan, Jia, Liao, Wu & Xu (2006) Rare earth separation in China, Tsinghua Sci. Technol.
    11(2):241–247 (Xu Guangxian's theory: constant β, saturated organic, constant RE fluxes);
    docs/models/separation.md §1.3, §3.1 and §6 case 4.
    """
    n = o_out.shape[0]
    m = beta.shape[0]
    # warm start: linear cascade with the feed-average distribution ratios
    zf = np.zeros(m)
    for i in range(n):
        for j in range(m):
            zf[j] += feed_flow[i] * feed_comp[i, j]
    sz = 0.0
    tz = 0.0
    for j in range(m):
        sz += beta[j] * zf[j]
        tz += zf[j]
    dmat = np.empty((n, m))
    for i in range(n):
        for j in range(m):
            dmat[i, j] = beta[j] * tz / sz
    x = np.zeros((n, m))
    y = np.zeros((n, m))
    _linear_solve(dmat, o_out, a_out, 0.0, np.zeros(m), 0.0, np.zeros(m), feed_flow, feed_comp,
                  1.0, x, y)
    # Newton in u = log x: every flux stays positive, trace components stay well scaled
    u = np.empty((n, m))
    for i in range(n):
        for j in range(m):
            u[i, j] = np.log(max(x[i, j], 1e-30 * max(zf[j], 1e-300) + 1e-300))
            x[i, j] = np.exp(u[i, j])
    r = np.empty((n, m))
    _saturated_residual(x, beta, o_out, a_out, feed_flow, feed_comp, r)
    norm = np.sqrt(np.sum(r * r))
    scale = 0.0
    for i in range(n):
        scale += feed_flow[i]
    it = 0
    trial = np.empty((n, m))
    ut = np.empty((n, m))
    rt = np.empty((n, m))
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        if norm <= tol * max(scale, 1e-300):
            break
        # block Thomas on J du = -r with J = dR/dx diag(x):
        # L_i = O_{i-1} J_{i-1} X_{i-1}, B_i = (-O_i J_i - A_i I) X_i, U_i = A_{i+1} X_{i+1}
        cprime = np.empty((n, m, m))
        dprime = np.empty((n, m))
        prev = np.zeros((m, m))
        for i in range(n):
            ji = _jacobian_block(x[i], beta)
            b = np.empty((m, m))
            for a in range(m):
                for c in range(m):
                    b[a, c] = -o_out[i] * ji[a, c] * x[i, c]
                b[a, a] -= a_out[i] * x[i, a]
            rhs = -r[i].copy()
            if i > 0:
                lmat = np.empty((m, m))
                for a in range(m):
                    for c in range(m):
                        lmat[a, c] = o_out[i - 1] * prev[a, c] * x[i - 1, c]
                b -= lmat @ cprime[i - 1]
                rhs -= lmat @ dprime[i - 1]
            binv = np.linalg.inv(b)
            if i < n - 1:
                for a in range(m):
                    for c in range(m):
                        cprime[i, a, c] = binv[a, c] * a_out[i + 1] * x[i + 1, c]
            else:
                cprime[i] = 0.0
            dprime[i] = binv @ rhs
            prev = ji
        du = np.empty((n, m))
        du[n - 1] = dprime[n - 1]
        for i in range(n - 2, -1, -1):
            du[i] = dprime[i] - cprime[i] @ du[i + 1]
        step = 1.0
        biggest = np.max(np.abs(du))
        if biggest > 5.0:
            step = 5.0 / biggest  # limit a log step to a factor e^5
        for _ in range(40):
            for i in range(n):
                for j in range(m):
                    ut[i, j] = u[i, j] + step * du[i, j]
                    trial[i, j] = np.exp(ut[i, j])
            _saturated_residual(trial, beta, o_out, a_out, feed_flow, feed_comp, rt)
            new_norm = np.sqrt(np.sum(rt * rt))
            if new_norm < norm:
                break
            step *= 0.5
        u[:] = ut
        x[:] = trial
        r[:] = rt
        norm = new_norm
    y = _saturated_residual(x, beta, o_out, a_out, feed_flow, feed_comp, r)
    return x, y, it, np.sqrt(np.sum(r * r))


def mass_action_cascade(k, extractant_dimer_mol_per_l, saponification, *, stages, organic_flow,
                        aqueous_flow, aqueous_feed, acid_mol_per_l, efficiency=1.0, tol=1e-10,
                        max_iter=2000, damping=0.5):
    """Single-section counter-current extraction with the mass-action model (model 2).

    ``D_j = K_j F³ / H³`` with the free dimer ``F = F_tot − 3 Σ y`` and the acid released by
    extraction reduced by saponification: each mole of RE extracted releases ``3 (1 − s)`` mol
    H⁺ (the saponified share exchanges Na⁺ instead). The aqueous ``aqueous_feed`` [mol/L per
    component] at ``acid_mol_per_l`` enters the last stage; fresh organic enters stage 0.
    Returns ``(x, y, h, converged)``.

    Parameters
    ----------
    k : array_like
        Extraction constant of each component ``K_j`` [-], shape ``(m,)``.
    extractant_dimer_mol_per_l : float
        Total extractant dimer ``F_tot`` [mol/L].
    saponification : float
        Saponification degree ``s`` of the extractant, in ``[0, 1)`` [-].
    stages : int
        Number of stages [-].
    organic_flow, aqueous_flow : float
        Organic and aqueous flows, the same through every stage [any consistent flow unit].
    aqueous_feed : array_like
        Composition of the aqueous entering the last stage [mol/L per component].
    acid_mol_per_l : float
        Acidity of that aqueous [mol/L].
    efficiency : float, optional
        Murphree stage efficiency [-].
    tol : float, optional
        Convergence tolerance on the change of ``log D`` [-].
    max_iter : int, optional
        Most iterations [-].
    damping : float, optional
        Damping of the successive substitution [-].

    Returns
    -------
    x, y : ndarray
        Aqueous and organic compositions leaving each stage, shape ``(stages, m)`` [mol/L].
    h : ndarray
        Free H⁺ of the aqueous leaving each stage [mol/L].
    converged : bool
        Whether ``D`` settled to ``tol``.

    Raises
    ------
    ValueError
        If ``saponification`` is outside ``[0, 1)``.

    References
    ----------
    Peppard, Mason & Giffin (1965) J. Inorg. Nucl. Chem. 27:1683–1691; Wu, Zhang & Bao (2007)
    Ind. Eng. Chem. Res. 46:6320–6325; docs/models/separation.md §1.1, §3.1.
    """
    k = np.asarray(k, dtype=float)
    if not 0.0 <= saponification < 1.0:
        raise ValueError(f"saponification must be in [0, 1) (got {saponification})")
    m = k.size
    params = np.concatenate([k, [float(extractant_dimer_mol_per_l)]])
    o_out = np.full(stages, float(organic_flow))
    a_out = np.full(stages, float(aqueous_flow))
    x, y, h, _, change = solve(2, params, o_out, a_out, float(organic_flow), np.zeros(m),
                               float(aqueous_flow), np.asarray(aqueous_feed, dtype=float),
                               np.zeros(stages), np.zeros((stages, m)), float(efficiency),
                               float(acid_mol_per_l), np.zeros(stages),
                               3.0 * (1.0 - saponification), damping, tol, max_iter)
    return x, y, h, change < tol
