"""Tiny trial designs shared by the trial tests (n <= 20 per arm, follow-up <= 365 days)."""

from sim.trial import Arm, Endpoint, TrialSpec


def tiny_spec(n=6, dropout=0.2, arms=None, days=(91.0, 182.0)):
    arms = arms or {"saline": "saline(ml=4)@0", "msc": "msc(cells=5e7,source=ad,allogeneic=0)@0",
                    "untreated": "none()@0", "untreated_again": "none()@0"}
    return TrialSpec(name="tiny", arms=tuple(Arm(k, v) for k, v in arms.items()), control="saline", n_per_arm=n,
                     follow_up_days=days, endpoints=(Endpoint("WOMAC_total"), Endpoint("VAS_pain", (0, 10))),
                     dropout=dropout)
