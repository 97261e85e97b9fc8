"""Currents from NetCDF (reemud.environment.currents) and the engine on a gridded field."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from reemud.environment import lagrangian as lg
from reemud.environment.currents import EARTH_RADIUS_M, read_currents
from reemud.errors import ScenarioError

LON0, LAT0, DEPTH = 153.9, 24.3, 5600.0  # near Minamitorishima


def _field(tmp_path, u=0.05, v=0.01, name="cur.nc", times=3, shear=0.0, **attrs):
    time = pd.date_range("2027-01-01", periods=times, freq="6h")
    depth = np.array([5000.0, 5500.0, 5600.0])
    lat = np.linspace(LAT0 - 0.5, LAT0 + 0.5, 5)
    lon = np.linspace(LON0 - 0.5, LON0 + 0.5, 6)
    shape = (times, depth.size, lat.size, lon.size)
    uo = np.full(shape, u) + shear * (DEPTH - depth)[None, :, None, None]
    ds = xr.Dataset(
        {"uo": (("time", "depth", "lat", "lon"), uo,
                {"standard_name": "eastward_sea_water_velocity", "units": "m s-1"}),
         "vo": (("time", "depth", "lat", "lon"), np.full(shape, v),
                {"standard_name": "northward_sea_water_velocity", "units": "m s-1"})},
        coords={"time": time, "depth": ("depth", depth, {"positive": "down", "units": "m"}),
                "lat": ("lat", lat, {"standard_name": "latitude"}),
                "lon": ("lon", lon, {"standard_name": "longitude"})}, attrs=attrs)
    path = tmp_path / name
    ds.to_netcdf(path, engine="h5netcdf")
    return path


def test_a_cf_file_becomes_metres_about_the_source_and_heights_above_the_bed(tmp_path):
    cur = read_currents(_field(tmp_path, shear=1e-4), water_depth_m=DEPTH,
                        source_position=(LON0, LAT0), duration_s=6 * 3600)
    assert cur.t_s.tolist() == [0.0, 21600.0, 43200.0]
    assert cur.z_m.tolist() == [0.0, 100.0, 600.0]  # 5,600 m - depth, increasing
    assert cur.u.shape == (3, 3, 5, 6)
    assert cur.y_m[0] == pytest.approx(-np.radians(0.5) * EARTH_RADIUS_M, rel=1e-12)
    assert cur.x_m[-1] == pytest.approx(np.radians(0.5) * EARTH_RADIUS_M
                                        * np.cos(np.radians(LAT0)), rel=1e-12)
    # the depth axis was flipped with the field: 0.05 at the bed, + 1e-4 per m above it
    assert cur.u[0, :, 0, 0] == pytest.approx([0.05, 0.06, 0.11])
    assert np.all(cur.v == 0.01)


def test_the_engine_on_a_uniform_file_equals_the_constant_current(tmp_path):
    cur = read_currents(_field(tmp_path), water_depth_m=DEPTH, source_position=(LON0, LAT0),
                        duration_s=12 * 3600)
    kw = dict(n_particles=2_000, n_steps=500, dt_s=60.0, release_xyz_m=(0, 0, 5.0),
              class_mass_kg=[1.0], class_settling_m_per_s=[5e-4], kh_m2_per_s=0.2,
              kz_z_m=[0.0], kz_m2_per_s=[1e-4], depth_m=DEPTH, seed=4)
    gridded = lg.simulate(current=cur, **kw)
    constant = lg.simulate(current=lg.Current.constant(0.05, 0.01), **kw)
    assert np.array_equal(gridded.status, constant.status)
    assert np.allclose(gridded.x_m, constant.x_m, rtol=0, atol=1e-9)
    assert np.allclose(gridded.y_m, constant.y_m, rtol=0, atol=1e-9)


def test_a_particle_leaving_the_grid_is_exported(tmp_path):
    cur = read_currents(_field(tmp_path, u=1.0, times=4), water_depth_m=DEPTH,
                        source_position=(LON0, LAT0), duration_s=1000 * 60.0)
    run = lg.simulate(n_particles=100, n_steps=1000, dt_s=60.0, release_xyz_m=(0, 0, 500.0),
                      class_mass_kg=[1.0], class_settling_m_per_s=[1e-5], current=cur,
                      kh_m2_per_s=0.0, kz_z_m=[0.0], kz_m2_per_s=[0.0], depth_m=DEPTH,
                      release_steps=np.zeros(100, dtype=np.int64))
    assert np.all(run.status == lg.EXPORTED)
    edge = cur.x_m[-1]
    assert np.all(run.event_step == int(np.floor(edge / 60.0)) + 1)
    book = run.ledger()
    assert book["exported_kg"][-1] == pytest.approx(1.0, rel=1e-12)


def test_a_file_without_velocities_names_what_it_has(tmp_path):
    path = tmp_path / "bad.nc"
    xr.Dataset({"temperature": (("depth",), np.ones(3))},
               coords={"depth": [1.0, 2.0, 3.0]}).to_netcdf(path, engine="h5netcdf")
    with pytest.raises(ScenarioError) as err:
        read_currents(path, water_depth_m=DEPTH)
    text = str(err.value)
    assert "currents: 2 problem(s)" in text
    assert "eastward velocity" in text
    assert "northward velocity" in text
    assert "the file has temperature" in text


def test_every_problem_of_a_file_is_listed_at_once(tmp_path):
    path = _field(tmp_path)
    with pytest.raises(ScenarioError) as err:
        read_currents(path, water_depth_m=DEPTH, source_position=(10.0, 10.0),
                      start="2026-12-31", duration_s=86400 * 5)
    text = str(err.value)
    assert "currents: 2 problem(s)" in text
    assert "a grid around the source (10, 10)" in text
    assert "choose a start and duration inside the file's time" in text


def test_geographic_files_need_the_source_and_nan_is_refused(tmp_path):
    with pytest.raises(ScenarioError, match="pass source_position=\\(lon, lat\\)"):
        read_currents(_field(tmp_path), water_depth_m=DEPTH)
    path = _field(tmp_path, u=np.nan, name="nan.nc")
    with pytest.raises(ScenarioError, match="270 NaN or infinite value"):
        read_currents(path, water_depth_m=DEPTH, source_position=(LON0, LAT0))


def test_an_unreadable_file_is_one_clear_error(tmp_path):
    path = tmp_path / "not.nc"
    path.write_text("not a netcdf file")
    with pytest.raises(ScenarioError, match="a readable NetCDF-4 file"):
        read_currents(path, water_depth_m=DEPTH)
    with pytest.raises(ScenarioError, match="a readable NetCDF-4 file"):
        read_currents(tmp_path / "missing.nc", water_depth_m=DEPTH)
