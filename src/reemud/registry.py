"""Registry of stage models: ``(stage, name) -> (parameters, run, diagnostics)``.

The chain looks models up here; adding a model adds an entry, never a branch. A model is written
once, on the draw axis: its run function takes its parameters (scalars, or arrays of shape
``(n,)`` for the drawn ones), the records of the stages before it (a mapping by stage name) and
the run's seed, and returns its own record, whose arrays carry the draw axis first (scalars for a
single run). ``fixed`` names parameters that must be the same on every draw (year counts that set
array shapes); the chain runs each distinct value of them as its own group of draws. The optional
``diagnostics(params, upstream, record, seed) -> dict`` adds what only a single run shows (curves,
envelopes, grids for the report). ``undefined`` states why the model leaves a KPI undefined; any
other KPI that is not finite is an error (``chain.undefined_reasons``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

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
    fixed: tuple[str, ...] = ()
    diagnostics: Callable[[BaseModel, Mapping[str, object], object, int], dict] | None = None
    undefined: Mapping[str, str] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """First line of the run function's docstring."""
        return (self.run.__doc__ or "").strip().splitlines()[0] if self.run.__doc__ else ""


_ENTRIES: dict[tuple[str, str], ModelEntry] = {}


def register(stage: str, name: str, params: type[BaseModel], *, default: bool = False,
             fixed: tuple[str, ...] = (), diagnostics: Callable | None = None,
             undefined: Mapping[str, str] | None = None):
    """Register ``run`` as model ``name`` of ``stage`` (decorator).

    ``fixed`` names parameters that must be the same on every draw; ``diagnostics`` computes the
    single run's extras from the parameters, the upstream records and the model's own record;
    ``undefined`` maps the KPIs the model leaves undefined (NaN) to the reason (a model with no
    SX cascade has no stage count).
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; stages are {', '.join(STAGES)}")
    unknown = [f for f in fixed if f not in params.model_fields]
    if unknown:
        raise ValueError(f"{stage} model {name!r}: fixed parameters {', '.join(unknown)} are not "
                         f"fields of {params.__name__}")

    def decorate(run):
        key = (stage, name)
        if key in _ENTRIES:
            raise ValueError(f"model {name!r} of stage {stage!r} is already registered")
        _ENTRIES[key] = ModelEntry(stage, name, params, run, default, tuple(fixed), diagnostics,
                                   MappingProxyType(dict(undefined or {})))
        return run

    return decorate


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
