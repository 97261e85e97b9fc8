"""Quantity strings of scenario files (``"5.6 km"``, ``"75 %"``), read with a bounded grammar.

A quantity string is one number followed by its unit, at most ``MAX_CHARS`` characters::

    quantity := number [unit]
    number   := [+-] digits [. digits] [(e|E) [+-] digits]      (digits may be grouped with _)
    unit     := [1 /] factor ((* | / | space) factor)*
    factor   := name [(** | ^) [+-] d[d]]  |  ( unit )           (parentheses at most 3 deep)
    name     := a letter, °, or % followed by letters, digits or _

Only then does pint see the unit (never the number), so nothing in a scenario is evaluated as
an expression: ``"9**9**8 m"`` is refused at once instead of computing a power tower. The
grammar refuses what would be read ambiguously or not at all, each with its reason and a fix:
an empty string, a decimal comma or thousands separator (``"0,5 %"``, ``"1,000 t"``), several
decimal points (``"1.2.3 m"``), two numbers side by side (``"2 3 m"``), a power of a number
(``"2^10 m"``), ``inf`` and ``nan``, and a number that overflows a float, before or after
conversion (``"1e308 km"`` in m).
"""

from __future__ import annotations

import math
import re
from functools import cache

MAX_CHARS = 64
"""Longest quantity string accepted [characters]."""

MAX_PARENTHESES = 3
"""Deepest nesting of parentheses in a unit."""

_NUMBER = re.compile(r"[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)"
                     r"(?:[eE][+-]?\d(?:_?\d)*)?")
_TOKEN = re.compile(r"\s*(?:(?P<name>(?:°|%|[^\W\d])\w*)|(?P<pow>(?:\*\*|\^)\s*[+-]?\d{1,2})"
                    r"|(?P<op>[*/])|(?P<open>\()|(?P<close>\))|(?P<one>1(?=\s*/)))")
_NOT_FINITE = re.compile(r"[+-]?(inf|infinity|nan)\b", re.IGNORECASE)


class UnitError(ValueError):
    """A quantity string or unit that cannot be read or converted: what is allowed and the fix."""

    def __init__(self, allowed: str, fix: str) -> None:
        super().__init__(f"{allowed}. {fix}")
        self.allowed = allowed
        self.fix = fix


@cache
def unit_registry():
    """The pint unit registry, with currencies as their own dimensions (created on first use)."""
    import pint

    ureg = pint.UnitRegistry(cache_folder=":auto:")  # parsed definitions cached on disk
    ureg.define("USD = [currency_usd]")
    ureg.define("JPY = [currency_jpy]")
    return ureg


def _example(unit: str) -> str:
    return f'"1 {unit}"' if unit else '"0.5" or "50 %"'


def split_quantity(text: str, unit: str = "") -> tuple[float, str]:
    """The number and the unit text of a quantity string; ``UnitError`` if the grammar refuses it.

    ``unit`` is the canonical unit the quantity is meant for (only used in the fixes suggested).
    """
    example = _example(unit)
    if not isinstance(text, str):
        raise UnitError(f"must be a string such as {example}", "write the quantity in quotes")
    stripped = text.strip()
    if not stripped:
        raise UnitError("must be a number with its unit, not an empty string",
                        f"write e.g. {example}")
    if len(stripped) > MAX_CHARS:
        raise UnitError(f"must be at most {MAX_CHARS} characters (this has {len(stripped)})",
                        f"write one number and its unit, e.g. {example}")
    if _NOT_FINITE.match(stripped):
        raise UnitError("must be a finite number (inf and nan are not numbers a model can use)",
                        f"write a number, e.g. {example}")
    match = _NUMBER.match(stripped)
    if match is None:
        raise UnitError("must start with a number", f"write e.g. {example}")
    number, rest = match.group(), stripped[match.end():]
    if rest.startswith(",") and rest[1:2].isdigit():
        raise UnitError("a comma in a number is ambiguous (a decimal comma, or a thousands "
                        "separator)", "write the number with a decimal point and no separators, "
                        'e.g. "0.5 %" or "1000 t" (a plain TOML number may use 1_000)')
    if rest.startswith("."):
        raise UnitError("a number has at most one decimal point",
                        f"write one number, e.g. {example}")
    if rest.startswith(("*", "^")):
        raise UnitError("a number may not be raised to a power (** or ^ after a number)",
                        f'write it in scientific notation, e.g. "{f"3.9e8 {unit}".strip()}"')
    if re.match(r"\s*[+-]?[.\d]", rest) and not re.match(r"\s*1\s*/", rest):
        raise UnitError('must be one number followed by its unit, not two numbers ("2 3 m")',
                        f"write one number, e.g. {example}")
    value = float(number)
    if not math.isfinite(value):
        raise UnitError("the number overflows a float (it must be below 1.8e308)",
                        "give a number of a sensible size, in a larger unit if need be")
    check_unit_text(rest.strip(), unit)
    return value, rest.strip()


def check_unit_text(text: str, unit: str = "") -> None:
    """``UnitError`` unless ``text`` is a unit by the bounded grammar (``""`` is dimensionless)."""
    allowed = ("the unit must be unit names joined by *, / or spaces, each with at most one "
               "power of one or two digits (m**2, s^-1), no towers such as m**2**3")
    fix = f"write e.g. {_example(unit)}" + (f" or a unit convertible to {unit}" if unit else "")
    position, depth, operand, powered = 0, 0, False, True
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise UnitError(allowed, fix)
        position = match.end()
        kind = match.lastgroup
        if kind == "one":
            if match.start() != 0:  # only "1/..." at the start
                raise UnitError(allowed, fix)
            operand, powered = True, True
        elif kind == "name":
            operand, powered = True, False
        elif kind == "pow":
            if not operand or powered:
                raise UnitError(allowed, fix)
            powered = True
        elif kind == "op":
            if not operand:
                raise UnitError(allowed, fix)
            operand = False
        elif kind == "open":
            depth += 1
            if depth > MAX_PARENTHESES:
                raise UnitError(allowed, fix)
            operand = False
        else:  # close
            if not operand or depth == 0:
                raise UnitError(allowed, fix)
            depth -= 1
            operand, powered = True, False
    if text and (not operand or depth):
        raise UnitError(allowed, fix)


def _finite(value: float, unit: str) -> float:
    if not math.isfinite(value):
        raise UnitError(f"overflows when converted to {unit or 'a pure number'}: the quantity must "
                        "be a finite number in that unit", "give a smaller number or check the unit")
    return value


def convert(value: str, unit: str) -> float:
    """Convert a quantity string such as ``"5.6 km"`` to ``unit`` (``""`` = dimensionless).

    ``UnitError`` (a ``ValueError``) says what is wrong and how to fix it.
    """
    number, unit_text = split_quantity(value, unit)
    ureg = unit_registry()
    try:  # magnitude and unit apart, as offset units (°C, °F) need
        quantity = ureg.Quantity(number, unit_text)
        target = ureg.Unit(unit) if unit else ureg.dimensionless
        converted = float(quantity.to(target).magnitude)
    except Exception as exc:  # pint: undefined unit, dimensionality, offset units
        raise UnitError(f"must be a number in {unit or 'no unit'} or a quantity convertible "
                        "to it", f"Write e.g. {_example(unit)} ({exc}).") from None
    return _finite(converted, unit)


def unit_scale(unit_text: str, unit: str) -> float:
    """Size of one ``unit_text`` in ``unit``: the factor a distribution table's numbers take.

    ``UnitError`` unless ``unit_text`` is a multiplicative unit convertible to ``unit``: an
    offset unit (°C, °F against K) cannot scale a range of numbers.
    """
    target = unit or "a pure number"
    if not isinstance(unit_text, str):
        raise UnitError(f"unit must be a string convertible to {target}",
                        f'write e.g. unit = "{unit or "%"}"')
    try:
        check_unit_text(unit_text.strip(), unit)
        if len(unit_text) > MAX_CHARS:
            raise UnitError(f"unit must be at most {MAX_CHARS} characters", "shorten it")
        ureg = unit_registry()
        to = ureg.Unit(unit) if unit else ureg.dimensionless
        scale = float(ureg.Quantity(1.0, unit_text.strip()).to(to).magnitude)
        zero = float(ureg.Quantity(0.0, unit_text.strip()).to(to).magnitude)
    except Exception as exc:  # the grammar, or pint: undefined unit, dimensionality
        reason = exc.allowed if isinstance(exc, UnitError) else str(exc)
        raise UnitError(f"unit must convert to {unit or 'dimensionless'}",
                        f"use a unit compatible with {unit or 'a pure number'} ({reason})") from None
    if zero != 0.0 or not (math.isfinite(scale) and scale > 0.0):
        raise UnitError(f"unit must be a multiplicative unit of {target}: an offset unit such as "
                        "degC or degF cannot scale a distribution's numbers",
                        f"give the numbers in {target} and leave out unit")
    return scale
