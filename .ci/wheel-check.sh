#!/usr/bin/env bash
# Packaging check: build the wheel, install it (not editable) into a fresh virtual environment
# and run each CLI once on a tiny configuration from a folder outside the checkout, so that a
# wheel missing its configs or data fails CI. The fresh environment borrows the dependencies
# already installed in .venv (one path line) instead of downloading them again; `pip check`
# still verifies that the wheel's declared requirements are met.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
py="${SIM_PYTHON:-$repo/.venv/bin/python}"
work="$(mktemp -d -t sim-wheel-XXXXXX)"
trap 'rm -rf "$work"' EXIT

# Build from a clean copy of the working tree (tracked and new files, links kept), so that no
# stale build/ folder of the checkout leaks into the wheel and the checkout stays untouched.
mkdir "$work/src"
git -C "$repo" ls-files -co --exclude-standard -z | tar -C "$repo" --null -T - -cf - | tar -C "$work/src" -xf -
"$py" -m pip wheel -q --no-deps -w "$work/dist" "$work/src"
"$py" -m venv "$work/venv"
deps="$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
fresh="$("$work/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$deps" > "$fresh/sim_ci_dependencies.pth"
"$work/venv/bin/pip" install -q --no-deps --no-index "$work"/dist/sim-*.whl
"$work/venv/bin/pip" check

cd "$work"
bin="$work/venv/bin"
export NUMBA_NUM_THREADS="${NUMBA_NUM_THREADS:-2}" MPLBACKEND=Agg
installed="$("$bin/python" -c 'import sim, pathlib; print(pathlib.Path(sim.__file__).parent)')"
case "$installed" in
  "$fresh"/*) ;;
  *) echo "wheel-check: sim imported from $installed, not from the fresh environment" >&2; exit 1 ;;
esac

"$bin/sim-run" hydra.run.dir=run experiment.t_end=91 'experiment.report_days=[28,91]' \
  'regimen=msc(cells=1e8,source=bm,allogeneic=0)@0'
test -s run/result.h5
"$bin/sim-trial" hydra.run.dir=trial study=LAMO2016 trial.n_per_arm=4 replicates=2
test -s trial/trial.h5
# each app finds its own experiments and debug options, and the shared groups, in the wheel
"$bin/sim-trial" hydra.run.dir=trial_experiment experiment=kl23_ad_msc debug=default
ls trial_experiment/*.h5 >/dev/null
"$bin/sim-calibrate" debug=default --cfg job | grep -q "n_steps: 2"
"$bin/sim-validate" --arms "$installed/data/trials/arms.csv" --outcomes "$installed/data/trials/outcomes.csv" \
  --n-sim 2 --draws 1 --out predictions.csv
test -s predictions.csv
"$bin/sim-run" +sweep=dose_adjuvant experiment.t_end=91 'experiment.report_days=[91]'
test -s sweeps/dose_adjuvant/aggregate.h5
"$bin/sim-sweep-status" sweeps/dose_adjuvant
echo "wheel-check: the installed wheel runs sim-run, sim-trial (a study and a named experiment), sim-validate and a sweep, and composes sim-calibrate"
