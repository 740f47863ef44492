"""Tiny hand-made trial files in the shared schema (never seen by the calibration)."""

import pytest

ARMS_HEADER = ("study_id,arm_id,arm_label,species,design,n_arm,population,kl_min,kl_max,age_mean,regimen,"
               "citation,doi_or_pmid,source_url,notes\n")
OUT_HEADER = ("arm_id,measure,scale_min,scale_max,higher_is_better,timepoint_days,statistic,value,spread_type,"
              "spread,vs_arm_id,n,confidence,source_url,notes\n")


def arm(arm_id, regimen, n="30"):
    return f'TINY,{arm_id},{arm_id},human,rct,{n},KL 2-3,2,3,62,"{regimen}",Tiny trial,none,none,\n'


ARMS = ARMS_HEADER + arm("TINY_SAL", "saline(ml=4)@0") + arm("TINY_MSC", "msc(cells=?,source=ad,allogeneic=0)@0")
OUTCOMES = OUT_HEADER + "".join([
    "TINY_SAL,WOMAC_total,0,96,FALSE,0,mean,40,SD,15,,,table,none,\n",
    "TINY_SAL,WOMAC_total,0,96,FALSE,182,mean,34,SD,15,,,table,none,\n",
    "TINY_MSC,WOMAC_total,0,96,FALSE,0,mean,41,SD,15,,,table,none,\n",
    "TINY_MSC,WOMAC_total,0,96,FALSE,182,mean,30,SD,15,,,table,none,\n",
    "TINY_MSC,VAS_pain,0,10,FALSE,182,mean_change_from_baseline,-2.0,SE,0.4,,,table,none,\n",
    "TINY_MSC,VAS_pain,0,10,FALSE,182,mean_difference_vs_control,-0.8,CI95,-1.6;0.0,TINY_SAL,,table,none,\n",
    "TINY_MSC,Tegner,0,10,TRUE,182,mean,4,SD,1,,,table,none,\n",
    "TINY_MSC,WOMAC_total,0,96,FALSE,,mean,33,SD,15,,,table,none,\n",
    "TINY_MSC,responder_rate,,,TRUE,182,percent,55,none,,,,table,none,\n",
])


@pytest.fixture
def tiny_files(tmp_path):
    a, o = tmp_path / "arms.csv", tmp_path / "outcomes.csv"
    a.write_text(ARMS)
    o.write_text(OUTCOMES)
    return a, o
