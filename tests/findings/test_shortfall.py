"""Why a finding is not reproduced: each cause is read off the replica numbers, never written by hand."""

import numpy as np
import pytest

from sim.findings import FindingResult, Relation, RelationResult, get_findings
from sim.findings.shortfall import finding_shortfall, relation_cause, relation_shortfall


def _result(op, probability, p_sig, model_diff, mcid=float("nan"), sd=5.0):
    rel = Relation("A", op, "B", "WOMAC_total", 182)
    holds = np.arange(100) < round(100 * probability)
    return RelationResult("FX", rel, "points", 10, 10, "welch", probability, p_sig, model_diff, model_diff - 1,
                          model_diff + 1, model_diff, mcid, holds, sd)


@pytest.mark.parametrize("args, cause", [
    (("<", 0.9, 0.9, -20.0, 11.5), ""),                        # reproduced: no cause
    (("<", 0.1, 0.1, 3.0, 11.5), "opposite"),                  # the model says the other way
    ((">", 0.1, 0.1, 0.0), "opposite"),                        # or no difference at all
    (("<", 0.1, 0.6, -5.0, 11.5), "below MCID"),               # significant but clinically too small
    (("<", 0.3, 0.4, -12.0, 11.5), "reaches MCID rarely"),     # large enough, too rarely together with the test
    (("<", 0.2, 0.2, -1.0), "not significant"),           # no MCID: small next to the SD
    (("~", 0.3, 0.7, -4.0), "differs"),                        # a "~" the model tells apart
    (("<", 0.0, 0.0, float("nan")), "no result"),              # every solve of an arm failed
])
def test_each_cause_from_the_numbers(args, cause):
    r = _result(*args)
    assert relation_cause(r) == cause
    assert relation_shortfall(r).startswith(cause) if cause else relation_shortfall(r) == ""


def test_spread_line_gives_the_difference_in_sds():
    line = relation_shortfall(_result("<", 0.1, 0.1, -1.0, sd=4.0))
    assert "= 0.25 SD of 4" in line and "at n 10/10" in line


def test_finding_summary_counts_causes_and_names_the_worst():
    f = get_findings(["F8"])[0]
    rels = (_result("<", 0.1, 0.5, -5.0, 11.5), _result("<", 0.02, 0.3, -2.0, 11.5), _result("<", 0.2, 0.2, -1.0),
            _result("<", 0.9, 0.9, -20.0, 11.5))
    fr = FindingResult(f, rels, 100, 0.0)
    text = finding_shortfall(fr)
    assert text.startswith("below MCID 2/4; not significant 1/4")
    assert "model -2 points" in text  # the below-MCID relation with the lowest probability
    assert finding_shortfall(FindingResult(f, rels[3:], 100, 0.9)) == ""
    together = finding_shortfall(FindingResult(f, (rels[3], rels[3]), 100, 0.3))
    assert together.startswith("rarely together") and "30%" in together
