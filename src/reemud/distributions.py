r"""Distribution kinds of uncertain parameters: one registry of their keys, checks, nominal values and PPFs.

A scenario writes an uncertain parameter as a table such as
``grade_ppm = { dist = "triangular", low = 3000, mode = 5000, high = 7000 }`` (``reemud.scenario``
parses it). ``KINDS`` maps each kind's name to its ``DistributionKind``: the keys it needs, how each
key converts when the table gives a ``unit``, the checks of its parameters, its nominal value (the
value a deterministic run takes, unless the table gives ``value``) and its inverse CDF:

=============  =======================  ==================================  ========================
kind           keys                     nominal                             inverse CDF
=============  =======================  ==================================  ========================
uniform        low, high                midpoint                            ``low + u (high − low)``
triangular     low, mode, high          mode                                ``scipy.stats.triang``
pert           low, mode, high          mode                                Beta(α, β) on [low, high]
normal         mean, sd                 mean                                ``scipy.stats.norm``
lognormal      mu, sigma (of ln X)      mode ``exp(μ − σ²)``                ``exp(Φ⁻¹(u; μ, σ))``
discrete       values, weights          most probable value (first of ties) step of the weights' CDF
empirical      values (a sample)        median of the values                Hazen-position quantiles
=============  =======================  ==================================  ========================

PERT: ``α = 1 + 4 (mode − low)/(high − low)``, ``β = 1 + 4 (high − mode)/(high − low)``. Empirical:
linear interpolation between the sorted values at plotting positions ``(i + ½)/n``, constant beyond.
Every kind takes the optional key ``value`` (the nominal value, overriding the kind's own).

Each kind's functions take its required keys as keyword arguments: ``check(**p)`` returns
``(allowed, fix)`` pairs (empty when the parameters are valid), ``nominal(**p)`` a float and
``ppf(u, **p)`` the values at probabilities ``u`` (an array of any shape, element-wise). The
``DistributionKind`` methods take the whole parameter mapping instead.

Every number a distribution produces must be a finite float, so the checks also refuse
parameters whose numbers overflow: a uniform, triangular or PERT range whose width
``high − low`` overflows, a normal whose ``mean ± 10 sd`` does, a lognormal whose mean
``exp(μ + σ²/2)`` or variance ``(exp(σ²) − 1) exp(2μ + σ²)`` does, discrete weights whose sum
does and empirical values whose range does. A key's value must be a number (booleans and
strings are not), a list key's a list of numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from reemud.errors import Problem, toml_type

Converter = Callable[[Any, float], Any]
"""How one key of a table converts to the parameter's canonical unit: ``(given, scale) -> value``
where ``scale`` is the size of the table's ``unit`` in the canonical unit. Raises ``TypeError`` or
``ValueError`` on a value that is not a number (a list of numbers for list keys); the message says
what was given instead."""

LOG_MAX = math.log(np.finfo(float).max)
"""Natural log of the largest float (~709.78): a larger exponent overflows."""

SPREAD_SIGMAS = 10.0
"""How many standard deviations either side of a normal's mean must stay finite."""


def _stats():
    """``scipy.stats``, imported on first use (it takes ~1 s, and a single run draws nothing)."""
    from scipy import stats

    return stats


def number(given: Any) -> float:
    """A plain number (an int or float, not a boolean) as a float; ``TypeError`` otherwise."""
    if isinstance(given, bool) or not isinstance(given, int | float | np.integer | np.floating):
        raise TypeError(f"must be a number, not {toml_type(given)}")
    try:
        return float(given)
    except OverflowError:  # an integer beyond the float range
        raise ValueError("must be a number below 1.8e308") from None


def numbers(given: Any) -> list[float]:
    """A list of plain numbers as floats; ``TypeError`` naming the first item that is not one."""
    if not isinstance(given, list | tuple):
        raise TypeError(f"must be a list of numbers, not {toml_type(given)}")
    out = []
    for i, item in enumerate(given):
        try:
            out.append(number(item))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"must be a list of numbers; item {i} {exc}") from None
    return out


def scaled(given: Any, scale: float) -> float:
    """A quantity in the table's unit: ``given · scale``."""
    return number(given) * scale


def pure(given: Any, scale: float) -> float:
    """A pure number (a shape or spread parameter), the same in any unit."""
    return number(given)


def log_shifted(given: Any, scale: float) -> float:
    """A location on the natural log of the quantity: ``given + ln(scale)``."""
    return number(given) + math.log(scale)


def scaled_list(given: Any, scale: float) -> list[float]:
    """A list of quantities in the table's unit."""
    return [v * scale for v in numbers(given)]


def pure_list(given: Any, scale: float) -> list[float]:
    """A list of pure numbers (e.g. weights)."""
    return numbers(given)


@dataclass(frozen=True)
class DistributionKind:
    """One kind of distribution: its keys, checks, nominal value and inverse CDF.

    ``check``, ``nominal``, ``ppf`` and ``support`` take the ``required`` keys as keyword
    arguments. ``units`` says how a key converts from the table's ``unit`` (``scaled`` for a key
    not listed). ``support`` gives the ends of a bounded support (None: unbounded).
    ``values_key`` names the key listing the values a kind draws from or between (discrete,
    empirical): only such kinds describe whole-number parameters.
    """

    name: str
    required: tuple[str, ...]
    check: Callable[..., list[tuple[str, str]]]
    nominal: Callable[..., float]
    ppf: Callable[..., np.ndarray]
    optional: tuple[str, ...] = ("value",)
    units: Mapping[str, Converter] = field(default_factory=lambda: MappingProxyType({}))
    support: Callable[..., tuple[float, float]] | None = None
    values_key: str | None = None

    def shape(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The required keys of ``params``: the arguments of the kind's functions."""
        return {k: params[k] for k in self.required}

    def missing(self, keys) -> list[str]:
        """The required keys not among ``keys``, in the kind's order."""
        return [k for k in self.required if k not in keys]

    def keys(self) -> tuple[str, ...]:
        """Every key a table of this kind may hold: ``dist``, the required and optional keys, ``unit``."""
        return ("dist", *self.required, *self.optional, "unit")

    def convert(self, key: str, given: Any, scale: float) -> Any:
        """One key's value in the canonical unit, the table's unit being ``scale`` of it."""
        return self.units.get(key, scaled)(given, scale)

    def problems(self, path: str, given: object, params: Mapping[str, Any]) -> list[Problem]:
        """Problems of converted parameters: every number finite, then the kind's own checks."""
        bad = [k for k, x in params.items()
               if not all(math.isfinite(v) for v in (x if isinstance(x, list) else [x]))]
        if bad:
            return [Problem(path, given, "distribution parameters must be finite numbers "
                            f"({', '.join(bad)}: inf or nan, given or after the unit's conversion)",
                            "replace nan/inf by numbers; a number that overflows when its unit "
                            "is converted becomes inf too")]
        return [Problem(path, given, allowed, fix)
                for allowed, fix in self.check(**self.shape(params))]

    def nominal_value(self, params: Mapping[str, Any]) -> float:
        """The deterministic value: ``value`` if given, else the kind's nominal value."""
        if "value" in params:
            return float(params["value"])
        return self.nominal(**self.shape(params))

    def quantiles(self, params: Mapping[str, Any], u) -> np.ndarray:
        """Values at probabilities ``u`` (any shape), in the unit of ``params``."""
        return self.ppf(np.asarray(u, dtype=float), **self.shape(params))

    def ends(self, params: Mapping[str, Any]) -> tuple[float, float] | None:
        """Lowest and highest value the distribution reaches, None if unbounded."""
        return None if self.support is None else self.support(**self.shape(params))


# ---------------------------------------------------------------------------------------------
# uniform, triangular, PERT: on [low, high]


def _width_check(low, high) -> list[tuple[str, str]]:
    if math.isfinite(high - low):
        return []
    return [("the width high - low overflows a float (it must stay below 1.8e308)",
             "narrow the range to values a model can use")]


def _check_uniform(low, high) -> list[tuple[str, str]]:
    return _width_check(low, high) if low < high else [("needs low < high", "swap low and high")]


def _ppf_uniform(u, *, low, high):
    return low + u * (high - low)


def _check_three_point(low, mode, high) -> list[tuple[str, str]]:
    if low <= mode <= high:
        return _width_check(low, high)
    return [("needs low <= mode <= high", "reorder low, mode and high")]


def _ppf_triangular(u, *, low, mode, high):
    width = high - low
    if width == 0:
        return np.full_like(u, low)
    return _stats().triang.ppf(u, (mode - low) / width, loc=low, scale=width)


def _ppf_pert(u, *, low, mode, high):
    """PERT: Beta(α, β) on [low, high], α = 1 + 4(m − a)/(b − a), β = 1 + 4(b − m)/(b − a)."""
    width = high - low
    if width == 0:
        return np.full_like(u, low)
    a = 1.0 + 4.0 * (mode - low) / width
    b = 1.0 + 4.0 * (high - mode) / width
    return low + width * _stats().beta.ppf(u, a, b)


UNIFORM = DistributionKind(
    name="uniform", required=("low", "high"), check=_check_uniform,
    nominal=lambda low, high: float(low) / 2.0 + float(high) / 2.0, ppf=_ppf_uniform,
    support=lambda low, high: (low, high))

TRIANGULAR = DistributionKind(
    name="triangular", required=("low", "mode", "high"), check=_check_three_point,
    nominal=lambda low, mode, high: float(mode), ppf=_ppf_triangular,
    support=lambda low, mode, high: (low, high))

PERT = DistributionKind(
    name="pert", required=("low", "mode", "high"), check=_check_three_point,
    nominal=lambda low, mode, high: float(mode), ppf=_ppf_pert,
    support=lambda low, mode, high: (low, high))


# ---------------------------------------------------------------------------------------------
# normal, lognormal: unbounded


def _spread_check(spread: float) -> list[tuple[str, str]]:
    return [] if spread > 0 else [("the spread must be > 0", "give a positive sd/sigma")]


def _check_normal(mean, sd) -> list[tuple[str, str]]:
    if not sd > 0:
        return _spread_check(sd)
    if math.isfinite(abs(mean) + SPREAD_SIGMAS * sd):
        return []
    return [(f"mean ± {SPREAD_SIGMAS:g} sd overflows a float: its draws would be infinite",
             "give a mean and sd of a sensible size (their sum must stay below 1.8e307)")]


def lognormal_log_moments(mu: float, sigma: float) -> tuple[float, float]:
    """Natural logs of a lognormal's mean and variance, computed without overflowing.

    ``ln E[X] = μ + σ²/2`` and ``ln Var[X] = 2μ + σ² + ln(exp(σ²) − 1)``.
    """
    s2 = sigma * sigma
    if s2 == 0.0:
        return mu, -math.inf
    log_expm1 = s2 + math.log1p(-math.exp(-s2)) if s2 > 1.0 else math.log(math.expm1(s2))
    return mu + s2 / 2.0, 2.0 * mu + s2 + log_expm1


def _check_lognormal(mu, sigma) -> list[tuple[str, str]]:
    if not sigma > 0:
        return _spread_check(sigma)
    log_mean, log_var = lognormal_log_moments(mu, sigma)
    if log_mean <= LOG_MAX and log_var <= LOG_MAX:
        return []
    return [("the mean exp(mu + sigma²/2) or the variance of the distribution overflows a float "
             f"(ln of each must stay below {LOG_MAX:.2f})",
             "mu and sigma are of the natural log of the quantity: give e.g. mu = 6, "
             "sigma = 0.5 for values near exp(6) = 403")]


def _ppf_normal(u, *, mean, sd):
    return _stats().norm.ppf(u, loc=mean, scale=sd)


def _ppf_lognormal(u, *, mu, sigma):
    """Lognormal: the natural log of X is N(μ, σ²)."""
    return np.exp(_stats().norm.ppf(u, loc=mu, scale=sigma))


NORMAL = DistributionKind(
    name="normal", required=("mean", "sd"), check=_check_normal,
    nominal=lambda mean, sd: float(mean), ppf=_ppf_normal)

LOGNORMAL = DistributionKind(
    name="lognormal", required=("mu", "sigma"), check=_check_lognormal,
    nominal=lambda mu, sigma: math.exp(float(mu) - float(sigma) * float(sigma)),
    ppf=_ppf_lognormal,
    units=MappingProxyType({"mu": log_shifted, "sigma": pure}))


# ---------------------------------------------------------------------------------------------
# discrete, empirical: listed values


def _check_discrete(values, weights) -> list[tuple[str, str]]:
    if len(values) != len(weights) or not values:
        return [("values and weights must be non-empty lists of equal length",
                 "give one weight per value")]
    if min(weights) < 0 or sum(weights) <= 0:
        return [("weights must be >= 0 with a positive sum",
                 "give non-negative weights, at least one of them > 0")]
    if not math.isfinite(sum(weights)):
        return [("the sum of the weights overflows a float",
                 "scale the weights down: only their ratios matter")]
    return []


def _nominal_discrete(values, weights) -> float:
    values, weights = list(values), list(weights)
    return float(values[max(range(len(weights)), key=weights.__getitem__)])


def _ppf_discrete(u, *, values, weights):
    values = np.asarray(values, dtype=float)
    cdf = np.cumsum(np.asarray(weights, dtype=float))
    cdf /= cdf[-1]
    return values[np.minimum(np.searchsorted(cdf, u, side="right"), len(values) - 1)]


def _check_empirical(values) -> list[tuple[str, str]]:
    if len(values) >= 2:
        return _width_check(min(values), max(values))
    return [("an empirical distribution needs at least two values",
             "give the observed sample as values = [...]")]


def _median(values: Sequence[float]) -> float:
    """Median of a sample; the midpoint of the middle two as ``a/2 + b/2``, which cannot overflow."""
    ordered = sorted(float(v) for v in values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return ordered[middle - 1] / 2.0 + ordered[middle] / 2.0


def _ppf_empirical(u, *, values):
    """Linear interpolation of the sample's quantiles (Hazen plotting positions)."""
    values = np.sort(np.asarray(values, dtype=float))
    positions = (np.arange(values.size) + 0.5) / values.size
    return np.interp(u, positions, values)


def _value_range(values: Sequence[float], **_: Any) -> tuple[float, float]:
    return min(values), max(values)


DISCRETE = DistributionKind(
    name="discrete", required=("values", "weights"), check=_check_discrete,
    nominal=_nominal_discrete, ppf=_ppf_discrete,
    units=MappingProxyType({"values": scaled_list, "weights": pure_list}),
    support=_value_range, values_key="values")

EMPIRICAL = DistributionKind(
    name="empirical", required=("values",), check=_check_empirical,
    nominal=_median, ppf=_ppf_empirical,
    units=MappingProxyType({"values": scaled_list}), support=_value_range, values_key="values")


KINDS: Mapping[str, DistributionKind] = MappingProxyType({
    k.name: k for k in (UNIFORM, TRIANGULAR, PERT, NORMAL, LOGNORMAL, DISCRETE, EMPIRICAL)})
"""Every distribution kind by name, in the order error messages list them."""


def get(name: object) -> DistributionKind:
    """The kind called ``name``; ``ValueError`` listing the known kinds otherwise."""
    kind = KINDS.get(name) if isinstance(name, str) else None
    if kind is None:
        raise ValueError(f"{name!r} is not a distribution kind; the kinds are {', '.join(KINDS)}")
    return kind


def whole_number_kinds() -> tuple[str, ...]:
    """Kinds that can describe a whole-number parameter: those drawing from listed values."""
    return tuple(k.name for k in KINDS.values() if k.values_key is not None)
