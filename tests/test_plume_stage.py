"""The Lagrangian plume in the chain (environment.ledger_lagrangian_plume)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reemud import registry
from reemud.chain import run
from reemud.environment import footprint
from reemud.environment.plume import release_sources
from reemud.errors import ScenarioError
from reemud.particles import SIZE_MID_UM
from reemud.scenario import bundled_scenarios, load_scenario, parse_scenario
from reemud.stages import environment as env_stage


def test_the_default_plume_model_is_the_engine_for_every_bundled_scenario():
    assert registry.default_model("environment") == "ledger_lagrangian_plume"
    for name in bundled_scenarios():
        assert load_scenario(name).stages["environment"].model == "ledger_lagrangian_plume"


def test_the_kpis_are_the_engines_on_the_runs_sources(default_result):
    sc = default_result.scenario
    p = sc.stages["environment"].params
    up = default_result.records
    sources = env_stage._plume_sources(p, up)
    out = env_stage._engine(p, up, sources, p.plume_particles, default_result.seed)
    k = default_result.kpis
    assert k["plume_area_km2_above_1mm"] == pytest.approx(out["area_km2"][0], rel=1e-12)
    assert k["plume_area_km2_above_0_1mm"] == pytest.approx(out["area_km2"][1], rel=1e-12)
    assert k["plume_area_se_km2_above_1mm"] == pytest.approx(out["area_se_km2"][0], rel=1e-12)
    assert 0 < k["plume_area_se_km2_above_1mm"] < 0.1 * k["plume_area_km2_above_1mm"]
    assert k["plume_area_km2_by_source"]["escape >= 1 mm"] == pytest.approx(
        k["plume_area_km2_above_1mm"], rel=1e-12)  # the tailings stay on land by default
    assert k["plume_area_km2_by_source"]["tailings >= 1 mm"] == 0.0
    # the books: released = suspended + deposited + exported, the escape's mass
    book = out["ledger"]
    assert book["released_kg"] == pytest.approx(
        book["suspended_kg"] + book["deposited_kg"] + book["exported_kg"], rel=1e-12)
    assert book["released_kg"] == pytest.approx(
        up["collector"].escaped_dry_t_per_year * 1000, rel=1e-9)


def _sources(**kw):
    phases = {"clay": 0.7, "apatite": 0.3}
    sizes = {k: np.full(SIZE_MID_UM.size, 1 / SIZE_MID_UM.size) for k in phases}
    args = dict(phase_mass_fractions=phases, phase_size_fractions=sizes,
                phase_density_kg_per_m3={"clay": 2600.0, "apatite": 3100.0},
                diameter_um=SIZE_MID_UM, escaped_dry_t=10.0, release_height_m=2.0,
                seawater_density_kg_per_m3=1045.0, seawater_viscosity_pa_s=1.6e-3,
                water_depth_m=5600.0, tailings_at_sea=True, tailings_dry_t=100.0,
                tailings_partition={k: np.full(SIZE_MID_UM.size, 0.8) for k in phases},
                return_solids_t=5.0, tailings_release_height_m=100.0,
                return_water_release="with-tailings", surface_release_depth_m=10.0)
    args.update(kw)
    return {s["name"]: s for s in release_sources(**args)}


def test_the_three_sources_carry_their_masses_and_heights():
    src = _sources()
    assert src["escape"]["mass_kg"].sum() == pytest.approx(10_000.0, rel=1e-12)
    assert src["tailings"]["mass_kg"].sum() == pytest.approx(100_000.0 * 0.2, rel=1e-12)
    assert src["return water"]["mass_kg"].sum() == pytest.approx(5_000.0, rel=1e-12)
    assert src["return water"]["height_m"] == 100.0  # with the tailings
    for where, height in (("near-bed", 2.0), ("mid-water", 2800.0), ("surface", 5590.0)):
        assert _sources(return_water_release=where)["return water"]["height_m"] == height
    # tailings on land: neither they nor (with them) the return water reach the sea
    land = _sources(tailings_at_sea=False)
    assert land["tailings"]["mass_kg"].sum() == 0.0
    assert land["return water"]["mass_kg"].sum() == 0.0
    assert _sources(tailings_at_sea=False, return_water_release="surface")[
        "return water"]["mass_kg"].sum() == pytest.approx(5_000.0, rel=1e-12)


def test_settling_uses_the_drag_law_beyond_stokes():
    w = _sources()["escape"]["settling_m_per_s"]
    n = SIZE_MID_UM.size
    stokes = 9.80665 * (SIZE_MID_UM * 1e-6) ** 2 * (2600.0 - 1045.0) / (18 * 1.6e-3)
    small = SIZE_MID_UM < 20
    assert w[:n][small] == pytest.approx(stokes[small], rel=1e-3)
    assert np.all(w[:n][SIZE_MID_UM > 300] < 0.9 * stokes[SIZE_MID_UM > 300])


def test_a_return_water_discharge_near_the_bed_adds_a_footprint():
    base = run(load_scenario("minamitorishima-commercial"))
    text = base.scenario.text + ('\n[environment]\nmodel = "ledger_lagrangian_plume"\n'
                                 'return_water_release = "near-bed"\n')
    near = run(parse_scenario(text))
    rw = near.records["beneficiation"].return_solids_t_per_year
    assert near.records["environment"].plume_released_dry_t_per_year == pytest.approx(
        base.records["environment"].plume_released_dry_t_per_year + rw, rel=1e-9)
    assert near.kpis["plume_area_km2_by_source"]["return water >= 0.1 mm"] > 0


def test_a_bad_return_water_release_is_refused_with_the_choices():
    text = '[environment]\nmodel = "ledger_lagrangian_plume"\nreturn_water_release = "moon"\n'
    with pytest.raises(ScenarioError, match="return_water_release") as err:
        parse_scenario(text)
    assert "mid-water" in str(err.value)


def test_scaled_areas_equal_the_area_of_the_scaled_deposit():
    rng = np.random.default_rng(0)
    thickness = rng.exponential(1e-3, (30, 40))
    xe, ye = np.linspace(0, 400, 41), np.linspace(0, 300, 31)
    for s in (0.5, 1.0, 3.0):
        got = footprint.scaled_areas_km2(thickness, xe, ye, (1e-3, 1e-4), [s])[0]
        want = [footprint.area_above_km2(thickness * s, xe, ye, t) for t in (1e-3, 1e-4)]
        assert got == pytest.approx(want, rel=1e-12)
    assert footprint.scaled_areas_km2(thickness, xe, ye, (1e-3,), [0.0]).tolist() == [[0.0]]


def test_the_report_map_is_log_scaled_with_the_threshold_contours_and_framed(default_result):
    from reemud.report import _plume_deposit

    (title, fig), = list(_plume_deposit(default_result))
    assert title == "Plume deposit"
    heat, *contours = fig.data
    assert heat.type == "heatmap"
    assert "1" in heat.colorbar.ticktext
    assert "0.1" in heat.colorbar.ticktext
    assert [c.contours.start for c in contours] == pytest.approx([0.0, -1.0])  # log10(1), (0.1)
    grid = default_result.diagnostics["environment"]
    mm = grid["plume_deposit_thickness_m"] * 1000
    xe = grid["plume_x_edges_m"]
    xc = 0.5 * (xe[1:] + xe[:-1])
    above = xc[(mm >= 0.1).any(axis=0)]
    shown = np.asarray(heat.x)
    assert shown.min() < above.min()
    assert shown.max() > above.max()
    assert shown.size < xc.size  # and cropped to it
    assert "km² above 1 mm" in fig.layout.title.text


def test_the_report_shows_suspended_sections_after_one_and_ten_days(default_result):
    from reemud.report import _plume_sections

    sections = default_result.diagnostics["environment"]["plume_sections"]
    assert [s["days"] for s in sections] == [1.0, 10.0]
    for s in sections:
        assert s["mg_per_l"].shape == (s["z_edges_m"].size - 1, s["x_edges_m"].size - 1)
        assert s["mg_per_l"].max() > 0
    (title, fig), = list(_plume_sections(default_result))
    assert title == "Suspended sediment, sections along the current"
    assert len(fig.data) == 2


def test_run_writes_the_contours_and_the_deposit_grid(tmp_path):
    import json

    import xarray as xr
    from typer.testing import CliRunner

    from reemud.cli import app

    gj, nc = tmp_path / "plume.geojson", tmp_path / "run.nc"
    result = CliRunner().invoke(app, ["run", "--out", str(tmp_path / "o"), "--geojson", str(gj),
                                      "--netcdf", str(nc)])
    assert result.exit_code == 0, result.output
    features = json.loads(gj.read_text())["features"]
    assert [f["properties"]["threshold_mm"] for f in features] == [1.0, 0.1]
    assert all(f["geometry"]["coordinates"] for f in features)
    with xr.open_dataset(nc, engine="h5netcdf") as ds:
        thickness = ds["plume_deposit_thickness"]
        assert thickness.attrs["units"] == "m"
        assert thickness.dims == ("plume_y", "plume_x")
        cell = float(np.diff(ds["plume_x"])[0] * np.diff(ds["plume_y"])[0])
        assert float((thickness >= 1e-3).sum()) * cell / 1e6 == pytest.approx(
            float(ds["plume_area_km2_above_1mm"]), rel=1e-9)


def test_run_with_the_gaussian_plume_stores_the_run_and_says_why_no_contours(tmp_path):
    from typer.testing import CliRunner

    from reemud.cli import app

    sc = tmp_path / "g.toml"
    sc.write_text(load_scenario("minamitorishima-2027").text.replace(
        'model = "ledger_lagrangian_plume"', 'model = "ledger_gaussian_plume"'))
    result = CliRunner().invoke(app, ["run", str(sc), "--out", str(tmp_path / "o"),
                                      "--geojson", str(tmp_path / "p.geojson")])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "--geojson: the plume model ledger_gaussian_plume makes no deposit grid" in text
    assert "stored as run 1" in text
    assert not (tmp_path / "p.geojson").exists()


def _current_file(tmp_path, u=0.008, days=400):
    import pandas as pd
    import xarray as xr

    time = pd.date_range("2027-01-01", periods=days // 10 + 2, freq="10D")
    lat, lon = np.linspace(23.5, 24.5, 5), np.linspace(153.5, 154.5, 5)
    depth = np.array([5000.0, 5600.0])
    shape = (time.size, depth.size, lat.size, lon.size)
    ds = xr.Dataset(
        {"uo": (("time", "depth", "lat", "lon"), np.full(shape, u),
                {"standard_name": "eastward_sea_water_velocity"}),
         "vo": (("time", "depth", "lat", "lon"), np.zeros(shape),
                {"standard_name": "northward_sea_water_velocity"})},
        coords={"time": time, "depth": ("depth", depth, {"positive": "down"}),
                "lat": ("lat", lat, {"standard_name": "latitude"}),
                "lon": ("lon", lon, {"standard_name": "longitude"})})
    path = tmp_path / "currents.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    return path


def test_a_current_file_in_the_scenario_drives_the_plume(tmp_path, default_result):
    path = _current_file(tmp_path)
    text = default_result.scenario.text.replace(
        'model = "ledger_lagrangian_plume"',
        f'model = "ledger_lagrangian_plume"\ncurrent_file = "{path}"\n'
        'current_source_x = 154.0\ncurrent_source_y = 24.0')
    from_file = run(parse_scenario(text))
    # a uniform 0.008 m/s eastward field: the constant default current, through the 4-D path
    for kpi in ("plume_area_km2_above_1mm", "plume_area_km2_above_0_1mm"):
        assert from_file.kpis[kpi] == pytest.approx(default_result.kpis[kpi], rel=2e-3)


def test_a_geographic_current_file_needs_the_sources_position(tmp_path, default_result):
    path = _current_file(tmp_path)
    text = default_result.scenario.text.replace(
        'model = "ledger_lagrangian_plume"',
        f'model = "ledger_lagrangian_plume"\ncurrent_file = "{path}"')
    with pytest.raises(ScenarioError, match="set environment.current_source_x and "
                                            "current_source_y"):
        run(parse_scenario(text))


def test_a_current_file_too_short_for_the_release_says_how_to_fix_it(tmp_path, default_result):
    path = _current_file(tmp_path, days=30)
    text = default_result.scenario.text.replace(
        'model = "ledger_lagrangian_plume"',
        f'model = "ledger_lagrangian_plume"\ncurrent_file = "{path}"\n'
        'current_source_x = 154.0\ncurrent_source_y = 24.0')
    with pytest.raises(ScenarioError, match="choose a start and duration inside the file's time"):
        run(parse_scenario(text))
    shorter = text.replace("current_source_y = 24.0",
                           "current_source_y = 24.0\nplume_release_days = 5\n"
                           "plume_tracking_days = 20")
    assert run(parse_scenario(shorter)).kpis["plume_area_km2_above_1mm"] > 0


def test_a_bad_current_start_is_refused():
    text = '[environment]\nmodel = "ledger_lagrangian_plume"\ncurrent_start = "soon"\n'
    with pytest.raises(ScenarioError, match="not a date: 'soon'"):
        parse_scenario(text)


def _with(default_result, lines):
    return default_result.scenario.text.replace(
        'model = "ledger_lagrangian_plume"', 'model = "ledger_lagrangian_plume"\n' + lines)


def test_the_scenario_chooses_the_thresholds_and_the_kpis_follow(default_result):
    out = run(parse_scenario(_with(default_result, "plume_thresholds_mm = [0.5, 1, 5]")))
    k = out.kpis
    areas = k["plume_area_km2_by_threshold"]
    assert list(areas) == ["0.5 mm", "1 mm", "5 mm"]
    assert areas["1 mm"] == k["plume_area_km2_above_1mm"]
    assert areas["1 mm"] == pytest.approx(default_result.kpis["plume_area_km2_above_1mm"],
                                          rel=1e-12)
    assert areas["0.5 mm"] > areas["1 mm"] > areas["5 mm"]
    assert k["plume_area_km2_by_source"]["escape >= 5 mm"] == areas["5 mm"]  # one source
    assert list(default_result.kpis["plume_area_km2_by_threshold"]) == ["1 mm", "0.1 mm"]


@pytest.mark.parametrize(("value", "message"), [
    ('"0, 1"', "not 1 to 8 positive thicknesses: '0, 1'"),
    ('"1, 1"', "a threshold is given twice: '1, 1'"),
    ('"thin"', "not a list of thicknesses: 'thin'"),
])
def test_bad_thresholds_are_refused_with_the_fix(default_result, value, message):
    with pytest.raises(ScenarioError, match=message) as err:
        parse_scenario(_with(default_result, f"plume_thresholds_mm = {value}"))
    assert "separated by commas" in str(err.value)


def test_a_diffusivity_profile_scales_the_vertical_diffusivity(default_result):
    flat = run(parse_scenario(_with(default_result,
                                    'vertical_diffusivity_profile = "0:1, 200:1"')))
    base = default_result.kpis["plume_area_km2_above_1mm"]
    assert flat.kpis["plume_area_km2_above_1mm"] == pytest.approx(base, rel=1e-9)
    mixed = run(parse_scenario(_with(default_result,
                                     'vertical_diffusivity_profile = [[0, 100], [200, 100]]')))
    # a hundred times the mixing brings the fines released 2 m above the bed down by diffusion
    # in h^2 / 2K = 200 s instead of 5.5 h: they land nearer the source, and more of the
    # deposit is 1 mm thick
    assert mixed.kpis["plume_area_km2_above_1mm"] > 1.5 * base


@pytest.mark.parametrize(("value", "message"), [
    ('"0:1"', "not a profile of two or more pairs"),
    ('"10:1, 5:1"', "heights must start at 0 or above and increase"),
    ('"0:1, 5:-1"', "a negative factor"),
    ('"0:1, 5:x"', "not a profile: '0:1, 5:x'"),
])
def test_bad_profiles_are_refused_with_the_fix(default_result, value, message):
    with pytest.raises(ScenarioError, match=message) as err:
        parse_scenario(_with(default_result, f"current_profile = {value}"))
    assert "height_m:factor pairs" in str(err.value)


def test_above_the_critical_bed_shear_stress_the_plume_does_not_settle(default_result):
    # tau_b = 1025 * 0.0022 * 0.008^2 = 1.4e-4 Pa: below 1 Pa nothing changes, above 1e-5 Pa
    # nothing deposits
    calm = run(parse_scenario(_with(default_result, "critical_shear_pa = 1.0")))
    assert calm.kpis["plume_area_km2_above_1mm"] == default_result.kpis[
        "plume_area_km2_above_1mm"]
    stirred = run(parse_scenario(_with(default_result, "critical_shear_pa = 1e-5")))
    assert stirred.kpis["plume_area_km2_above_0_1mm"] == 0.0


def _seabed_file(tmp_path, depth, name="bed.nc", var="depth", **attrs):
    import xarray as xr

    lat, lon = np.linspace(23.5, 24.5, 5), np.linspace(153.5, 154.5, 5)
    ds = xr.Dataset({var: (("lat", "lon"), np.broadcast_to(depth, (5, 5)).copy(), attrs)},
                    coords={"lat": ("lat", lat, {"standard_name": "latitude"}),
                            "lon": ("lon", lon, {"standard_name": "longitude"})})
    path = tmp_path / name
    ds.to_netcdf(path, engine="h5netcdf")
    return path


def test_a_flat_seabed_file_gives_the_flat_seabeds_plume(tmp_path, default_result):
    # an elevation (negative down) of minus the water depth everywhere: the flat bed, through
    # the gridded path
    depth = default_result.records["deposit"].water_depth_m
    path = _seabed_file(tmp_path, -depth, var="elevation")
    text = _with(default_result, f'seabed_file = "{path}"\ncurrent_source_x = 154.0\n'
                                 "current_source_y = 24.0")
    out = run(parse_scenario(text))
    for kpi in ("plume_area_km2_above_1mm", "plume_area_km2_above_0_1mm"):
        assert out.kpis[kpi] == pytest.approx(default_result.kpis[kpi], rel=1e-9)


def test_a_seabed_file_without_a_bathymetry_says_what_it_has(tmp_path, default_result):
    path = _seabed_file(tmp_path, 5600.0, var="temperature")
    text = _with(default_result, f'seabed_file = "{path}"\ncurrent_source_x = 154.0\n'
                                 "current_source_y = 24.0")
    with pytest.raises(ScenarioError, match="the file has temperature"):
        run(parse_scenario(text))


def test_each_source_carries_its_discharges_solids_fraction(default_result):
    up = default_result.records
    p = default_result.scenario.stages["environment"].params
    sources = env_stage._plume_sources(p, up)
    assert sources[0]["volume_fraction"] == up["lifting"].solids_volume_fraction
    tailings = release_sources(
        phase_mass_fractions={"clay": 1.0}, phase_size_fractions={"clay": np.array([1.0])},
        phase_density_kg_per_m3={"clay": 2500.0}, diameter_um=np.array([10.0]),
        escaped_dry_t=1.0, release_height_m=2.0, seawater_density_kg_per_m3=1025.0,
        seawater_viscosity_pa_s=1.6e-3, water_depth_m=5600.0, tailings_at_sea=True,
        tailings_dry_t=100.0, tailings_partition={"clay": np.array([0.0])}, return_solids_t=0.0,
        tailings_release_height_m=100.0, return_water_release="near-bed",
        surface_release_depth_m=10.0, escape_volume_fraction=0.1, tailings_water_t=900.0,
        return_water_t=50.0)[1]
    solids, water = 100.0 / 2500.0, 900.0 / 1025.0  # thousand m3 a year
    assert tailings["volume_fraction"] == pytest.approx(solids / (solids + water), rel=1e-12)
    assert tailings["density_kg_per_m3"] == pytest.approx(2500.0)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(st.one_of(
    st.floats(allow_nan=True), st.integers(), st.text(max_size=5),
    st.lists(st.floats(allow_nan=True), max_size=3)), max_size=6)))
def test_any_threshold_or_profile_text_is_parsed_or_refused_with_the_fix(value):
    for parse, fix in ((env_stage._threshold_text, "separated by commas"),
                       (env_stage._profile_text, "height_m:factor pairs")):
        try:
            text = parse(value)
        except ValueError as exc:
            message = str(exc)
        else:
            assert parse(text) == text  # canonical: parsing its own text changes nothing
            continue
        assert fix in message


def test_flocculation_by_concentration_spans_no_flocculation_and_instant_flocculation(
        default_result):
    kpi = "plume_area_km2_above_0_1mm"
    floc = "floc_settling_m_per_s = 2e-3\n"
    # a reference far above any concentration of the plume: the aggregates never form
    never = run(parse_scenario(_with(default_result, floc + "floc_reference_mg_per_l = 1e15")))
    assert never.kpis[kpi] == pytest.approx(default_result.kpis[kpi], rel=1e-9)
    # one far below: they form within the first step, as by age with a 1 s time scale
    instant = run(parse_scenario(_with(default_result,
                                       floc + "floc_reference_mg_per_l = 1e-9")))
    by_age = run(parse_scenario(_with(default_result, floc + "floc_time_s = 1")))
    assert instant.kpis[kpi] == pytest.approx(by_age.kpis[kpi], rel=1e-9)
    assert by_age.kpis[kpi] != pytest.approx(default_result.kpis[kpi], rel=1e-3)


def test_the_settling_flux_bed_settles_less_than_the_absorbing_bed(default_result):
    # deposition by the settling flux alone (w_s c_b) takes none of the diffusive flux that the
    # absorbing bed takes: smaller areas above each threshold (tests/test_plume_engine.py holds
    # each condition to its closed form)
    flux = run(parse_scenario(_with(default_result, 'bed_condition = "settling_flux"')))
    for key in ("plume_area_km2_above_1mm", "plume_area_km2_above_0_1mm"):
        assert 0.0 < flux.kpis[key] < 0.8 * default_result.kpis[key], key
    assert flux.records["environment"].plume_released_dry_t_per_year == \
        default_result.records["environment"].plume_released_dry_t_per_year


def test_a_bad_bed_condition_is_refused_with_the_choices():
    text = '[environment]\nmodel = "ledger_lagrangian_plume"\nbed_condition = "sticky"\n'
    with pytest.raises(ScenarioError, match="bed_condition") as err:
        parse_scenario(text)
    assert "absorbing, settling_flux" in str(err.value)
