"""The clinical evidence the model is judged against: the packaged trial arms and outcomes.

Loaders return tuples of frozen row dataclasses with values as reported; every ``path=None``
argument means the packaged file (``sim/data/trials``). ``python -m sim.evidence`` checks all
packaged data against its manifest and schema.

>>> from sim.evidence import load_arms, load_outcomes
>>> arms = {a.arm_id: a for a in load_arms()}
>>> arms["LAMO2016_MSC100"].regimen.products
('msc', 'ha')
"""

from sim.evidence.study_population import study_kl_range, study_mean_age
from sim.evidence.trials import ArmRow, OutcomeRow, load_arms, load_outcomes

__all__ = ["ArmRow", "OutcomeRow", "load_arms", "load_outcomes", "study_kl_range", "study_mean_age"]
