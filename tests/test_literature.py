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
    c = CASES["chikyu-power-2027"]
    assert c.passes(34999.0)
    assert not c.passes(35001.0)
    assert not CASES["lift-floor-5600"].passes(float("nan"))
