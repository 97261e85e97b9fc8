import numpy as np
import pytest

from reemud import deposit


def test_dry_bulk_density_bruevich_kulik_range():
    # grain density 2.50 t/m3, porosity 75-80 % -> 0.50-0.625 t/m3 (docs/models/deposit.md §2.2)
    np.testing.assert_allclose(deposit.dry_bulk_density_t_per_m3(2.5, [0.75, 0.8]), [0.625, 0.5])


def test_resource_by_hand():
    # 2 km2 x 3 m of a uniform 1,000 ppm mud at 0.5 t/m3 = 3e6 t dry, 3,000 t REY
    rey = deposit.resource_rey_t(2.0, [0.0], [10.0], [1000.0], 1.0, 4.0, 0.5)
    assert rey == pytest.approx(3000.0, rel=1e-15)
    assert deposit.resource_dry_t(2.0, 1.0, 4.0, 0.5) == pytest.approx(3.0e6)


def test_mean_grade_over_partial_layers():
    top, bottom, grade = [0, 2, 3], [2, 3, 10], [1000, 6000, 500]
    # 1-2.5 m: 1 m at 1000, 0.5 m at 6000 -> (1000 + 3000) / 1.5
    assert deposit.mean_grade_ppm(top, bottom, grade, 1.0, 2.5) == pytest.approx(4000 / 1.5)


def test_mean_grade_broadcasts_over_draws():
    out = deposit.mean_grade_ppm([0, 5], [5, 10], [100, 300], np.array([0.0, 0.0]),
                                 np.array([5.0, 10.0]))
    np.testing.assert_allclose(out, [100.0, 200.0])


def test_default_profile_mean_and_peak(default_result):
    dep = default_result.records["deposit"]
    # peak layer > 6,500 ppm at ~3 mbsf (JAMSTEC 2013); 0-10 m mean 1,750 ppm
    assert dep.layer_grade_ppm.max() == 6500
    peak = np.argmax(dep.layer_grade_ppm)
    assert dep.layer_top_mbsf[peak] <= 3.0 <= dep.layer_bottom_mbsf[peak]
    assert dep.resource_mean_grade_ppm == pytest.approx(1750.0, rel=1e-12)
    assert dep.rey_pattern.sum() == pytest.approx(1.0, rel=1e-15)
