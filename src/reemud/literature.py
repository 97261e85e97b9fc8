"""Literature checks: published figures the model is expected to reproduce.

Each case names the figure, its source, the published value and unit, how the model's value is
compared — always two-sided: ``approx`` within a relative tolerance, or ``between`` a published
range (a bound alone would pass whatever the model does; the model's bounds are tests) — and its
kind: ``validation`` when no model parameter was set from that figure, or ``calibration`` naming
the parameter that was fitted to it (a figure used as an input is never shown as a validation).
``reemud literature`` prints the table and exits 1 if any case fails. Later issues add cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reemud import leaching, lifting
from reemud.beneficiation import (
    plitt_d50c_um,
    plitt_flow_l_per_min,
    volume_percent_solids,
)
from reemud.chain import ChainResult, run
from reemud.deposit import dry_bulk_density_t_per_m3, resource_rey_t
from reemud.elements import INDEX, N_ELEMENTS, OXIDE_FACTOR
from reemud.refining import calcine, oxalate_conversion
from reemud.scenario import bundled_scenarios, load_scenario, read_scenario_text
from reemud.stages import grade_profiles, leach_acids, oxalate_isotherm

KINDS = ("validation", "calibration")
COMPARISONS = ("approx", "between")


@dataclass(frozen=True)
class LiteratureCase:
    """One published figure and how the model's value is computed and compared."""

    id: str
    quantity: str
    source: str
    published: float | tuple[float, float]
    unit: str
    comparison: str
    tolerance: float
    kind: str
    compute: Callable[[], float]
    parameter: str | None = None

    def passes(self, value: float) -> bool:
        """Whether the model's value agrees with the published figure."""
        if not np.isfinite(value):
            return False
        if self.comparison == "approx":
            return abs(value - self.published) <= self.tolerance * abs(self.published)
        low, high = self.published
        return low <= value <= high

    @property
    def published_text(self) -> str:
        """Published figure with its comparison, e.g. ``≈ 9 ± 0.5 %`` or ``1.14–1.27``."""
        if self.comparison == "between":
            return f"{self.published[0]:.6g}–{self.published[1]:.6g}"
        return f"≈ {self.published:.6g} ± {self.tolerance * 100:.2g} %"


@dataclass(frozen=True)
class CaseResult:
    """A case evaluated against the model.

    ``scenarios`` names the bundled scenarios whose runs the case read (empty: the case is the
    model's own, independent of any scenario).
    """

    case: LiteratureCase
    model: float
    passed: bool
    scenarios: tuple[str, ...] = ()

    def applies_to(self, scenario_name: str) -> bool:
        """Whether the case belongs in the report of a run of ``scenario_name``."""
        return all(s == scenario_name for s in self.scenarios)


CASES: dict[str, LiteratureCase] = {}


def case(**fields):
    """Register a literature case whose model value the decorated function computes."""

    def decorate(compute):
        c = LiteratureCase(compute=compute, **fields)
        if c.kind not in KINDS or c.comparison not in COMPARISONS:
            raise ValueError(f"case {c.id}: bad kind or comparison")
        if c.kind == "calibration" and not c.parameter:
            raise ValueError(f"case {c.id}: a calibration must name the fitted parameter")
        if c.id in CASES:
            raise ValueError(f"case {c.id} registered twice")
        CASES[c.id] = c
        return compute

    return decorate


_RUNS: dict[str, ChainResult] = {}


_READ: list[set[str]] = []
"""Scenario names the case being evaluated has read (a stack, one set per evaluation)."""


def default_run(name: str = "minamitorishima-2027") -> ChainResult:
    """The bundled scenario's result at seed 0, computed once per process."""
    if _READ:
        _READ[-1].add(name)
    if name not in _RUNS:
        _RUNS[name] = run(load_scenario(name))
    return _RUNS[name]


def remember(result: ChainResult) -> None:
    """Reuse a run of an unchanged bundled scenario at seed 0 for the checks (saves a rerun)."""
    text, _ = read_scenario_text(result.scenario.name) if result.scenario.name in \
        bundled_scenarios() else ("", "")
    if result.seed == 0 and text == result.scenario.text:
        _RUNS.setdefault(result.scenario.name, result)


def evaluate(ids: list[str] | None = None) -> list[CaseResult]:
    """Evaluate the chosen cases (all by default) in registration order."""
    chosen = [CASES[i] for i in ids] if ids else list(CASES.values())
    out = []
    for c in chosen:
        _READ.append(set())
        try:
            value = float(c.compute())
        finally:
            read = _READ.pop()
        out.append(CaseResult(c, value, c.passes(value), tuple(sorted(read))))
    return out


# ---------------------------------------------------------------------------------------------
# cases

SEAWATER = 1025.0
BRUEVICH_GRAIN_DENSITY = 2.50
BRUEVICH_POROSITY = 0.775


@case(id="lift-floor-5600", quantity="buoyancy-corrected lifting floor at 5,600 m, ρs = 2,500",
      source="docs/models/lifting.md §2 (hydrostatics; 9.00 / 9.47 / 10.05 kWh/t for ρs 2,500/2,700/3,000)",
      published=9.00, unit="kWh/t", comparison="approx", tolerance=0.005, kind="validation")
def _lift_floor() -> float:
    return float(lifting.energy_floor_kwh_per_dry_t(5600.0, 2500.0, SEAWATER))


@case(id="takaya2018-resource",
      quantity=">16 Mt REO in ~2,500 km² x 0-10 mbsf at mean 964 ppm (density from red clay)",
      source="Takaya et al. 2018, Sci. Rep. 8:5763; dry density from Bruevich & Kulik 1967 "
             "(not fitted; area, depth and grade are the paper's own inputs)",
      published=16.0e6, unit="t REO", comparison="approx", tolerance=0.15, kind="validation")
def _takaya_resource() -> float:
    top, bottom, grade = grade_profiles()["takaya2018-mean"]
    rho_d = dry_bulk_density_t_per_m3(BRUEVICH_GRAIN_DENSITY, BRUEVICH_POROSITY)
    rey = resource_rey_t(2500.0, top, bottom, grade, 0.0, 10.0, rho_d)
    pattern = default_run().records["deposit"].rey_pattern
    return float(rey * (pattern * OXIDE_FACTOR).sum())


@case(id="takaya2018-best-block", quantity="1.2 Mt REO in the most promising 105 km², 0-10 mbsf",
      source="Takaya et al. 2018, Sci. Rep. 8:5763", published=1.2e6, unit="t REO",
      comparison="approx", tolerance=0.10, kind="calibration",
      parameter="background grade of the 'minamitorishima-layered' profile "
                "(data/grade_profiles.csv)")
def _takaya_block() -> float:
    return float(default_run().kpis["resource_reo_t"])


@case(id="reo-rey-ratio", quantity="REO/REY mass ratio of the mud",
      source="docs/models/deposit.md §2.1: any REY mix has REO/REY between 1.14 and 1.27 (atomic weights)",
      published=(1.14, 1.27), unit="-", comparison="between", tolerance=0.0, kind="validation")
def _reo_ratio() -> float:
    dep = default_run().records["deposit"]
    return float(dep.resource_reo_t / dep.resource_rey_t.sum())


@case(id="darby-bingham-friction",
      quantity="Darcy friction, Bingham slurry D=0.254 m V=2.3 m/s ρ=1300 τy=6 Pa μp=0.02 Pa s",
      source="docs/models/lifting.md §8 case 1 (code-to-code, Darby 2001 reference implementation [S27])",
      published=0.01905007708620241, unit="-", comparison="approx", tolerance=1e-6,
      kind="validation")
def _darby() -> float:
    d, v, rho, tau, mu = 0.254, 2.3, 1300.0, 6.0, 0.02
    return 4.0 * float(lifting.bingham_fanning_darby(rho * v * d / mu, rho * d**2 * tau / mu**2))


@case(id="plitt-worked-d50c", quantity="Plitt d50c of a 4-inch cyclone at 100 kPa, 10 wt %",
      source="docs/models/beneficiation.md §4 case 2 (computed from the Plitt/Flintoff equations, [S40])",
      published=21.4, unit="µm", comparison="approx", tolerance=0.0025, kind="validation")
def _plitt() -> float:
    phi = volume_percent_solids(10.0, 2.7)
    geometry = dict(dc_cm=10.2, di_cm=2.5, do_cm=3.2, du_cm=1.6, h_cm=30.0)
    q = plitt_flow_l_per_min(100.0, phi_vol_pct=phi, **geometry)
    return float(plitt_d50c_um(q, phi_vol_pct=phi, solids_density_t_per_m3=2.7, **geometry))


def takaya_batch(acid: str, acid_mol_per_l: float = 0.5, minutes: float = 5.0,
                  temperature_c: float = 25.0) -> float:
    """The default kinetic leach, as a laboratory batch with excess acid (Takaya's conditions)."""
    p = default_run().scenario.stages["leaching"].params
    constants = leach_acids()[acid]
    return float(leaching.batch_extraction(
        minutes, acid_mol_per_l=acid_mol_per_l, temperature_c=temperature_c,
        tau_ref_min=p.tau_ref_min, acid_order=p.acid_order,
        activation_j_per_mol=p.activation_j_per_mol, loss_ref=constants["loss_ref"],
        loss_acid_exponent=p.loss_acid_exponent,
        loss_activation_j_per_mol=p.loss_activation_j_per_mol,
        ageing_rate_ref_per_min=constants["ageing_rate_ref_per_min"], demand_mol_h_per_l=0.0,
        protons_per_mol=constants["protons_per_mol"]))


_KINETIC = "leaching loss_ref / ageing rate (data/leach_acids.csv) and tau_ref_min"


@case(id="takaya2015-hcl-peak", quantity="REY (excl. Ce) leached, 0.5 M HCl, 5 min, 25 °C",
      source="Takaya et al. 2015, Geochem. J. 49:637-652", published=0.951, unit="-",
      comparison="approx", tolerance=0.002, kind="calibration", parameter=_KINETIC)
def _takaya2015_hcl() -> float:
    return takaya_batch("HCl")


@case(id="takaya2015-h2so4-peak", quantity="REY (excl. Ce) leached, 0.5 M H2SO4, 5 min, 25 °C",
      source="Takaya et al. 2015, Geochem. J. 49:637-652", published=0.813, unit="-",
      comparison="approx", tolerance=0.002, kind="calibration", parameter=_KINETIC)
def _takaya2015_h2so4() -> float:
    return takaya_batch("H2SO4")


@case(id="takaya2018-hydrocyclone-upgrade", quantity="ΣREY upgrade of the default cyclone",
      source="Takaya et al., MMIJ 2018 (hydrocyclone raised ΣREY up to 2.6x; "
             "docs/models/beneficiation.md §1)",
      published=2.6, unit="-", comparison="approx", tolerance=0.01, kind="calibration",
      parameter="beneficiation split_factor")
def _upgrade() -> float:
    return float(default_run().kpis["upgrade_factor"])


@case(id="oxalate-isotherm-nd-10gl", quantity="Nd precipitated as oxalate at 10 g/L, pH 1.5",
      source="docs/models/refining.md §5 case 1 (PrOMMiS isotherm parameters [S64])", published=0.996,
      unit="-", comparison="approx", tolerance=0.0006, kind="validation")
def _oxalate() -> float:
    eps, n = oxalate_isotherm()
    return float(oxalate_conversion(10.0, eps, n)[INDEX["Nd"]])


@case(id="calcination-co2-nd2o3", quantity="CO2 from calcining Nd oxalate per kg Nd2O3",
      source="docs/models/refining.md §1 table (stoichiometry: 6 CO2 per Nd2O3)", published=0.785,
      unit="kg/kg", comparison="approx", tolerance=0.001, kind="validation")
def _calcination() -> float:
    nd = np.zeros(N_ELEMENTS)
    nd[INDEX["Nd"]] = 1.0
    oxide, _, co2 = calcine(nd)
    return float(co2 / oxide.sum())


@case(id="dodge-metzner-friction", quantity="Fanning friction of a power-law fluid, Re_MR = 1e5, n = 0.5",
      source="docs/models/lifting.md §8 case 2 (rheopy/rheoflow Dodge-Metzner notebook, code-to-code)",
      published=0.002586428926781602, unit="-", comparison="approx", tolerance=1e-6,
      kind="validation")
def _dodge_metzner() -> float:
    return float(lifting.dodge_metzner_fanning(1e5, 0.5))


@case(id="nicklin-drift-flux", quantity="void fraction, x = 0.4, ρl 800, ρg 2.5, 1 kg/s, D = 0.3 m",
      source="docs/models/lifting.md §8 case 3 (fluids Nicklin_Wilkes_Davidson doctest, code-to-code)",
      published=0.679882662672, unit="-", comparison="approx", tolerance=1e-9,
      kind="validation")
def _nicklin() -> float:
    return float(lifting.nicklin_void_fraction(0.4, 800.0, 2.5, 1.0, 0.3))


def max_throughput_at(depth_m: float) -> float:
    """Largest closed-circulation throughput of the default design at a depth within 35 MW."""
    result = default_run()
    sc = result.scenario
    lift_p = sc.stages["lifting"].params
    dep, feed = result.records["deposit"], result.records["collector"]
    t_day, _ = lifting.max_throughput_t_per_day(
        35000.0, lift_p.solids_volume_fraction, depth_m=depth_m,
        solids_density_kg_per_m3=feed.solids_density_kg_per_m3,
        seawater_density_kg_per_m3=dep.seawater_density_kg_per_m3,
        carrier_viscosity_pa_s=dep.seawater_viscosity_pa_s,
        riser_inner_diameter_m=lift_p.riser_inner_diameter_m,
        downline_inner_diameter_m=lift_p.downline_inner_diameter_m,
        pipe_roughness_m=lift_p.pipe_roughness_m, pump_efficiency=lift_p.pump_efficiency,
        miner_pressure_loss_pa=lift_p.miner_pressure_loss_kpa * 1000.0,
        yield_stress_coefficient_pa=lift_p.yield_stress_coefficient_pa,
        rheology_exponent=lift_p.rheology_exponent)
    return float(t_day)


@case(id="chikyu-2026-days-to-first-mud",
      quantity="days on site before the first mud (pipe running at 490 m/day + positioning)",
      source="docs/models/collector.md §1.2: on site 17 Jan 2026, recovery began 30 Jan (~13 days); running "
             "speed from IODP Exp. 338 (not fitted to this figure)",
      published=13.0, unit="day", comparison="approx", tolerance=0.2, kind="validation")
def _first_mud() -> float:
    mean = default_run().diagnostics["collector"]["campaign"]
    return (mean["mean pipe running h"] + mean["mean positioning h"]) / 24.0


@case(id="kremser-e1.5-n5", quantity="fraction not extracted, E = 1.5, N = 5 (constant D)",
      source="docs/models/separation.md §6 case 1 (Kremser closed form (E-1)/(E^(N+1)-1) = 0.04812)",
      published=0.04812030075187970, unit="-", comparison="approx", tolerance=1e-10,
      kind="validation")
def _kremser() -> float:
    from reemud.separation import cascade

    x, *_ = cascade.solve(0, np.array([1.5]), np.ones(5), np.ones(5), 1.0, np.zeros(1), 1.0,
                          np.ones(1), np.zeros(5), np.zeros((5, 1)), 1.0, 0.0, np.zeros(5), 3.0,
                          0.5, 1e-12, 5)
    return float(x[0, 0])


@case(id="fenske-beta1.58", quantity="minimum stages, 99.9 %/99.9 % split at β = 1.58",
      source="docs/models/separation.md §6 case 2 (Fenske: 30.2 at β = 1.58, Pr/Nd of [S55])", published=30.2,
      unit="stages", comparison="approx", tolerance=0.002, kind="validation")
def _fenske() -> float:
    from reemud.separation.design import fenske_min_stages

    return float(fenske_min_stages(0.999, 0.999, 1.58))


def _prommis_case(species: str, published: float, printed: str) -> None:
    """Register the PrOMMiS 1.1.0 raffinate case of one species."""

    @case(id=f"prommis-dehpa-3-stage-{species.lower()}",
          quantity=f"{species} left in the raffinate, PrOMMiS 3-stage 5 % DEHPA steady case "
                   "(free DEHPA per stage)",
          source="PrOMMiS 1.1.0 src/prommis/solvent_extraction/tests/"
                 f"test_solvent_extraction_steady.py, test_solution: aqueous_outlet {species} "
                 f"{printed} mg/L (5 significant figures, rel. 1e-4 there); "
                 "docs/models/separation.md §6 case 3",
          published=published, unit="mg/L", comparison="approx", tolerance=1e-4,
          kind="validation")
    def _raffinate() -> float:
        from reemud.separation.prommis_check import run as prommis_run

        raffinate, _, _ = prommis_run()
        return raffinate[species]


for _species, _published, _printed in (("Dy", 1.1699e-3, "1.1699e-03"),
                                       ("Nd", 0.88099, "8.8099e-01"),
                                       ("Y", 6.2927e-6, "6.2927e-06")):
    _prommis_case(_species, _published, _printed)


# ---------------------------------------------------------------------------------------------
# supply security (docs/models/supply-security.md §4, §6, §7)


def _market_calibration(name: str) -> float:
    from reemud.datafiles import read_table

    return {r["name"]: float(r["value"]) for r in read_table("market_calibration.csv")}[name]


@case(id="iea2024-china-separation-share", quantity="China's share of separated (refined) output",
      source="IEA Global Critical Minerals Outlook 2024: China 92 % of refined rare-earth output "
             "(2023); model: base-year suppliers and where each separates (data/"
             "market_suppliers.csv)", published=0.92, unit="-", comparison="approx",
      tolerance=0.05, kind="validation")
def _china_separation() -> float:
    from reemud.security.analysis import supply_table
    from reemud.security.model import base_market

    return supply_table(base_market())["china_separation_share"]


def _peak_case(symbol: str, published: float, text: str) -> None:
    @case(id=f"backcast-2010-peak-{symbol.lower()}",
          quantity=f"{symbol} oxide ex-China price at the 2010-2011 peak over 2008",
          source=f"Lynas via mining.com (SECONDARY): {text}; model: the 2010 backcast's highest "
                 "2010-2011 ex-China price over its 2008 reference",
          published=published, unit="-", comparison="approx", tolerance=0.01, kind="calibration",
          parameter=f"price elasticity of demand of {symbol} (data/market_elasticities.csv)")
    def _peak() -> float:
        from reemud.security import backcast

        paths, _, years = backcast.run_2010()
        return backcast.peak_multiple(paths, years, symbol)


def _register_peak_cases() -> None:
    from reemud.security.backcast import TARGET_MULTIPLES_2011

    for symbol, text in (("La", "8.71 (2008) to 135 US$/kg (Q2 2011)"),
                         ("Ce", "4.56 to 138 US$/kg"), ("Sm", "5.20 to 125 US$/kg"),
                         ("Dy", "118.49 to 921.20 US$/kg")):
        _peak_case(symbol, TARGET_MULTIPLES_2011[symbol], text)


_register_peak_cases()


@case(id="backcast-2010-rampup",
      quantity="non-Chinese mine output, mean yearly rise 2011-2014 over world consumption",
      source="Sprecher et al. 2017 Environ. Sci. Technol. 51(7):3860: non-Chinese primary "
             "production ramped up at 4 % of total market volume per year",
      published=0.04, unit="1/yr", comparison="approx", tolerance=0.02, kind="calibration",
      parameter="market.investment_response (data/market_parameters.csv)")
def _rampup() -> float:
    from reemud.security import backcast

    return backcast.ramp_up_2010()


@case(id="backcast-2010-substitution",
      quantity="fastest yearly rise of the substituted share of ex-China demand, 2010-2014",
      source="Sprecher et al. 2017: annual substitution reached 10 % of total demand",
      published=0.10, unit="1/yr", comparison="approx", tolerance=0.05, kind="calibration",
      parameter="market.substitution_rate_per_year (data/market_parameters.csv)")
def _substitution() -> float:
    from reemud.security import backcast

    paths, _, _ = backcast.run_2010()
    share = paths.substituted_share[0, :, 1:]
    return float((share[1:] - share[:-1]).max())


@case(id="backcast-2010-decline",
      quantity="value-weighted ex-China oxide price index, 2014 over the 2010-2011 peak",
      source="Rare Element Resources 2014 10-K citing Metal-Pages: the weighted REO price "
             "(FOB China) in Q4 2014 was 85 % below its 2011 quarterly peak; tolerance ±50 %: "
             "the basis mixes a quarter with years, and 2011 prices alone swung by ±50 % "
             "(Dy 921 Q2, ~2,300 autumn, 1,410 year-end US$/kg)",
      published=0.15, unit="-", comparison="approx", tolerance=0.5, kind="validation")
def _decline() -> float:
    from reemud.security import backcast

    return backcast.index_2014_over_peak()


@case(id="backcast-2025-dy", quantity="Dy oxide in Europe, May 2025 over March 2025",
      source="Argus 6 May 2025 (via GMT Eight): 250-310 to 700-1,000 US$/kg within a month of "
             "the 4 Apr 2025 licences (midpoints)", published=850.0 / 280.0, unit="-",
      comparison="approx", tolerance=0.01, kind="calibration",
      parameter="licence_let_through_2025 (data/market_calibration.csv)")
def _dy_2025() -> float:
    from reemud.security import backcast

    return backcast.jump_2025("Dy")


@case(id="backcast-2025-tb", quantity="Tb oxide in Europe, May 2025 over March 2025",
      source="Argus 6 May 2025 (via GMT Eight): 930-1,000 to 2,000-4,000 US$/kg "
             "(2,000/965 to 4,000/965)", published=(2000.0 / 965.0, 4000.0 / 965.0), unit="-",
      comparison="between", tolerance=0.0, kind="validation")
def _tb_2025() -> float:
    from reemud.security import backcast

    return backcast.jump_2025("Tb")


@case(id="backcast-2025-china-dy", quantity="China's domestic Dy oxide, late April over March 2025",
      source="SMM: 1.69-1.71 million CNY/t (6 Mar 2025), 1.60-1.62 (24 Apr 2025); domestic prices "
             "stable while Europe's tripled (SMM, 6 May 2025)", published=1.61 / 1.70, unit="-",
      comparison="approx", tolerance=0.02, kind="calibration",
      parameter="market.china_price_floor (data/market_parameters.csv)")
def _china_dy_2025() -> float:
    from reemud.security import backcast

    return backcast.jump_2025("Dy", zone="china")


def _eu_sr_case(symbol: str, published: float) -> None:
    @case(id=f"eu-crm-2023-sr-{symbol.lower()}",
          quantity=f"EU supply risk of {symbol} at separation (global supply only)",
          source="European Commission, Study on the CRMs for the EU 2023 (doi:10.2873/725585), "
                 "via the CritMAT transcription (SECONDARY); formula of Blengini et al. 2017",
          published=published, unit="-", comparison="approx", tolerance=0.10, kind="validation")
    def _sr() -> float:
        from reemud.elements import INDEX as IDX
        from reemud.market import data as md
        from reemud.security.analysis import risk_indices
        from reemud.security.model import base_market

        crm = md.eu_crm()[symbol]
        h = risk_indices(base_market(), None, {})["before"]["hhi_wgi_separation"]
        return float(h[IDX[symbol]] * (1 - crm["eol_rir"]) * crm["si_sr"])


_eu_sr_case("Dy", 5.6)
_eu_sr_case("Tb", 4.9)


def _takaya_years(area: str, symbol: str, published: float) -> None:
    block = area == "block"
    kind = "calibration" if block else "validation"

    @case(id=f"takaya2018-years-{area}-{symbol.lower()}",
          quantity=f"years of world {symbol} demand held in the "
                   + ("best 105 km² block" if block else "whole ~2,500 km² area"),
          source="Takaya et al. 2018, Sci. Rep. 8:5763 (62/47/32/56 years of Y/Eu/Tb/Dy in the "
                 "block, 780/620/420/730 in the whole area); the demand basis is fitted to the "
                 "block's figures", published=published, unit="yr", comparison="approx",
          tolerance=0.01 if block else 0.08, kind=kind,
          parameter=f"takaya_basis_{symbol} (data/market_calibration.csv)" if block else None)
    def _years() -> float:
        from reemud.market.coverage import years_of_demand

        dep = default_run().records["deposit"]
        block_t = dep.resource_rey_t * OXIDE_FACTOR
        resource = block_t if block else \
            CASES["takaya2018-resource"].compute() * block_t / block_t.sum()
        return float(years_of_demand(resource[INDEX[symbol]],
                                     _market_calibration(f"takaya_basis_{symbol}")))


for _symbol, _block, _whole in (("Y", 62, 780), ("Eu", 47, 620), ("Tb", 32, 420),
                                ("Dy", 56, 730)):
    _takaya_years("block", _symbol, _block)
    _takaya_years("whole", _symbol, _whole)


# ---------------------------------------------------------------------------------------------
# the METI/JOGMEC 2016 evaluation (docs/models/economics.md §1.4)

METI = "meti-jogmec-2016"
METI_SOURCE = ("METI/JOGMEC evaluation of 6 Jul 2016 (METI press release 20160706004; "
               "chem-t.com 45849)")


def meti_measures(result: ChainResult) -> dict[str, float]:
    """The study's measures of a run, in yen [JPY, JPY/yr].

    Capital over the life, initial capital, the annual cost with depreciation as the study
    counts it (operating cost + the life's capital over the depreciation years) and the yearly
    revenue at full output.
    """
    cash = result.records["economics"]
    p = result.scenario.stages["economics"].params
    rate = float(p.jpy_per_usd)
    capital = float(cash.table["capex"].sum() + cash.table["sustaining"].sum())
    opex = float(sum(cash.opex_usd_per_year.values()))
    return {"capital": capital * rate, "initial capital": float(sum(cash.capex_usd.values())) * rate,
            "annual cost": (opex + capital / int(p.depreciation_years)) * rate,
            "revenue": float(cash.revenue_usd_per_year_by_element.sum()) * rate}


@case(id="meti-jogmec-2016-capital", quantity="capital over the 20-year life",
      source=f"{METI_SOURCE}: total investment JPY 262.2 bn over 20 years", published=262.2e9,
      unit="JPY", comparison="approx", tolerance=0.001, kind="calibration",
      parameter="economics.offshore_capex_ref_usd of meti-jogmec-2016 (scripts/fit_meti.py)")
def _meti_capital() -> float:
    return meti_measures(default_run(METI))["capital"]


@case(id="meti-jogmec-2016-revenue", quantity="sales a year at the 10-year average price",
      source=f"{METI_SOURCE}: sales about JPY 23.7 bn/yr at the 10-year average price",
      published=23.7e9, unit="JPY/yr", comparison="approx", tolerance=0.001, kind="calibration",
      parameter="economics.price_multiplier of meti-jogmec-2016 (scripts/fit_meti.py)")
def _meti_revenue() -> float:
    return meti_measures(default_run(METI))["revenue"]


@case(id="meti-jogmec-2016-initial-capital",
      quantity="initial capital: a check of the assumed 2 %/yr sustaining capital, given the "
               "calibrated capital over the life",
      source="the same study as summarised (tskeightkun.blog.fc2.com/blog-entry-2304.html, "
             "SECONDARY): initial investment about JPY 190 bn; model: the calibrated life's "
             "capital less 2 %/yr sustaining capital", published=190e9, unit="JPY",
      comparison="approx", tolerance=0.10, kind="validation")
def _meti_initial() -> float:
    return meti_measures(default_run(METI))["initial capital"]


@case(id="meti-jogmec-2016-annual-cost", quantity="annual cost including depreciation",
      source="the same study as summarised (SECONDARY): annual operating cost JPY 63 bn incl. "
             "depreciation, residue disposal left out; tolerance 30 %: the study's operating "
             "days (reemud's 274 a year against up to 365 move every flow by a third) and cost "
             "scope are not published; about 70 % of the model's figure follows the calibrated "
             "capital (depreciation, maintenance, insurance, overhead)", published=63e9,
      unit="JPY/yr",
      comparison="approx", tolerance=0.30, kind="validation")
def _meti_annual_cost() -> float:
    return meti_measures(default_run(METI))["annual cost"]


# ---------------------------------------------------------------------------------------------
# other sources: recycling, bio-sorbents, seawater (docs/models/sources.md §5)


def _sources_cases() -> None:
    from reemud.sources.checks import CASES as SOURCE_CASES

    for spec in SOURCE_CASES:
        spec = dict(spec)
        case(**{k: v for k, v in spec.items() if k != "compute"})(spec["compute"])


_sources_cases()
