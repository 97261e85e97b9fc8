from reemud.literature import CASES, evaluate


def test_every_case_passes():
    failed = [(r.case.id, r.model) for r in evaluate() if not r.passed]
    assert failed == []


def test_calibrations_name_their_parameter():
    for c in CASES.values():
        assert (c.kind == "calibration") == bool(c.parameter)


def test_required_cases_present():
    assert {"lift-floor-5600", "takaya2018-resource", "takaya2015-hcl-peak"} <= set(CASES)


def test_comparison_logic():
    c = CASES["lift-floor-5600"]  # ≈ 9.00 ± 0.5 %
    assert c.passes(9.04)
    assert not c.passes(9.05)
    assert not c.passes(8.95)
    assert not c.passes(float("nan"))
    assert CASES["backcast-2025-tb"].passes(3.0)
    assert not CASES["backcast-2025-tb"].passes(4.2)


def test_every_case_is_two_sided():
    import pytest

    from reemud.literature import case

    assert {c.comparison for c in CASES.values()} <= {"approx", "between"}
    with pytest.raises(ValueError, match="bad kind or comparison"):
        case(id="lonely-bound", quantity="q", source="s", published=1.0, unit="-",
             comparison="at_least", tolerance=0.0, kind="validation")(lambda: 2.0)
