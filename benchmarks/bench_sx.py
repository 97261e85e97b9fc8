"""Solvent-extraction speed (issue 5): a 60-stage, 12-component cascade (the PrOMMiS scale).

- single: one solve of an extraction + scrub cascade (constant distribution ratios, constant
  separation factors 2.5 per element), against SciPy's banded solver on the same tridiagonal
  equations, component by component;
- batch: 10^4 such cascades with different ratios and flows (numba prange on the machine's
  cores), against the same SciPy reference looped over the batch (timed on 200, scaled).
"""

import time

import numpy as np
from scipy.linalg import solve_banded

from reemud.bench import best_of
from reemud.separation import cascade
from reemud.separation.design import saturated_binary_flows

N, M, F = 60, 12, 30
BATCH = 10_000


def problem(rng=None):
    d = 2.5 ** np.arange(M) / 2.5 ** (M / 2)
    if rng is not None:
        d = d * rng.uniform(0.8, 1.25)
    o_out = np.full(N, 1.0)
    a_out = np.full(N, 1.2)
    a_out[: F + 1] = 2.2
    feed_flow = np.zeros(N)
    feed_flow[F] = 1.0
    feed_comp = np.zeros((N, M))
    feed_comp[F] = 1.0 / M
    return d, o_out, a_out, feed_flow, feed_comp


def numba_solve(d, o_out, a_out, feed_flow, feed_comp):
    return cascade.solve(0, d, o_out, a_out, 1.0, np.zeros(M), 1.2, np.zeros(M), feed_flow,
                         feed_comp, 1.0, 0.0, np.zeros(N), 3.0, 0.5, 1e-12, 2)


def scipy_solve(d, o_out, a_out, feed_flow, feed_comp):
    """The same balances with y = D x eliminated: a tridiagonal system per component."""
    x = np.empty((N, M))
    for j in range(M):
        ab = np.zeros((3, N))
        ab[1] = -(o_out * d[j] + a_out)
        ab[0, 1:] = a_out[1:]                 # x_{i+1} coefficient in row i
        ab[2, :-1] = o_out[:-1] * d[j]        # y_{i-1} = D x_{i-1} coefficient in row i
        x[:, j] = solve_banded((1, 1), ab, -feed_flow * feed_comp[:, j])
    return x


def case_single_60_stages_12_components():
    args = problem()
    numba_solve(*args)
    x_ref = scipy_solve(*args)
    x, *_ = numba_solve(*args)
    assert np.allclose(x, x_ref, rtol=1e-10, atol=1e-15)
    seconds = best_of(lambda: numba_solve(*args), repeat=200)
    return {"stages": N, "components": M, "seconds": seconds,
            "reference": "scipy.linalg.solve_banded, per component, same equations",
            "reference_seconds": best_of(lambda: scipy_solve(*args), repeat=50),
            "target_seconds": 1e-3}


def case_batch_1e4():
    rng = np.random.default_rng(0)
    items = [problem(rng) for _ in range(BATCH)]
    d = np.stack([i[0] for i in items])
    o = np.stack([i[1] for i in items])
    a = np.stack([i[2] for i in items])
    ff = np.stack([i[3] for i in items])
    fc = np.stack([i[4] for i in items])
    args = (d, o, a, np.ones(BATCH), np.zeros((BATCH, M)), np.full(BATCH, 1.2),
            np.zeros((BATCH, M)), ff, fc, np.ones(BATCH), np.zeros(BATCH), np.zeros((BATCH, N)))
    cascade.solve_batch(0, *(x[:2] for x in args), 3.0, 0.5, 1e-12, 2)
    start = time.perf_counter()
    cascade.solve_batch(0, *args, 3.0, 0.5, 1e-12, 2)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    for k in range(200):
        scipy_solve(d[k], o[k], a[k], ff[k], fc[k])
    per_solve = (time.perf_counter() - start) / 200
    return {"solves": BATCH, "seconds": seconds, "solves_per_second": BATCH / seconds,
            "target_solves_per_second": 5000,
            "reference": "SciPy banded solver looped over the batch (timed on 200, scaled)",
            "reference_seconds": per_solve * BATCH}


def case_saturated_newton_binary_60_stages():
    """Non-linear: saturated constant-beta binary cascade (Newton), beta 2, 1.5 W_min."""
    n, f, fa, w = 60, 30, 0.5, 1.5
    o_out, a_out, feed_flow = saturated_binary_flows(fa, w, n, f)
    feed_comp = np.zeros((n, 2))
    feed_comp[f] = [1 - fa, fa]
    beta = np.array([1.0, 2.0])

    def run():
        return cascade.solve_saturated(beta, o_out, a_out, feed_flow, feed_comp, 1e-13, 100)

    run()
    seconds = best_of(run, repeat=20)
    from scipy.optimize import root

    def residual(flat):
        r = np.empty((n, 2))
        cascade._saturated_residual(np.exp(flat.reshape(n, 2)), beta, o_out, a_out, feed_flow,
                                    feed_comp, r)
        return r.ravel()

    x0 = np.log(np.full(n * 2, 0.5))
    start = time.perf_counter()
    sol = root(residual, x0, method="hybr", tol=1e-13)
    reference = time.perf_counter() - start
    return {"seconds": seconds, "reference": f"scipy.optimize.root (hybr) on the same residual "
            f"(success={bool(sol.success)})", "reference_seconds": reference}
