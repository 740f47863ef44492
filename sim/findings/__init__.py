"""The seed findings F1-F18 of the origin review as declared virtual experiments.

>>> from sim.findings import get_findings, run_finding
>>> res = run_finding(get_findings(["F8"])[0], n=50)
>>> [r.relation for r in res.relations if not r.reproduced]  # doctest: +SKIP
"""

from sim.findings.catalog import FINDINGS, FINDINGS_BY_ID, get_findings
from sim.findings.evaluate import DEFAULT_SEED, FindingResult, RelationResult, run_finding, run_findings
from sim.findings.measures import EXTRA_MEASURES, measure_values
from sim.findings.spec import Arm, Finding, FindingError, Population, Relation

__all__ = ["Arm", "DEFAULT_SEED", "EXTRA_MEASURES", "FINDINGS", "FINDINGS_BY_ID", "Finding", "FindingError",
           "FindingResult", "Population", "Relation", "RelationResult", "get_findings", "measure_values",
           "run_finding", "run_findings"]
