"""``sim-run``: simulate a configured experiment and write HDF5, PNG, CSV and a summary table.

    sim-run                                   # the main job (configs/config.yaml)
    sim-run experiment=mechanisms model=no_paracrine
    sim-run regimen='msc(cells=5e7,source=ad,allogeneic=0)@0' patient=human_kl2
    sim-run +sweep=dose_adjuvant +launcher=joblib      # a sweep (see configs/sweep)
"""

from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.cli.argv import quote_regimen_values
from sim.cli.edge import CommandLineError, app_help, check_command_line, fail
from sim.cli.outputs import (check_dose_days, check_output_target, io_error_message, remove_empty_run_dir,
                             write_atomic)
from sim.cli.configs import config_dir
from sim.cli.schema import register
from sim.provenance import git_commit
from sim.provenance import package_versions as _package_versions

log = logging.getLogger("sim-run")
CONFIG_DIR = config_dir()

register()


def package_versions() -> dict[str, str]:
    """Package versions as ``version_<name>`` attributes."""
    return {f"version_{name}": v for name, v in _package_versions().items()}


def provenance(cfg: DictConfig) -> dict:
    return {"config": OmegaConf.to_yaml(cfg, resolve=True), "git_commit": git_commit(), "seed": int(cfg.seed),
            "created_by": "sim-run", **package_versions()}


def _patient(cfg: DictConfig):
    from sim.experiment import patient_with_model
    from sim.model.patient import Patient

    pc = cfg.patient
    patient = Patient(pc.species, pc.kl_grade, float(pc.age), float(pc.bmi), float(pc.alignment_load),
                      float(pc.inflammation))
    return patient_with_model(patient, dict(cfg.model.mechanisms), dict(cfg.model.parameters))


def run_joint(cfg: DictConfig, out_dir: Path) -> Path:
    """The joint-model path of ``sim-run`` (plain objects from here on)."""
    from sim.experiment import Experiment, format_table, run_experiment
    from sim.io.hdf5 import write_tree
    from sim.io.result_file import result_tree
    from sim.solver import SolverOptions

    ec = cfg.experiment
    arms, name, question = dict(ec.arms), ec.name, ec.question
    field = "experiment.arms"
    if cfg.regimen is not None:  # given, even if empty: an empty regimen is an error, not the main job
        if not str(cfg.regimen).strip():
            raise ValueError("regimen: empty; allowed: product(key=value,...)@day[;...], e.g. "
                             "\"regimen='msc(cells=1e8,source=bm,allogeneic=0)@0'\"")
        arms = {"untreated": "none()@0", "regimen": str(cfg.regimen)}
        name, question, field = "regimen", f"{cfg.regimen} vs untreated", "regimen"
    # Cheap checks first: a mistake must not cost a simulation, nor leave files behind.
    check_dose_days(arms if field != "regimen" else {"": arms["regimen"]}, float(ec.t_end),
                    field if field != "regimen" else "regimen")
    target = check_output_target(out_dir, cfg.output.file)
    exp = Experiment(arms=arms, name=name, question=question, t_end=float(ec.t_end), step=float(ec.step),
                     run_in=float(ec.run_in), report_days=tuple(float(d) for d in ec.report_days))
    options = SolverOptions(rtol=cfg.solver.rtol, atol=cfg.solver.atol, max_steps=cfg.solver.max_steps,
                            method=cfg.solver.method, autonomous=True)
    prov = provenance(cfg)
    out = run_experiment(exp, _patient(cfg), options, provenance={"seed": int(cfg.seed)},
                         measures=tuple(ec.measures))
    labels = list(exp.arms)
    attrs = {**prov, "experiment": exp.name, "question": exp.question}
    path = write_tree(target, result_tree(out.result, labels, out.outcomes, attrs))
    if cfg.output.png:
        from sim.plotting.trajectories import plot_run_summary

        from sim.observe import MEASURES

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


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="config")
def _hydra_main(cfg: DictConfig) -> None:
    out_dir = Path(cfg.output.dir)
    if not out_dir.is_absolute():
        out_dir = Path(hydra.core.hydra_config.HydraConfig.get().runtime.output_dir) / out_dir
    try:
        from sim.sweep.hydra_job import is_sweep

        if is_sweep(cfg):
            from sim.cli.sweep_job import run_sweep_job

            run_sweep_job(cfg)
        elif cfg.experiment.kind == "lesion":
            from sim.lesion import run_from_config

            path = run_from_config({"lesion": OmegaConf.to_container(cfg.lesion, resolve=True)}, out_dir)
            print(f"wrote {path}")
        elif cfg.experiment.kind == "joint":
            run_joint(cfg, out_dir)
        else:
            raise ValueError(f"experiment.kind: {cfg.experiment.kind!r} is not allowed; allowed: joint, lesion")
    except ValueError as exc:  # bad input: a clear message and a non-zero exit, no traceback
        remove_empty_run_dir(Path(hydra.core.hydra_config.HydraConfig.get().runtime.output_dir))
        print(f"sim-run: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except OSError as exc:  # disk full, quota, permissions: one line, temporary files already removed
        remove_empty_run_dir(Path(hydra.core.hydra_config.HydraConfig.get().runtime.output_dir))
        print(f"sim-run: error: {io_error_message(exc)}", file=sys.stderr)
        raise SystemExit(1) from None


def main() -> None:
    sys.argv[1:] = quote_regimen_values(sys.argv[1:])
    if "--help" in sys.argv[1:] or "-h" in sys.argv[1:]:
        def all_(option: str) -> bool:
            return True

        print(app_help("sim-run", __doc__, CONFIG_DIR, "config",
                       {"experiment": lambda o: not o.startswith("trial_"), "model": all_, "patient": all_,
                  "treatment": all_, "solver": all_, "output": all_, "sweep": all_, "launcher": all_}))
        return
    try:  # composition mistakes: one clear line and exit 2, before Hydra makes a run folder
        check_command_line("sim-run", CONFIG_DIR, "config", sys.argv[1:],
                           experiment_ok=lambda name: not name.startswith("trial_"))
    except CommandLineError as exc:
        fail("sim-run", exc)
    _hydra_main()


if __name__ == "__main__":
    main()
