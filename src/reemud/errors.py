"""Exceptions and warnings raised by reemud.

``ScenarioError`` is a ``ValueError`` that carries *every* problem found in a scenario at once,
each naming the field path, the value given, what is allowed and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass


class ReemudError(Exception):
    """Base class of reemud's own errors."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a scenario: where, what was given, what is allowed, how to fix it."""

    path: str
    given: object
    allowed: str
    fix: str

    def __str__(self) -> str:
        return f"`{self.path}`: {self.allowed} (got {self.given!r}). {self.fix}"


class ScenarioError(ReemudError, ValueError):
    """A scenario (or any user input) failed validation; lists every problem found."""

    def __init__(self, problems: list[Problem], source: str = "scenario") -> None:
        self.problems = list(problems)
        self.source = source
        lines = [f"{source}: {len(self.problems)} problem(s)"]
        lines += [f"  {i}. {p}" for i, p in enumerate(self.problems, 1)]
        super().__init__("\n".join(lines))


class RejectedError(ScenarioError):
    """A stage cannot compute the scenario: a single run's rejection.

    ``reasons`` holds each stated reason as ``"stage.field: reason"``, as a Monte Carlo reports
    the draw.
    """

    def __init__(self, problems: list[Problem], reasons: list[str]) -> None:
        super().__init__(problems)
        self.reasons = list(reasons)


class MassBalanceError(ReemudError):
    """A stage did not conserve an element (feed != products + losses)."""


class OutOfDomainWarning(UserWarning):
    """An input lies outside the range a model was built or validated for, but can be computed."""
