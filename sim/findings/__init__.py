"""The seed findings F1-F18 of the origin review as replicas of the original studies.

>>> from sim.findings import get_findings, run_findings
>>> [res] = run_findings(get_findings(["F8"]), replicates=50)
>>> round(res.probability, 2)  # doctest: +SKIP
"""

from sim.findings.catalog import FINDINGS, FINDINGS_BY_ID, get_findings
from sim.findings.design import Arm, Finding, FindingError, Relation, StudyDesign
from sim.findings.evaluate import (
    DEFAULT_POOL,
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    FindingResult,
    RelationResult,
    run_finding,
)
from sim.findings.evidence import MECHANISMS, run_findings
from sim.findings.pools import PoolSet

__all__ = ["Arm", "DEFAULT_POOL", "DEFAULT_REPLICATES", "DEFAULT_SEED", "FINDINGS",
           "FINDINGS_BY_ID", "Finding", "FindingError", "FindingResult", "MECHANISMS", "PoolSet", "Relation",
           "RelationResult", "StudyDesign", "get_findings", "run_finding", "run_findings"]
