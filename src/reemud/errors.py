"""Exceptions and warnings raised by reemud.

``ScenarioError`` is a ``ValueError`` that carries *every* problem found in a scenario at once,
each naming the field path, the value given, what is allowed and how to fix it. A ``Problem``
shows any value safely: one too long to print (a huge integer, a megabyte string) is shown
shortened, so reporting a hostile input cannot fail or flood the terminal.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

SHOWN_CHARS = 200
"""Longest ``repr`` of a value or path a ``Problem`` shows in full; longer ones are shortened."""


class ReemudError(Exception):
    """Base class of reemud's own errors."""


class Shown(str):
    """A stand-in for a value too long to show: prints as itself, without quotes."""

    def __repr__(self) -> str:
        return str(self)


def integer_digits(value: int) -> int:
    """Number of decimal digits of an integer, without converting it to text."""
    if abs(value) < 10**18:
        return len(str(abs(value)))
    return int(abs(value).bit_length() * math.log10(2)) + 1  # may be 1 short; enough to say


def shown(value: object) -> object:
    """``value`` itself if its ``repr`` is short and printable, else a ``Shown`` summary of it."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**SHOWN_CHARS:
        return Shown(f"<an integer of {integer_digits(value)} digits>")
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an integer past Python's digit limit, deep nesting
        return Shown(f"<{toml_type(value)} too large to show>")
    if len(text) <= SHOWN_CHARS:
        return value
    return Shown(f"{text[:SHOWN_CHARS // 2]}... <{toml_type(value)} of {len(text)} characters>")


def toml_type(value: object) -> str:
    """What a TOML value is, for messages: ``"a string"``, ``"an array"``, ``"a table"`` etc."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return "a date-time"
    return f"a {type(value).__name__}"


@dataclass(frozen=True)
class Problem:
    """One problem found in a scenario: where, what was given, what is allowed, how to fix it."""

    path: str
    given: object
    allowed: str
    fix: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "given", shown(self.given))
        for name, longest in (("path", SHOWN_CHARS), ("allowed", 5 * SHOWN_CHARS),
                              ("fix", 5 * SHOWN_CHARS)):
            text = str(getattr(self, name))
            if len(text) > longest:
                text = f"{text[:longest // 2]}...<{len(text)} characters>"
            object.__setattr__(self, name, text)

    @property
    def detail(self) -> str:
        """What is allowed, the value given and the fix: the text after the path."""
        return f"{self.allowed} (got {self.given!r}). {self.fix}"

    @property
    def line(self) -> str:
        """The problem as ``reemud validate`` lists it (without its number): path, then detail."""
        return f"{self.path}: {self.detail}"

    def __str__(self) -> str:
        return f"`{self.path}`: {self.detail}"


SHOWN_PROBLEMS = 50
"""Most problems a message lists; the rest are counted (a file with 50,000 unknown keys would
otherwise print megabytes)."""


def more_problems(count: int) -> str:
    """The line that stands for the problems not listed."""
    return (f"  ... and {count:,} more problem(s) not listed; fix these first (the first "
            f"{SHOWN_PROBLEMS} are shown)")


class ScenarioError(ReemudError, ValueError):
    """A scenario (or any user input) failed validation; lists every problem found.

    ``problems`` holds them all; the message lists the first ``SHOWN_PROBLEMS``.
    """

    def __init__(self, problems: list[Problem], source: str = "scenario") -> None:
        self.problems = list(problems)
        self.source = source
        lines = [f"{source}: {len(self.problems)} problem(s)"]
        lines += [f"  {i}. {p}" for i, p in enumerate(self.problems[:SHOWN_PROBLEMS], 1)]
        if len(self.problems) > SHOWN_PROBLEMS:
            lines.append(more_problems(len(self.problems) - SHOWN_PROBLEMS))
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


class StoreError(ReemudError):
    """The results store cannot be used: bad URL, unreachable, unwritable, corrupted or not ours.

    The message is one line naming the store (password hidden), what is wrong and what to do.
    """
