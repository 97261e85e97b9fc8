"""Registry of stage models: ``(stage, name) -> (parameter model, run function)``.

The chain looks models up here; adding a model adds an entry, never a branch. A run function takes
its validated parameters, the records of the stages before it (a mapping by stage name) and the
run's seed (for models that draw random numbers), and returns its own record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel

STAGES: tuple[str, ...] = (
    "deposit", "collector", "lifting", "beneficiation", "leaching", "separation", "refining",
    "environment", "economics", "market",
)
"""Stages in chain order; each may read the records of every stage before it."""


@dataclass(frozen=True)
class ModelEntry:
    """One registered stage model."""

    stage: str
    name: str
    params: type[BaseModel]
    run: Callable[[BaseModel, Mapping[str, object], int], object]
    default: bool

    @property
    def summary(self) -> str:
        """First line of the run function's docstring."""
        return (self.run.__doc__ or "").strip().splitlines()[0] if self.run.__doc__ else ""


_ENTRIES: dict[tuple[str, str], ModelEntry] = {}
_DRAW_AXIS: dict[tuple[str, str], tuple[Callable, tuple[str, ...]]] = {}


def register(stage: str, name: str, params: type[BaseModel], *, default: bool = False):
    """Register ``run`` as model ``name`` of ``stage`` (decorator)."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")

    def decorate(run):
        key = (stage, name)
        if key in _ENTRIES:
            raise ValueError(f"model {name!r} of stage {stage!r} is already registered")
        _ENTRIES[key] = ModelEntry(stage, name, params, run, default)
        return run

    return decorate


def register_draws(stage: str, name: str, fixed: tuple[str, ...] = ()):
    """Register the draw-axis version of model ``name`` of ``stage`` (decorator).

    It takes the parameters as a ``records.Draws`` (uncertain ones as arrays ``(n,)``), the
    ``Draws`` records of the stages before it and the seed, and returns its own ``Draws``; it
    must give, draw by draw, what the model's run function gives (``reemud.batch``).
    ``fixed`` names parameters it needs to be the same on every draw (e.g. year counts, which
    set array shapes); a scenario drawing one of them runs that model draw by draw.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")

    def decorate(run):
        _DRAW_AXIS[(stage, name)] = (run, tuple(fixed))
        return run

    return decorate


def draw_axis(stage: str, name: str) -> tuple[Callable, tuple[str, ...]] | None:
    """The draw-axis version of a model and the parameters it needs fixed, or ``None``."""
    return _DRAW_AXIS.get((stage, name))


def get(stage: str, name: str) -> ModelEntry:
    """Return the entry of model ``name`` of ``stage``; ``KeyError`` lists the known ones."""
    try:
        return _ENTRIES[(stage, name)]
    except KeyError:
        raise KeyError(
            f"stage {stage!r} has no model {name!r}; known: {', '.join(models(stage)) or 'none'}"
        ) from None


def models(stage: str) -> list[str]:
    """Names of the models registered for ``stage``."""
    return sorted(name for (s, name) in _ENTRIES if s == stage)


def default_model(stage: str) -> str:
    """Name of the default model of ``stage``."""
    for (s, name), entry in _ENTRIES.items():
        if s == stage and entry.default:
            return name
    raise KeyError(f"stage {stage!r} has no default model")


def entries() -> list[ModelEntry]:
    """Every registered model, in chain order."""
    return sorted(_ENTRIES.values(), key=lambda e: (STAGES.index(e.stage), e.name))
