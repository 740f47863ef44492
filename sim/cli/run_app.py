"""``sim-run``: simulate a configured experiment and write HDF5, PNG, CSV and a summary table.

sim-run                                   # the main job (configs/run/config.yaml)
sim-run experiment=mechanisms model=no_paracrine
sim-run regimen='msc(cells=5e7,source=ad,allogeneic=0)@0' patient=human_kl2
sim-run +sweep=dose_adjuvant +launcher=joblib      # a sweep (see configs/sweep)
sim-run debug=default                     # one year, monthly output, debug logging, outputs/debug/
"""

from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from sim.atomic import write_atomic
from sim.cli import build
from sim.cli.app import AppContext, app_main, hydra_app
from sim.cli.configs import config_dir
from sim.cli.outputs import check_dose_days, check_output_target
from sim.cli.schema import register
from sim.provenance import git_commit
from sim.provenance import package_versions as _package_versions

log = logging.getLogger("sim-run")
CONFIG_DIR = config_dir("run")

register()


def package_versions() -> dict[str, str]:
    """Package versions as ``version_<name>`` attributes."""
    return {f"version_{name}": v for name, v in _package_versions().items()}


def provenance(cfg: DictConfig) -> dict:
    """Root attributes of ``result.h5``: the resolved config (YAML), git commit, seed and package versions."""
    return {"config": OmegaConf.to_yaml(cfg, resolve=True), "git_commit": git_commit(), "seed": int(cfg.seed),
            "created_by": "sim-run", **package_versions()}


def _patient(cfg: DictConfig):
    """The configured knee (see :func:`sim.cli.build.patient`)."""
    return build.patient(cfg.patient, cfg.model)


def run_joint(cfg: DictConfig, out_dir: Path) -> Path:
    """The joint-model path of ``sim-run`` (plain objects from here on)."""
    from sim.experiment import format_table, run_experiment
    from sim.io.hdf5 import write_tree
    from sim.io.result_file import result_tree

    plan = build.run_arms(cfg)
    # Cheap checks first: a mistake must not cost a simulation, nor leave files behind.
    check_dose_days(plan.arms if plan.field != "regimen" else {"": plan.arms["regimen"]}, float(cfg.experiment.t_end),
                    plan.field)
    target = check_output_target(out_dir, cfg.output.file)
    exp = build.experiment(cfg, plan)
    options = build.solver_options(cfg.solver)
    prov = provenance(cfg)
    out = run_experiment(exp, _patient(cfg), options, provenance={"seed": int(cfg.seed)},
                         measures=tuple(cfg.experiment.measures))
    labels = list(exp.arms)
    attrs = {**prov, "experiment": exp.name, "question": exp.question}
    path = write_tree(target, result_tree(out.result, labels, out.outcomes, attrs))
    if cfg.output.png:
        from sim.observe import MEASURES
        from sim.plotting.trajectories import plot_run_summary

        fig = plot_run_summary(out.result.times, out.outcomes, labels, report_days=exp.report_days,
                               units={m: MEASURES[m].unit for m in out.outcomes if m in MEASURES})
        pc = cfg.patient
        fig.suptitle(f"{exp.question or exp.name}\n{pc.species} knee, KL {pc.kl_grade}, age {float(pc.age):g}, "
                     f"BMI {float(pc.bmi):g}; change from day 0 per arm", fontsize=10)
        write_atomic(out_dir / (target.stem + ".png"), lambda tmp: fig.savefig(tmp, dpi=110))
    if cfg.output.csv:
        def write_csv(tmp: Path) -> None:
            with open(tmp, "w", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(out.summary[0]))
                writer.writeheader()
                writer.writerows(out.summary)

        write_atomic(out_dir / (target.stem + "_summary.csv"), write_csv)
    failed = [label for label, code in zip(labels, out.result.status) if code != 0]
    if cfg.output.table:
        print(f"\n{exp.name}: {exp.question}\n")
        print(format_table(out.summary))
        print(f"\nwrote {path}")
    if failed:
        print("sim-run: warning: the solver did not finish these arms (NaN after the failure): "
              + ", ".join(f"{a} ({m})" for a, m in zip(labels, out.result.messages) if a in failed), file=sys.stderr)
    return path


def run(cfg: DictConfig, context: AppContext) -> None:
    """The work of ``sim-run`` after Hydra composed ``cfg``: a sweep job, a lesion run or the joint model."""
    from sim.sweep.hydra_job import is_sweep

    if is_sweep(cfg):
        from sim.cli.sweep_job import run_sweep_job

        run_sweep_job(cfg)
    elif cfg.experiment.kind == "lesion":
        from sim.io.lesion_file import write_lesion
        from sim.lesion.config import output_name, run_from_config

        lesion_cfg = {"lesion": OmegaConf.to_container(cfg.lesion, resolve=True)}
        path = write_lesion(Path(context.out_dir) / output_name(lesion_cfg), run_from_config(lesion_cfg))
        print(f"wrote {path}")
    elif cfg.experiment.kind == "joint":
        run_joint(cfg, context.out_dir)
    else:
        raise ValueError(f"experiment.kind: {cfg.experiment.kind!r} is not allowed; allowed: joint, lesion")


_hydra_main = hydra_app("sim-run", "run", "output.dir", run)


def main() -> None:
    """Entry point of ``sim-run``: ``--help``, command-line checks (exit 2, no run folder), then Hydra."""
    app_main("sim-run", "run", __doc__, _hydra_main, ["experiment", "model", "patient", "treatment", "solver",
                                                       "output", "sweep", "launcher", "paths", "debug"])


if __name__ == "__main__":
    main()
