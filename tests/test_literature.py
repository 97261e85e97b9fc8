from reemud.literature import CASES, evaluate


def test_every_case_passes():
    failed = [(r.case.id, r.model) for r in evaluate() if not r.passed]
    assert failed == []


def test_calibrations_name_their_parameter():
    for c in CASES.values():
        assert (c.kind == "calibration") == bool(c.parameter)


def test_required_cases_present():
    assert {"lift-floor-5600", "takaya2018-resource", "lift-energy-above-floor"} <= set(CASES)


def test_comparison_logic():
    c = CASES["lift-energy-above-floor"]
    assert c.passes(9.01)
    assert not c.passes(8.99)
    assert not CASES["lift-floor-5600"].passes(float("nan"))


def test_every_bound_stands_beside_a_two_sided_case_on_the_same_quantity():
    import pytest

    from reemud.literature import case

    for c in CASES.values():
        if c.comparison in ("at_least", "at_most"):
            assert CASES[c.beside].comparison in ("approx", "between"), c.id
    with pytest.raises(ValueError, match="a bound needs beside= a two-sided case"):
        case(id="lonely-bound", quantity="q", source="s", published=1.0, unit="-",
             comparison="at_least", tolerance=0.0, kind="validation")(lambda: 2.0)
