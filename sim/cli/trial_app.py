"""``sim-trial``: run a virtual trial (configured, or a study of the packaged data by its id).

    sim-trial                                        # the default custom trial (configs/trial/config.yaml)
    sim-trial experiment=kl23_ad_msc                 # a named trial (experiments/trial/*.yaml)
    sim-trial debug=default                          # a few patients, three replicates, debug logging
    sim-trial study=LAMO2016 replicates=200          # a study of sim/data/trials/arms.csv
    sim-trial study=GUPTA2016 trial.n_per_arm=40 output.patients=true

Writes ``<file>.h5`` (summaries always, patient-level values with ``output.patients=true``),
``<stem>_summary.csv`` and ``<stem>_forest.png`` into the run folder. Hydra stays here: the
work is done by plain objects of :mod:`sim.trial`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig, OmegaConf

from sim.atomic import write_atomic
from sim.cli import build
from sim.cli.app import app_main, hydra_app
from sim.cli.outputs import check_dose_days, check_output_target
from sim.cli.run_app import git_commit, package_versions
from sim.cli.schema import PathsConf, SolverConf
from sim.population import PopulationSpec
from sim.trial.spec import ObservationSpec


@dataclass
class EndpointConf:
    """One endpoint: a measure, its reported scale ``[min, max]`` and MCID (native-scale units)."""

    measure: str = "WOMAC_total"
    scale: Optional[List[float]] = None  # [min, max]; null = the measure's native scale
    mcid: Optional[float] = None  # native-scale units; null = documented default


@dataclass
class TrialConf:
    """``trial``: a custom trial's arms, control, n per arm, follow-up visits [days], endpoints and dropout."""

    name: str = "trial"
    question: str = ""
    arms: Dict[str, str] = field(default_factory=dict)
    control: str = ""
    n_per_arm: Optional[int] = None  # null with study=...: the study's n_arm
    follow_up_days: List[float] = field(default_factory=lambda: [182.0, 365.0])
    endpoints: List[EndpointConf] = field(default_factory=list)
    dropout: Optional[float] = None  # probability of leaving before the last visit; null = 0
    horizon_days: float = 3650.0


# Defaults come from the domain objects so that the config and the Python API never disagree.
_P = PopulationSpec


@dataclass
class PopulationConf:
    """``population``: inclusion profile (KL grades, age [years], BMI [kg/m^2], share female, variability)."""

    species: str = _P.species
    kl_grades: List[int] = field(default_factory=lambda: list(_P.kl_grades))
    kl_weights: Optional[List[float]] = None
    age_mean: float = _P.age_mean
    age_sd: float = _P.age_sd
    age_min: float = _P.age_min
    age_max: float = _P.age_max
    bmi_mean: float = _P.bmi_mean
    bmi_sd: float = _P.bmi_sd
    bmi_min: float = _P.bmi_min
    bmi_max: float = _P.bmi_max
    p_female: float = _P.p_female
    inflammation_cv: float = _P.inflammation_cv
    variability: Optional[Dict[str, float]] = None  # null = sim.population.DEFAULT_VARIABILITY


@dataclass
class ObservationConf:
    """``observation``: per-patient placebo responsiveness (CV) and per-visit noise by measure."""

    placebo_cv: float = ObservationSpec.placebo_cv
    noise: Dict[str, float] = field(default_factory=dict)


@dataclass
class PowerConf:
    """``power``: the optional power curve over ``n_grid`` patients per arm at ``day`` [days]."""

    enabled: bool = False
    arm: str = ""
    endpoint: str = ""
    day: float = 365.0
    n_grid: List[int] = field(default_factory=lambda: [10, 20, 30, 40, 60, 80, 100, 150, 200])
    target: float = 0.8
    replicates: int = 200


@dataclass
class TrialOutputConf:
    """``output``: folder, HDF5 file name, and which extra files to write."""

    dir: str = "."
    file: str = "trial.h5"
    csv: bool = True
    png: bool = True
    patients: bool = False
    table: bool = True


@dataclass
class TrialRunConf:
    """The whole ``sim-trial`` config (registered as ``base_trial``)."""

    paths: PathsConf = field(default_factory=PathsConf)
    trial: TrialConf = field(default_factory=TrialConf)
    population: PopulationConf = field(default_factory=PopulationConf)
    observation: ObservationConf = field(default_factory=ObservationConf)
    power: PowerConf = field(default_factory=PowerConf)
    solver: SolverConf = field(default_factory=SolverConf)
    output: TrialOutputConf = field(default_factory=TrialOutputConf)
    study: Optional[str] = None
    replicates: int = 100
    allocation: str = "independent"
    alpha: float = 0.05
    level: float = 0.95
    forest_day: Optional[float] = None  # null = last follow-up visit
    seed: int = 0


ConfigStore.instance().store(name="base_trial", node=TrialRunConf)


#: The config -> TrialSpec step lives with the other builders (name kept for callers).
spec_from_config = build.trial_spec


def run(cfg: DictConfig, out_dir: Path, explicit: frozenset[str] | set[str] = frozenset()) -> Path:
    """The work of ``sim-trial`` with plain objects (after Hydra composed ``cfg``).

    ``explicit`` holds the dotted keys set on the command line (see :func:`spec_from_config`).
    """
    from sim.io import write_tree
    from sim.io.trial_file import trial_tree, write_csv
    from sim.trial import power_analysis, run_trial, summarize

    spec = build.trial_spec(cfg, explicit)
    # Cheap checks first: a mistake must not cost a simulation, nor leave files behind.
    check_dose_days({a.name: a.regimen for a in spec.arms}, float(spec.t_end), "trial.arms")
    target = check_output_target(out_dir, cfg.output.file)
    day = float(cfg.forest_day) if cfg.forest_day is not None else spec.t_end
    if day not in spec.follow_up_days:
        raise ValueError(f"forest_day: {day:g} is not a follow-up visit; allowed: "
                         f"{', '.join(f'{d:g}' for d in spec.follow_up_days)}")
    options = build.solver_options(cfg.solver)
    trial = run_trial(spec, int(cfg.replicates), int(cfg.seed), allocation=str(cfg.allocation), options=options)
    summary = summarize(trial, alpha=float(cfg.alpha), level=float(cfg.level))
    power = None
    if cfg.power.enabled:
        pw = cfg.power
        power = power_analysis(spec, pw.arm, pw.endpoint, float(pw.day), list(pw.n_grid), target=float(pw.target),
                               alpha=float(cfg.alpha), replicates=int(pw.replicates), seed=int(cfg.seed),
                               options=options)
    attrs = {"config": OmegaConf.to_yaml(cfg, resolve=True), "git_commit": git_commit(), "created_by": "sim-trial",
             **package_versions()}
    path = write_tree(target,
                      trial_tree(trial, summary, power=power, patients=bool(cfg.output.patients), attrs=attrs))
    stem = Path(cfg.output.file).stem
    rows = summary.table()
    if cfg.output.csv:
        write_csv(rows, out_dir / f"{stem}_summary.csv")
    if cfg.output.png and spec.comparisons:
        from sim.plotting.forest import plot_forest

        fr = summary.forest_rows(day)
        ax = plot_forest([_with_unit(r[0]) for r in fr], [r[1] for r in fr], [r[2] for r in fr], [r[3] for r in fr],
                         outer_low=[r[4] for r in fr], outer_high=[r[5] for r in fr],
                         xlabel=f"change from baseline at day {day:g}: arm - control [row's unit]",
                         title=f"{spec.name}: {spec.question or 'arms vs ' + spec.control}\n"
                               f"median of {trial.replicates} replicate trials")
        ax.figure.tight_layout()
        write_atomic(out_dir / f"{stem}_forest.png", lambda tmp: ax.figure.savefig(tmp, dpi=110))
    if cfg.output.table:
        print(f"\n{spec.name}: {spec.question}\nsource: {spec.source}\n")
        for comp, eps in summary.comparisons.items():
            for ep in eps:
                print(f"{comp:>28s} {ep:>18s} day {day:g}: " + _line(rows, comp, ep, day))
        if power is not None:
            print(f"\npower {power.arm} vs {power.control} on {power.endpoint} at day {power.day:g}: "
                  + ", ".join(f"n={n}: {p:.2f}" for n, p in zip(power.n_grid, power.power))
                  + f"; smallest n per arm for {power.target:.0%}: {power.n_required}")
        print(f"\nwrote {path}")
    if trial.n_failed:
        print(f"sim-trial: warning: {trial.n_failed} virtual patient(s) failed in the solver (missing values)",
              file=sys.stderr)
    return path


def _with_unit(label: str) -> str:
    """``"arm vs control: VAS_pain[0-10]"`` -> ``"arm vs control: VAS_pain [0-10 scale]"``;
    an endpoint on its native scale gets the measure's unit (``WOMAC_total [points]``).
    """
    from sim.io.trial_file import endpoint_unit

    head, _, endpoint = label.rpartition(": ")
    unit = endpoint_unit(endpoint)
    return f"{head}: {endpoint.partition('[')[0]} [{unit}]" if unit else label


def _line(rows, comp, ep, day) -> str:
    get = {r["statistic"]: r for r in rows if r["kind"] == "comparison" and r["group"] == comp
           and r["endpoint"] == ep and r["day"] == day}
    if "mean_difference" not in get:
        return "no data"
    md = get["mean_difference"]
    # A statistic can be missing (e.g. an SMD of arms without spread in tiny trials): say so.
    g = f"{get['smd']['median']:+.2f}" if "smd" in get else "n/a"
    p = f"{get['welch_p']['median']:.3g}" if "welch_p" in get else "n/a"
    power = (f"{get['significant_favourable']['replicate_mean']:.2f}" if "significant_favourable" in get
             else "n/a")
    return (f"MD {md['median']:+.2f} (95% PI {md['pi_low']:+.2f} to {md['pi_high']:+.2f}), "
            f"SMD {g}, median p {p}, power {power}")


_hydra_main = hydra_app("sim-trial", "trial", "output.dir",
                        lambda cfg, context: run(cfg, context.out_dir, context.explicit))


def main() -> None:
    """Entry point of ``sim-trial``: ``--help``, command-line checks (exit 2, no run folder), then Hydra."""
    app_main("sim-trial", "trial", __doc__, _hydra_main, ["experiment", "solver", "paths", "debug"])


if __name__ == "__main__":
    main()
