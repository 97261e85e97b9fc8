import numpy as np
import pytest

from reemud import leaching
from reemud.elements import INDEX


def test_hcl_per_kg_apatite_models_md():
    # docs/models/leaching.md §2.1: 0.726 kg HCl per kg hydroxyapatite (to H3PO4)
    assert leaching.apatite_acid_kg_per_kg(36.46, 1) == pytest.approx(0.726, abs=5e-4)


def test_acid_consumption_by_hand():
    # 0.3 kg apatite/kg feed + 0.5 mol/L x 10 L/kg free HCl
    kg_t = leaching.acid_consumption_kg_per_dry_t(0.3, 0.5, 10.0, 36.46, 1)
    assert kg_t == pytest.approx(0.3 * 10 * 36.46 / 502.31 * 1000 + 0.5 * 10 * 36.46, rel=1e-14)


def test_takaya_recoveries_by_element():
    rec = leaching.takaya2015_recoveries(0.951, 0.307)
    assert rec[INDEX["Ce"]] == 0.307
    assert np.all(np.delete(rec, INDEX["Ce"]) == 0.951)


def test_default_leach_balance(default_result):
    conc = default_result.records["beneficiation"]
    liq = default_result.records["leaching"]
    np.testing.assert_allclose(liq.rey_t_per_year + liq.residue_rey_t_per_year,
                               conc.rey_t_per_year, rtol=1e-14)
    assert np.all((liq.recovery >= 0) & (liq.recovery <= 1))


KINETICS = dict(tau_ref_min=5.0, acid_order=1.0, activation_j_per_mol=43580.0,
                loss_acid_exponent=2.0, loss_activation_j_per_mol=60000.0, protons_per_mol=1)


def _extraction(**kw):
    args = {"acid_mol_per_l": 0.5, "temperature_c": 25.0, "loss_ref": 0.049,
            "ageing_rate_ref_per_min": 0.0, "demand_mol_h_per_l": 0.23, **KINETICS}
    time = kw.pop("time_min", 5.0)
    args.update(kw)
    return leaching.batch_extraction(time, **args)


def test_interior_maximum_in_acid():
    acid = np.geomspace(0.05, 2.0, 40)
    y = _extraction(acid_mol_per_l=acid)
    peak = int(np.argmax(y))
    assert 0 < peak < acid.size - 1
    assert 0.25 <= acid[peak] <= 1.0


def test_interior_maximum_in_temperature():
    temps = np.linspace(5.0, 80.0, 31)
    y = _extraction(temperature_c=temps)
    peak = int(np.argmax(y))
    assert 0 < peak < temps.size - 1
    assert 15.0 <= temps[peak] <= 35.0


def test_interior_maximum_in_time_with_sulfate():
    minutes = np.geomspace(0.5, 120.0, 40)
    y = _extraction(time_min=minutes, loss_ref=0.1451, ageing_rate_ref_per_min=0.01)
    peak = int(np.argmax(y))
    assert 0 < peak < minutes.size - 1
    assert 2.0 <= minutes[peak] <= 10.0


def test_hcl_has_no_time_decline():
    y = _extraction(time_min=np.array([5.0, 30.0, 120.0]), demand_mol_h_per_l=0.0)
    np.testing.assert_allclose(y, y[0], rtol=1e-12)


def test_extraction_bounded_for_any_input():
    rng = np.random.default_rng(0)
    y = _extraction(acid_mol_per_l=rng.uniform(0.01, 5, 500), temperature_c=rng.uniform(0, 100, 500),
                    time_min=rng.uniform(0.1, 300, 500), demand_mol_h_per_l=rng.uniform(0, 2, 500))
    assert np.all((y >= 0) & (y <= 1))


def test_tanks_in_series_matches_closed_form():
    # first-order conversion 1 - exp(-kt) through N CSTRs: 1 - (1 + k tau / N)^-N
    k, tau = 0.4, 5.0
    t = np.linspace(0.0, 200.0, 20001)
    for n in (1, 3, 6):
        avg = leaching.tanks_in_series_average(1 - np.exp(-k * t), t, tau, n)
        assert avg == pytest.approx(1 - (1 + k * tau / n) ** -n, rel=2e-4)


def test_countercurrent_wash_loss():
    assert leaching.countercurrent_wash_loss(2.0, 4) == pytest.approx(1 / 31)
    assert leaching.countercurrent_wash_loss(1.0, 3) == pytest.approx(0.25)
    assert leaching.countercurrent_wash_loss(3.0, 0) == pytest.approx(1.0)


def test_default_kinetic_leach_balances_and_reports(default_result):
    liq = default_result.records["leaching"]
    conc = default_result.records["beneficiation"]
    np.testing.assert_allclose(liq.rey_t_per_year + liq.residue_rey_t_per_year,
                               conc.rey_t_per_year, rtol=1e-14)
    assert 0.0 < liq.extraction <= 0.951
    assert liq.recovery[INDEX["Ce"]] < liq.recovery[INDEX["Nd"]]
    assert set(liq.composition_g_per_l) == {"REY", "Ca", "Fe", "Al", "Na"}
    assert liq.composition_g_per_l["Ca"] > liq.composition_g_per_l["REY"]


def test_out_of_domain_temperature_warns():
    from reemud.chain import run
    from reemud.errors import OutOfDomainWarning
    from reemud.scenario import load_scenario, parse_scenario

    text = load_scenario("minamitorishima-commercial").text + "\n[leaching]\ntemperature_c = 2\n"
    with pytest.warns(OutOfDomainWarning, match="leaching.temperature_c = 2.0 lies outside"):
        run(parse_scenario(text))


def test_the_leach_warns_then_rejects_where_re_precipitation_would_take_everything():
    """Takaya et al. 2015 report a decline with temperature, not a loss: no silent zero."""
    import warnings

    from reemud.chain import run
    from reemud.errors import OutOfDomainWarning, RejectedError
    from reemud.scenario import load_scenario, parse_scenario

    text = load_scenario("minamitorishima-2027").text
    at = lambda t: parse_scenario(text.replace("[leaching]",  # noqa: E731
                                               f"[leaching]\ntemperature_c = {t}", 1))
    with pytest.warns(OutOfDomainWarning, match="re-precipitation law takes over 50%"):
        warm = run(at(60))
    assert warm.records["leaching"].extraction > 0
    with pytest.raises(RejectedError) as caught:
        run(at(75))
    assert caught.value.reasons == [
        "leaching.temperature_c: re-precipitation would take all the leached REY: the loss law "
        "is fitted to a decline of extraction (Takaya et al. 2015), not to a total loss"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run(at(25))  # the optimum: no warning


def test_loss_share_by_hand():
    # phi = 0.1 (1.0/0.5)^1 exp(-Ep/R (1/T - 1/298.15)) at T = 298.15 K: 0.2
    assert leaching.loss_share(acid_mol_per_l=1.0, temperature_c=25.0, loss_ref=0.1,
                               loss_acid_exponent=1.0, loss_activation_j_per_mol=50_000.0) == \
        pytest.approx(0.2, rel=1e-12)
