"""Footprint outputs of the plume engine (reemud.environment.footprint)."""

import json

import numpy as np
import pytest
import xarray as xr

from reemud.environment import footprint as fp
from reemud.environment import lagrangian as lg

DENSITY = 1000.0


def _disc(n=100_000, mass=2.0e5, kh=0.1, seed=3):
    """A round Gaussian deposit: no current, no vertical mixing (σ² = 2 K_h t)."""
    return lg.simulate(n_particles=n, n_steps=100, dt_s=60.0, release_xyz_m=(0, 0, 5.0),
                       class_mass_kg=[mass], class_settling_m_per_s=[1e-3],
                       current=lg.Current.constant(0.0), kh_m2_per_s=kh, kz_z_m=[0.0],
                       kz_m2_per_s=[0.0], depth_m=5600.0, seed=seed,
                       release_steps=np.zeros(n, dtype=np.int64))


def test_summary_areas_centroid_spread_and_their_sampling_error():
    run = _disc()
    out = fp.summary(run, DENSITY, thresholds_m=(1e-3, 1e-4))
    sigma = np.sqrt(2 * 0.1 * 5000.0)
    for area, se, t in zip(out["area_km2"], out["area_se_km2"], (1e-3, 1e-4), strict=True):
        exact = float(lg.gaussian_area_above_km2(2.0e5, sigma, DENSITY, t))
        assert se > 0
        assert area == pytest.approx(exact, abs=4 * se + 0.03 * exact)
    assert out["area_km2"][0] < out["area_km2"][1]
    assert out["centroid_m"] == pytest.approx([0.0, 0.0], abs=4 * sigma / np.sqrt(1e5))
    assert out["spread_m"] == pytest.approx([sigma, sigma], rel=0.02)
    # the whole release is on the grid the frame draws
    assert out["off_grid_kg"] == pytest.approx(0.0, abs=2.0e5 * 1e-12)
    cell = np.diff(out["x_edges"])[0] * np.diff(out["y_edges"])[0]
    assert out["thickness_m"].sum() * cell * DENSITY == pytest.approx(2.0e5, rel=1e-12)
    assert out["ledger"]["deposited_kg"] == pytest.approx(2.0e5, rel=1e-12)
    # the extent: the 0.1 mm disc's radius, sqrt(2 σ² ln(δ0/δt))
    peak = 2.0e5 / (2 * np.pi * sigma**2 * DENSITY)
    radius = np.sqrt(2 * sigma**2 * np.log(peak / 1e-4))
    assert out["max_extent_km"] == pytest.approx(radius / 1000, rel=0.08)


def test_the_sampling_error_shrinks_with_more_particles():
    small = fp.summary(_disc(n=10_000), DENSITY)["area_se_km2"][0]
    large = fp.summary(_disc(n=160_000), DENSITY)["area_se_km2"][0]
    assert large < small / 2


def test_concentration_in_a_layer_holds_the_suspended_mass():
    n = 20_000
    run = lg.simulate(n_particles=n, n_steps=50, dt_s=60.0, release_xyz_m=(0, 0, 50.0),
                      class_mass_kg=[1000.0], class_settling_m_per_s=[1e-4],
                      current=lg.Current.constant(0.05), kh_m2_per_s=0.5, kz_z_m=[0.0],
                      kz_m2_per_s=[1e-3], depth_m=5600.0, seed=2, snap_steps=(10, 50))
    edges_x = np.linspace(-200.0, 400.0, 61)
    edges_y = np.linspace(-300.0, 300.0, 61)
    c = fp.concentration_mg_per_l(run, 0, 0.0, 100.0, edges_x, edges_y)
    volume = 10.0 * 10.0 * 100.0
    # after 10 steps a fifth of the particles (released evenly over 50 steps) are out
    assert c.sum() * volume / 1000.0 == pytest.approx(1000.0 * np.mean(run.release_step < 10),
                                                      rel=1e-9)


def test_geojson_contours_close_and_enclose_the_thick_cells(tmp_path):
    out = fp.summary(_disc(), DENSITY)
    collection = fp.contours_geojson(out["thickness_m"], out["x_edges"], out["y_edges"])
    assert [f["properties"]["threshold_mm"] for f in collection["features"]] == [1.0, 0.1]
    for feature in collection["features"]:
        polygons = feature["geometry"]["coordinates"]
        assert polygons
        for polygon in polygons:
            for ring in polygon:
                assert ring[0] == ring[-1]
        # the largest outer ring's area (shoelace) is about the area above the threshold
    outer = max((np.array(p[0]) for p in collection["features"][0]["geometry"]["coordinates"]),
                key=len)
    x, y = outer[:, 0], outer[:, 1]
    shoelace = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 1e6
    assert shoelace == pytest.approx(out["area_km2"][0], rel=0.1)
    path = fp.write_geojson(tmp_path / "plume.geojson", collection)
    assert json.loads(path.read_text())["type"] == "FeatureCollection"


def test_netcdf_export_round_trips(tmp_path):
    out = fp.summary(_disc(n=20_000), DENSITY)
    path = fp.write_netcdf(tmp_path / "plume.nc", out, attrs={"scenario": "test"})
    with xr.open_dataset(path, engine="h5netcdf") as ds:
        assert np.array_equal(ds["deposit_thickness"].values, out["thickness_m"])
        assert ds["deposit_thickness"].attrs["units"] == "m"
        assert ds.attrs["scenario"] == "test"
        assert list(ds.attrs["area_km2"]) == pytest.approx(list(out["area_km2"]))


def test_a_section_wide_enough_holds_the_suspended_mass_and_retired_particles_leave_it():
    n = 10_000
    run = lg.simulate(n_particles=n, n_steps=60, dt_s=60.0, release_xyz_m=(0, 0, 20.0),
                      class_mass_kg=[500.0], class_settling_m_per_s=[2e-4],
                      current=lg.Current.constant(0.05), kh_m2_per_s=0.5, kz_z_m=[0.0],
                      kz_m2_per_s=[1e-3], depth_m=5600.0, seed=9, snap_steps=(30, 60),
                      max_age_steps=40)
    x_edges, z_edges = np.linspace(-500.0, 800.0, 66), np.linspace(0.0, 60.0, 31)
    width = 1e6  # everything across the plume
    for k, step in enumerate((30, 60)):
        c = fp.section_mg_per_l(run, k, x_edges, z_edges, width)
        volume = np.diff(z_edges)[:, None] * np.diff(x_edges)[None, :] * width
        held = (c * volume / 1000.0).sum()
        released = run.release_step < step
        gone = ((run.event_step > 0) & (run.event_step <= step)) | (run.release_step + 40 <= step)
        assert held == pytest.approx(run.mass_kg[released & ~gone].sum(), rel=1e-9)
    assert np.any(run.status == lg.RETIRED)
    # the retired still count as suspended in the books
    book = run.ledger([60])
    assert book["suspended_particles"][0] == np.sum((run.status == lg.RETIRED)
                                                    | (run.status == lg.SUSPENDED))
