"""Packaged data: integrity (manifest), schema validation, and clear errors on bad user files."""

import csv
import re
import shutil

import pytest

from sim.data import (
    DataError,
    load_parameters_table,
    load_pooled,
    load_retention,
    packaged_path,
    verify_manifest,
)
from sim.data import (
    trial_schema as schema,
)
from sim.data.manifest import DATA_FILES, file_digests
from sim.evidence import load_arms, load_outcomes
from sim.regimen import Regimen


def test_manifest_matches_packaged_files():
    assert verify_manifest() == []
    assert set(file_digests()) == set(DATA_FILES)


def test_packaged_counts_match_readme():
    arms = load_arms()
    assert len(arms) == 77 and len({a.study_id for a in arms}) == 29
    assert len(load_outcomes()) == 227
    pooled = load_pooled()
    assert len(pooled) == 62 and len({p.study_id for p in pooled}) == 18
    assert len(load_retention()) == 9
    assert len(load_parameters_table()) == 91


def _readme_table(heading):
    text = packaged_path("trials/README.md").read_text(encoding="utf-8")
    block = text.split(heading + "\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
    rows = [re.match(r"\| (\S+) \| (.*) \|$", line) for line in block.splitlines()]
    return {m[1]: m[2] for m in rows if m and m[1] not in ("measure", "statistic", "---")}


def test_vocabularies_match_readme():
    assert dict(schema.MEASURES) == _readme_table("### measure")
    assert dict(schema.STATISTICS) == _readme_table("### statistic (outcomes.csv)")
    assert dict(schema.POOLED_STATISTICS) == _readme_table("### statistic (pooled.csv)")


def test_rows_are_typed_as_reported():
    arms = {a.arm_id: a for a in load_arms()}
    lamo = arms["LAMO2016_MSC100"]
    assert isinstance(lamo.regimen, Regimen) and lamo.regimen.products == ("msc", "ha")
    assert lamo.n_arm == 10 and lamo.kl_min == 2 and lamo.kl_max == 4 and lamo.age_mean == 61.6
    assert any(a.regimen_incomplete for a in arms.values())
    assert arms["LUBIS2023_CON"].regimen == Regimen()
    out = load_outcomes()
    first = out[0]
    assert (first.arm_id, first.statistic, first.value, first.spread_type, first.spread) == \
        ("LAMO2016_HA", "median", 5.0, "IQR", (3.0, 7.0))
    assert first.scale == (0.0, 10.0) and first.higher_is_better is False
    md = [o for o in out if o.statistic == "mean_difference_vs_control"]
    assert md and all(o.vs_arm_id in arms for o in md)
    pooled = load_pooled()
    assert {p.confidence for p in pooled} == {"table", "abstract"}
    windows = {p.timepoint_days for p in pooled}
    assert (0.0, 182.0) in windows and (91.0, 182.0) in windows and (365.0, 365.0) in windows
    assert pooled[0].treatment == "msc" and pooled[0].comparator == "control"
    table = load_parameters_table()
    assert table["msc_frac_in_joint_1mo"].value == 0.15
    assert table["SF_IL1b_knee_OA"].value is None  # 'NA' as reported
    ret = load_retention()
    assert sum(r.fraction_remaining is not None for r in ret) == 4


def test_unknown_parameter_lists_valid_names():
    table = load_parameters_table()
    with pytest.raises(KeyError) as info:
        table["msc_frac_in_joint"]
    assert isinstance(info.value, ValueError)
    assert "unknown parameter 'msc_frac_in_joint'" in str(info.value)
    assert "msc_frac_in_joint_1mo" in str(info.value)
    assert table.get("nope") is None


# --- user files ---------------------------------------------------------------------------------

def _copy_trials(tmp_path):
    for name in ("arms.csv", "outcomes.csv", "pooled.csv"):
        shutil.copy(packaged_path(f"trials/{name}"), tmp_path / name)
    for name in ("retention.csv", "parameters.csv"):
        shutil.copy(packaged_path(f"mechanisms/{name}"), tmp_path / name)
    return tmp_path


def _edit(path, row_index, **changes):
    """Change fields of data row ``row_index`` (0-based) of a CSV file in place."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    for key, value in changes.items():
        rows[1 + row_index][header.index(key)] = value
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


def test_user_files_load_like_packaged(tmp_path):
    d = _copy_trials(tmp_path)
    assert load_arms(d / "arms.csv") == load_arms()
    assert load_outcomes(d / "outcomes.csv") == load_outcomes()  # arms.csv beside it
    assert load_outcomes(d / "outcomes.csv", arms=load_arms()) == load_outcomes()
    assert load_pooled(d / "pooled.csv") == load_pooled()
    assert load_retention(d / "retention.csv") == load_retention()
    assert dict(load_parameters_table(d / "parameters.csv")) == dict(load_parameters_table())


BROKEN = [
    # file, row (0-based data row), changes, field named in the error, fragment of the message
    ("arms.csv", 0, {"design": "RCT"}, "design", "allowed: rct, nonrandomised, cohort, animal"),
    ("arms.csv", 1, {"species": "rat"}, "species", "allowed: human, sheep"),
    ("arms.csv", 2, {"arm_id": "LAMO2015_MSC100"}, "arm_id", "must start with study_id"),
    ("arms.csv", 2, {"arm_id": "LAMO2016_HA"}, "arm_id", "duplicate arm_id"),
    ("arms.csv", 0, {"regimen": "ha(mg=60,form=gel)@0"}, "regimen", "allowed: linear, crosslinked, unknown"),
    ("arms.csv", 0, {"n_arm": "ten"}, "n_arm", "an integer >= 1 or empty"),
    ("arms.csv", 0, {"kl_min": "5"}, "kl_min", "<= 4"),
    ("arms.csv", 0, {"kl_min": "4", "kl_max": "2"}, "kl_max", "kl_min 4 > kl_max 2"),
    ("arms.csv", 0, {"age_mean": "nan"}, "age_mean", "finite number"),
    ("outcomes.csv", 0, {"measure": "WOMAC_totl"}, "measure", "allowed: WOMAC_total, WOMAC_pain"),
    ("outcomes.csv", 0, {"statistic": "avg"}, "statistic", "allowed: mean, median"),
    ("outcomes.csv", 0, {"spread_type": "SEM"}, "spread_type", "allowed: SD, SE, IQR, CI95, none"),
    ("outcomes.csv", 0, {"spread": "3-7"}, "spread", "'low;high'"),
    ("outcomes.csv", 0, {"spread": "7;3"}, "spread", "low > high"),
    ("outcomes.csv", 0, {"spread": "6;7"}, "spread", "does not contain the median"),
    ("outcomes.csv", 0, {"spread_type": "SD", "spread": "-1"}, "spread", ">= 0"),
    ("outcomes.csv", 0, {"spread_type": "none"}, "spread", "allowed: empty"),
    ("outcomes.csv", 0, {"higher_is_better": "yes"}, "higher_is_better", "allowed: TRUE, FALSE"),
    ("outcomes.csv", 0, {"arm_id": "NOPE_X"}, "arm_id", "not an arm_id of the arms file"),
    ("outcomes.csv", 0, {"vs_arm_id": "LAMO2016_MSC10"}, "vs_arm_id", "only allowed for statistic"),
    ("outcomes.csv", 0, {"statistic": "mean_difference_vs_control"}, "vs_arm_id", "required"),
    ("outcomes.csv", 0, {"confidence": "figure"}, "confidence", "allowed: table, secondary, abstract"),
    ("outcomes.csv", 0, {"scale_max": ""}, "scale_max", "both be given"),
    ("outcomes.csv", 0, {"value": "12", "spread": "11;13"}, "value", "outside the stated scale"),
    ("pooled.csv", 0, {"comparison": "MSC versus control"}, "comparison", "'A vs B' in lower case"),
    ("pooled.csv", 0, {"timepoint_days": "3 months"}, "timepoint_days", "a range 'a-b'"),
    ("pooled.csv", 0, {"statistic": "mean"}, "statistic", "allowed: MD, SMD, ES"),
    ("pooled.csv", 0, {"ci_low": "-1", "ci_high": "5"}, "ci_low", "does not contain the value"),
    ("pooled.csv", 0, {"ci_high": ""}, "ci_high", "both be given"),
    ("pooled.csv", 0, {"notes": "abstract values"}, "notes", "confidence: X."),
    ("retention.csv", 0, {"fraction_remaining": "15"}, "fraction_remaining", "<= 1"),
    ("retention.csv", 0, {"confidence": "guess"}, "confidence", "allowed: abstract, table, derived"),
    ("parameters.csv", 1, {"name": "msc_frac_in_joint_1mo"}, "name", "duplicate name"),
    ("parameters.csv", 0, {"value": "n/a"}, "value", "or NA"),
]


@pytest.mark.parametrize("name,row,changes,field,fragment", BROKEN)
def test_broken_user_file_names_file_row_field(tmp_path, name, row, changes, field, fragment):
    d = _copy_trials(tmp_path)
    _edit(d / name, row, **changes)
    loader = {"arms.csv": load_arms, "outcomes.csv": load_outcomes, "pooled.csv": load_pooled,
              "retention.csv": load_retention, "parameters.csv": load_parameters_table}[name]
    with pytest.raises(DataError) as info:
        loader(d / name)
    assert isinstance(info.value, ValueError)
    issue = info.value.issues[0]
    assert (issue.file, issue.row, issue.field) == (name, row + 2, field)
    assert fragment in issue.message
    assert f"{name} row {row + 2}, field '{field}'" in str(info.value)


def test_all_problems_reported_together(tmp_path):
    d = _copy_trials(tmp_path)
    _edit(d / "arms.csv", 0, design="RCT")
    _edit(d / "arms.csv", 5, species="dog", n_arm="-3")
    with pytest.raises(DataError) as info:
        load_arms(d / "arms.csv")
    assert [(i.row, i.field) for i in info.value.issues] == [(2, "design"), (7, "species"), (7, "n_arm")]


def test_header_problems(tmp_path):
    d = _copy_trials(tmp_path)
    text = (d / "arms.csv").read_text(encoding="utf-8")
    (d / "bad_header.csv").write_text(text.replace("design,", "desing,", 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"missing column\(s\) design; unknown column\(s\) 'desing'"):
        load_arms(d / "bad_header.csv")
    (d / "short.csv").write_text(text.splitlines()[0] + "\nLAMO2016,LAMO2016_X\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 2: 2 fields, header has 15"):
        load_arms(d / "short.csv")
    with pytest.raises(DataError, match="file not found"):
        load_arms(d / "missing.csv")
    (d / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="empty file"):
        load_arms(d / "empty.csv")


def test_outcomes_without_arms_beside_needs_arms_argument(tmp_path):
    shutil.copy(packaged_path("trials/outcomes.csv"), tmp_path / "outcomes.csv")
    with pytest.raises(DataError, match="pass arms="):
        load_outcomes(tmp_path / "outcomes.csv")
    assert len(load_outcomes(tmp_path / "outcomes.csv", arms=packaged_path("trials/arms.csv"))) == 227


def test_byte_order_mark_is_accepted(tmp_path):
    raw = packaged_path("trials/arms.csv").read_bytes()
    (tmp_path / "arms.csv").write_bytes(b"\xef\xbb\xbf" + raw)
    assert load_arms(tmp_path / "arms.csv") == load_arms()


def test_a_studys_mean_age_weights_its_arms_by_size_wherever_it_is_read():
    from sim.calibration.targets import build_targets
    from sim.evidence import study_kl_range, study_mean_age
    from sim.trial.studies import trial_from_study

    arms = load_arms()
    kuah = [a for a in arms if a.study_id == "KUAH2018"]
    assert [(a.age_mean, a.n_arm) for a in kuah] == [(55.0, 4), (50.8, 8), (55.0, 8)]
    assert study_mean_age(kuah) == pytest.approx((55.0 * 4 + 50.8 * 8 + 55.0 * 8) / 20)
    # Arms that state no size count as arms of the mean stated size.
    gupta = [a for a in arms if a.study_id == "GUPTA2016"]
    assert study_mean_age(gupta) == pytest.approx((4 * 57.7 + 54.9) / 5)
    assert study_mean_age([a for a in arms if a.age_mean is None][:1]) is None
    assert study_kl_range(kuah) == next((a.kl_min, a.kl_max) for a in kuah if a.kl_min is not None)
    # sim-trial's study populations and the calibration's cohorts agree.
    _, _, cohorts = build_targets(arms, load_outcomes())
    cohort = next(c for c in cohorts if c.study == "KUAH2018")
    assert cohort.age_mean == pytest.approx(trial_from_study("KUAH2018").population.age_mean, abs=1e-3)
