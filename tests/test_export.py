"""xarray/NetCDF export of runs and sweeps, and `reemud db compare`."""

import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from reemud import export, store, sweep
from reemud.cli import app
from reemud.elements import REY
from reemud.nomenclature import describe, unit_of
from reemud.scenario import load_scenario
from reemud.uncertainty import correlation_matrix, sample_unit

runner = CliRunner()
EXAMPLE = str(Path(__file__).resolve().parents[1] / "examples" / "commercial-uncertain.toml")


def _assert_dataset_matches_kpis(ds, kpis):
    # the KPIs, and the deposit grid of the Lagrangian plume (tests/test_plume_stage.py)
    assert set(ds.data_vars) == set(kpis) | {"plume_deposit_thickness"}
    for name, value in kpis.items():
        var = ds[name]
        assert var.attrs["units"] == unit_of(name)
        assert var.attrs["long_name"] == describe(name)
        if isinstance(value, Mapping):
            dim = "element" if set(value) == set(REY) else f"{name}_item"
            assert var.dims == (dim,)
            assert list(ds[dim].values) == list(REY if dim == "element" else value)
            expected = np.array([np.nan if value[k] is None else value[k] for k in ds[dim].values])
        else:
            assert var.dims == ()
            expected = np.nan if value is None else value
        np.testing.assert_allclose(var.values, expected, rtol=1e-12, atol=0)


def test_run_dataset_round_trips_through_netcdf(default_result, tmp_path):
    ds = export.run_dataset(default_result)
    path = export.write_netcdf(ds, tmp_path / "run.nc")
    back = export.read_netcdf(path)
    _assert_dataset_matches_kpis(back, default_result.kpis)
    assert back.attrs["scenario"] == "minamitorishima-2027"
    assert (back.attrs["seed"], back.attrs["version"]) == (0, default_result.version)
    assert back.attrs["Conventions"] == "CF-1.8"
    # per-element KPIs on the element axis, in REY order, with their oxide
    assert back["oxide_production_t_per_year"].dims == ("element",)
    assert tuple(back["element"].values) == REY
    assert back["oxide_formula"].sel(element="Nd").item() == "Nd2O3"
    nd = default_result.kpis["oxide_production_t_per_year"]["Nd"]
    assert back["oxide_production_t_per_year"].sel(element="Nd").item() == nd
    assert back["oxide_production_t_per_year"].sum().item() == pytest.approx(
        default_result.kpis["reo_production_t_per_year"], rel=1e-12)
    assert back["npv_usd"].item() == default_result.kpis["npv_usd"]
    assert back["npv_usd"].attrs["units"] == "USD"
    # undefined KPIs are NaN; a non-element mapping gets its own item dimension
    assert default_result.kpis["irr"] is None
    assert math.isnan(back["irr"].item())
    coverage = default_result.kpis["japan_demand_coverage"]
    assert list(back["japan_demand_coverage_item"].values) == list(coverage)
    assert back["japan_demand_coverage"].sel(japan_demand_coverage_item="Pr+Nd").item() == \
        coverage["Pr+Nd"]


def test_chain_result_to_xarray_is_the_run_dataset(default_result):
    ds = default_result.to_xarray()
    assert ds.identical(export.run_dataset(default_result))
    assert ds["leach_recovery"].dims == ("element",)


def test_run_dataset_is_duck_typed_and_rejects_unknown_kpis():
    class Sc:
        name = "toy"

    class Result:
        scenario, seed, version = Sc(), 4, "9.9"
        kpis = {"npv_usd": 1.5, "irr": None,
                "leach_recovery": {s: i / 100 for i, s in enumerate(reversed(REY))}}

    ds = export.run_dataset(Result())
    assert ds["npv_usd"].item() == 1.5
    assert ds["leach_recovery"].sel(element="Y").item() == 0.0  # reordered to REY
    assert ds["leach_recovery"].sel(element="La").item() == (len(REY) - 1) / 100
    Result.kpis = {"npv": 1.0}
    with pytest.raises(ValueError, match="'npv' is not a canonical KPI name"):
        export.run_dataset(Result())


def test_write_netcdf_bad_paths_name_the_path(default_result, tmp_path):
    ds = export.run_dataset(default_result)
    missing = tmp_path / "nowhere" / "run.nc"
    with pytest.raises(FileNotFoundError, match=f"{missing}: folder {missing.parent} does not"):
        export.write_netcdf(ds, missing)
    with pytest.raises(IsADirectoryError, match=f"{tmp_path}: it is a folder"):
        export.write_netcdf(ds, tmp_path)
    afile = tmp_path / "a.txt"
    afile.write_text("x")
    with pytest.raises(NotADirectoryError, match=f"{afile} is a file"):
        export.write_netcdf(ds, afile / "run.nc")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]  # nothing half-written


@pytest.fixture(scope="module")
def stored_sweep(tmp_path_factory):
    """A 10-draw sweep stored chunk by chunk exactly as `reemud sweep` does, without a cluster."""
    out = tmp_path_factory.mktemp("sweep")
    engine = store.connect(store.default_url(out))
    sc = load_scenario(EXAMPLE)
    n, chunk_size, seed = 10, 4, 3
    sweep_id = store.create_sweep(engine, scenario_sha256=sc.sha256, scenario_name=sc.name,
                                  scenario_text=sc.text, n=n, method="lhs", seed=seed,
                                  chunk_size=chunk_size, parameters=list(sc.uncertain),
                                  version="test")
    u = sample_unit(n, len(sc.uncertain), "lhs", seed, correlation_matrix(sc))
    for k, start, stop in sweep.chunks(n, chunk_size):
        blob = sweep.run_chunk(sc.text, sc.name, seed, start, stop, u[start:stop])
        assert store.save_chunk(engine, sweep_id, k, start, stop, blob)
    return out, engine, sweep_id, sc


def _assert_sweep_dataset(ds, engine, sweep_id, sc):
    inputs, outputs = sweep.sweep_results(engine, sweep_id)
    per_element = {k[4:]: v for k, v in store.sweep_arrays(engine, sweep_id).items()
                   if k.startswith("out:") and v.ndim == 2}
    assert set(per_element) == {"leach_recovery", "oxide_production_t_per_year"}
    np.testing.assert_array_equal(ds["draw"].values, np.arange(10))
    assert set(ds.data_vars) == set(inputs) | set(outputs) | set(per_element)
    for name, values in per_element.items():  # per-element KPIs of every draw, REY order
        assert ds[name].dims == ("draw", "element")
        assert list(ds["element"].values) == list(REY)
        np.testing.assert_allclose(ds[name].values, values, rtol=1e-12, atol=0)
    # the draws' total oxide equals the scalar KPI, draw by draw
    np.testing.assert_allclose(ds["oxide_production_t_per_year"].sum("element").values,
                               ds["reo_production_t_per_year"].values, rtol=1e-12)
    for path, values in inputs.items():
        assert ds[path].dims == ("draw",)
        np.testing.assert_allclose(ds[path].values, values, rtol=1e-12, atol=0)
    for name, values in outputs.items():
        assert ds[name].dims == ("draw",)
        assert ds[name].attrs["units"] == unit_of(name)
        np.testing.assert_allclose(ds[name].values, values, rtol=1e-12, atol=0)
    assert list(inputs) == list(sc.uncertain)
    assert len(np.unique(ds["economics.price_multiplier"].values)) == 10  # real draws
    assert np.isfinite(ds["npv_usd"].values).all()


def test_sweep_dataset_round_trips_through_netcdf(stored_sweep, tmp_path):
    _, engine, sweep_id, sc = stored_sweep
    ds = export.sweep_dataset(store.sweep_arrays(engine, sweep_id),
                              input_units={"economics.offshore_capex_ref_usd": "USD",
                                           "economics.discount_rate": ""},
                              attrs={"sweep_id": sweep_id})
    back = export.read_netcdf(export.write_netcdf(ds, tmp_path / "sweep.nc"))
    _assert_sweep_dataset(back, engine, sweep_id, sc)
    assert back["economics.offshore_capex_ref_usd"].attrs["units"] == "USD"
    assert back["economics.discount_rate"].attrs["units"] == "-"
    assert "units" not in back["economics.price_multiplier"].attrs  # not given
    assert (back.attrs["sweep_id"], back.attrs["Conventions"]) == (sweep_id, "CF-1.8")


def test_sweep_dataset_of_a_monte_carlo_result_with_per_element_kpis():
    class MC:
        inputs = {"economics.discount_rate": np.array([0.06, 0.08, 0.1])}
        outputs = {"npv_usd": np.array([3.0, np.nan, -1.0]),
                   "oxide_production_t_per_year": np.arange(3 * len(REY), dtype=float)
                   .reshape(3, len(REY))}

    ds = export.sweep_dataset(MC())
    assert ds["oxide_production_t_per_year"].dims == ("draw", "element")
    assert ds["oxide_production_t_per_year"].sel(draw=2, element="La").item() == 2 * len(REY)
    np.testing.assert_array_equal(ds["npv_usd"].values, [3.0, np.nan, -1.0])
    with pytest.raises(ValueError, match=r"KPI 'npv_usd' has shape \(2,\), expected \(3,\)"):
        export.sweep_dataset({"draw": np.arange(3), "out:npv_usd": np.zeros(2)})


def test_cli_db_export_netcdf(stored_sweep, tmp_path):
    out, engine, sweep_id, sc = stored_sweep
    path = tmp_path / "sweep.nc"
    result = runner.invoke(app, ["db", "export-netcdf", str(sweep_id), str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {path}" in result.stderr
    back = export.read_netcdf(path)
    _assert_sweep_dataset(back, engine, sweep_id, sc)
    assert back["economics.offshore_capex_ref_usd"].attrs["units"] == "USD"
    assert back["economics.price_multiplier"].attrs["units"] == "-"
    assert (back.attrs["n"], back.attrs["draws_stored"], back.attrs["method"]) == (10, 10, "lhs")
    unknown = runner.invoke(app, ["db", "export-netcdf", "99", str(path), "--out", str(out)])
    assert unknown.exit_code == 2
    assert "no sweep with id 99 in the store" in unknown.stderr
    bad = runner.invoke(app, ["db", "export-netcdf", str(sweep_id), str(tmp_path / "no" / "s.nc"),
                              "--out", str(out)])
    assert bad.exit_code == 2
    assert f"cannot write NetCDF file {tmp_path / 'no' / 's.nc'}" in bad.stderr
    assert "Traceback" not in bad.output


def test_cli_run_netcdf(tmp_path):
    path = tmp_path / "run.nc"
    result = runner.invoke(app, ["run", "--json", "--out", str(tmp_path), "--seed", "2",
                                 "--netcdf", str(path)])
    assert result.exit_code == 0, result.output
    kpis = json.loads(result.stdout)["kpis"]
    back = export.read_netcdf(path)
    _assert_dataset_matches_kpis(back, kpis)
    assert back.attrs["seed"] == 2
    bad = tmp_path / "missing" / "run.nc"
    failed = runner.invoke(app, ["run", "--out", str(tmp_path), "--netcdf", str(bad)])
    assert failed.exit_code == 2
    assert f"cannot write NetCDF file {bad}: folder {bad.parent} does not exist" in failed.stderr
    assert "Traceback" not in failed.output
    runs = store.list_runs(store.connect(store.default_url(tmp_path)))
    assert len(runs) == 1  # checked before the chain ran: nothing stored


@pytest.fixture(scope="module")
def two_runs(results, tmp_path_factory):
    out = tmp_path_factory.mktemp("compare")
    engine = store.connect(store.default_url(out))
    first, second = results["minamitorishima-2027"], results["minamitorishima-commercial"]
    assert [store.save_run(engine, r) for r in (first, second, first)] == [1, 2, 3]
    return out, engine, first.kpis, second.kpis


def test_store_get_runs_in_order_and_unknown_ids(two_runs):
    _, engine, a, b = two_runs
    records = store.get_runs(engine, [2, 1, 2])
    assert [r["id"] for r in records] == [2, 1, 2]
    assert records[0]["kpis"] == {k: dict(v) if isinstance(v, Mapping) else v for k, v in b.items()}
    assert records[1]["scenario"] == "minamitorishima-2027"
    with pytest.raises(ValueError, match=r"no run with id 7 in the store"):
        store.get_runs(engine, [1, 7])
    with pytest.raises(ValueError, match=r"no run with ids 7, 9 in the store"):
        store.get_runs(engine, [9, 1, 7])


def test_db_compare_json(two_runs):
    out, _, a, b = two_runs
    result = runner.invoke(app, ["db", "compare", "1", "2", "3", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["id"] for r in data["runs"]] == [1, 2, 3]
    assert data["relative_to"] == 1
    rows = {r["kpi"]: r for r in data["rows"]}
    npv = rows["npv_usd"]
    assert npv["unit"] == "USD"
    assert npv["values"] == [a["npv_usd"], b["npv_usd"], a["npv_usd"]]
    assert npv["difference"] == [b["npv_usd"] - a["npv_usd"], 0.0]
    assert npv["difference_pct"] == [100 * (b["npv_usd"] - a["npv_usd"]) / abs(a["npv_usd"]), 0.0]
    assert npv["differs"] is True
    nd = rows["oxide_production_t_per_year[Nd]"]
    assert (nd["name"], nd["key"], nd["unit"]) == ("oxide_production_t_per_year", "Nd", "t/yr")
    a_nd, b_nd = a["oxide_production_t_per_year"]["Nd"], b["oxide_production_t_per_year"]["Nd"]
    assert nd["values"] == [a_nd, b_nd, a_nd]
    assert nd["difference"] == [b_nd - a_nd, 0.0]
    assert rows["irr"]["values"] == [None, None, None]
    assert rows["irr"]["difference"] == [None, None]
    assert rows["irr"]["differs"] is False
    # a KPI undefined in one run only is a difference without a number
    assert (a["campaign_tonnes_mean"] is None) != (b["campaign_tonnes_mean"] is None)
    assert rows["campaign_tonnes_mean"]["difference"] == [None, 0.0]
    assert rows["campaign_tonnes_mean"]["differs"] is True
    assert len(data["rows"]) == sum(len(v) if isinstance(v, Mapping) else 1 for v in a.values())


def test_db_compare_table(two_runs):
    out, _, a, b = two_runs
    result = runner.invoke(app, ["db", "compare", "1", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "run 1: minamitorishima-2027, seed 0" in lines[0]
    assert "run 2: minamitorishima-commercial, seed 0" in lines[1]

    def cells(label):
        row = next(line for line in lines if line.startswith(f"│ {label} "))
        return [c.strip() for c in row.strip("│").split("│")]

    d = b["npv_usd"] - a["npv_usd"]
    assert cells("npv_usd") == ["npv_usd", "USD", f"{a['npv_usd']:,.0f}", f"{b['npv_usd']:,.0f}",
                                f"{d:+,.0f}", f"{100 * d / abs(a['npv_usd']):+.4g} %"]
    a_nd, b_nd = a["oxide_production_t_per_year"]["Nd"], b["oxide_production_t_per_year"]["Nd"]
    assert 0 < a_nd < b_nd < 1000  # shown to 4 significant digits
    assert cells("oxide_production_t_per_year[Nd]") == [
        "oxide_production_t_per_year[Nd]", "t/yr", f"{a_nd:.4g}", f"{b_nd:.4g}",
        f"+{b_nd - a_nd:.4g}", f"+{100 * (b_nd - a_nd) / a_nd:.4g} %"]
    assert a["sx_stages"] == b["sx_stages"] < 1000
    assert cells("sx_stages")[2:] == [f"{a['sx_stages']:.4g}"] * 2 + ["0", "0 %"]
    assert cells("irr")[2:] == ["—", "—", "—", "—"]


def test_db_compare_bad_input_exits_2(two_runs):
    out = two_runs[0]
    unknown = runner.invoke(app, ["db", "compare", "1", "42", "--out", str(out)])
    assert unknown.exit_code == 2
    assert "no run with id 42 in the store; `reemud db list` lists them" in unknown.stderr
    assert "Traceback" not in unknown.output
    one = runner.invoke(app, ["db", "compare", "1", "--out", str(out)])
    assert one.exit_code == 2
    assert "give two or more run ids to compare (got 1)" in one.stderr
