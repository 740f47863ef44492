"""Trial specification: arms, inclusion profile, follow-up, endpoints, dropout (plain objects).

A :class:`TrialSpec` describes a parallel-group trial the way a protocol does. It is built
from a Hydra config by ``sim-trial``, from an ``arms.csv`` study by
:func:`sim.trial.studies.trial_from_study`, or directly in Python:

>>> spec = TrialSpec(name="kl23", arms=(Arm("saline", "saline(ml=4)@0"),
...                  Arm("msc", "msc(cells=5e7,source=ad,allogeneic=0)@0")), control="saline",
...                  n_per_arm=20, follow_up_days=(182.0, 365.0), endpoints=(Endpoint("WOMAC_total"),))

Every field is validated on construction; bad input raises :class:`TrialSpecError` (a
``ValueError``) that names the field and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from sim.observe import MEASURES
from sim.population import PopulationSpec
from sim.population.profile import checked_number
from sim.regimen import Regimen, RegimenError

__all__ = ["TrialSpecError", "Arm", "Endpoint", "ObservationSpec", "TrialSpec", "DEFAULT_MCID",
           "DEFAULT_NOISE_FRACTION"]


class TrialSpecError(ValueError):
    """Invalid trial specification; the message names the field and what is allowed."""


#: Minimal clinically important improvement, native scale of the measure. VAS 19.9 mm and WOMAC
#: function 9.1/100 (x 68 Likert points): MCII of Tubach F et al. Ann Rheum Dis 2005;64:29-33.
#: Other measures: 12% of the scale range (assumed; between the MCII of pain and function).
DEFAULT_MCID: Mapping[str, float] = MappingProxyType({
    "VAS_pain": 19.9,
    "NRS_pain": 1.99,
    "WOMAC_function": 9.1 * 68.0 / 100.0,
})
DEFAULT_MCID_FRACTION = 0.12

#: Per-visit measurement noise SD of patient-reported measures as a fraction of the scale range.
#: 0.09 (9 mm on a 100-mm VAS): chosen so that, with the placebo variability of
#: :class:`ObservationSpec`, the SD of the 3-month change in a saline arm is close to
#: 12.1 / 0.68 = 17.8 mm (mean change parameters.csv:IA_saline_VAS_3mo divided by the within-arm
#: SMD parameters.csv:IA_saline_SMD_short); imaging, histology and biomarkers: 0 (noise-free).
DEFAULT_NOISE_FRACTION = 0.09


def _finite(name: str, value, lo: float | None = None, hi: float | None = None, *, strict_lo=False) -> float:
    return checked_number(name, value, lo, hi, strict_lo=strict_lo, error=TrialSpecError)


@dataclass(frozen=True)
class Arm:
    """One arm: a label and the regimen every patient of the arm receives."""

    name: str
    regimen: str

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name or "/" in self.name:
            raise TrialSpecError(f"arms: name {self.name!r} is not allowed; allowed: a non-empty label without '/'")
        if not isinstance(self.regimen, (str, Regimen)) or not str(self.regimen).strip():
            raise TrialSpecError(f"arms.{self.name}: empty regimen; allowed: a regimen string such as "
                                 "'saline(ml=4)@0' or 'none()@0'")
        try:
            parsed = self.regimen if isinstance(self.regimen, Regimen) else Regimen.parse(self.regimen)
        except RegimenError as exc:
            raise TrialSpecError(f"arms.{self.name}: {exc}") from None
        object.__setattr__(self, "regimen", str(parsed))


@dataclass(frozen=True)
class Endpoint:
    """A measure reported on a scale, with its MCID (native-scale units of the measure).

    ``scale=None`` means the measure's native scale (``sim.observe.MEASURES``); ``mcid=None``
    takes :data:`DEFAULT_MCID` (or 12% of the native range).
    """

    measure: str
    scale: tuple[float, float] | None = None
    mcid: float | None = None

    def __post_init__(self):
        if self.measure not in MEASURES:
            raise TrialSpecError(f"endpoints.measure: unknown measure {self.measure!r}; allowed: {', '.join(MEASURES)}")
        if self.scale is not None:
            try:
                lo, hi = (float(v) for v in self.scale)
            except (TypeError, ValueError):
                raise TrialSpecError(f"endpoints.{self.measure}.scale: {self.scale!r} is not allowed; "
                                     "allowed: [min, max] with min < max") from None
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise TrialSpecError(f"endpoints.{self.measure}.scale: {self.scale!r} is not allowed; "
                                     "allowed: [min, max] finite with min < max")
            object.__setattr__(self, "scale", (lo, hi))
        mcid = self.default_mcid() if self.mcid is None else self.mcid
        object.__setattr__(self, "mcid", _finite(f"endpoints.{self.measure}.mcid", mcid, 0.0))

    def default_mcid(self) -> float:
        """Documented MCID of the measure on its native scale (else a fixed share of its range)."""
        lo, hi = MEASURES[self.measure].native_scale
        return DEFAULT_MCID.get(self.measure, DEFAULT_MCID_FRACTION * (hi - lo))

    @property
    def label(self) -> str:
        """``measure`` or ``measure[lo-hi]`` when reported on a non-native scale (HDF5/CSV key)."""
        if self.scale is None or self.scale == tuple(float(v) for v in MEASURES[self.measure].native_scale):
            return self.measure
        return f"{self.measure}[{self.scale[0]:g}-{self.scale[1]:g}]"

    @property
    def output_scale(self) -> tuple[float, float]:
        """``(min, max)`` of the reported scale (the native scale unless ``scale`` is given)."""
        return self.scale or tuple(float(v) for v in MEASURES[self.measure].native_scale)

    @property
    def higher_is_better(self) -> bool:
        """True when a higher value of the measure is the better one (e.g. KOOS), False for WOMAC or VAS."""
        return MEASURES[self.measure].higher_is_better

    @property
    def mcid_on_scale(self) -> float:
        """MCID converted to the reported scale."""
        nlo, nhi = MEASURES[self.measure].native_scale
        lo, hi = self.output_scale
        return self.mcid * (hi - lo) / (nhi - nlo)


@dataclass(frozen=True)
class ObservationSpec:
    """Patient-level observation: contextual (placebo) responsiveness and visit noise.

    Attributes
    ----------
    placebo_cv : float
        Log-normal CV of each patient's multiplier (mean 1) of ``SymptomModel.placebo_max``, the
        contextual response (parameters.csv:placebo_ES_pain_OA, IA_saline_VAS_3mo). 0.8 (assumed)
        gives the spread of saline-arm changes (parameters.csv:IA_saline_SMD_short) together with
        the visit noise.
    noise : mapping
        Measure -> per-visit noise SD on the measure's native scale; measures not listed get
        :data:`DEFAULT_NOISE_FRACTION` of their range if patient-reported, else 0.
    """

    placebo_cv: float = 0.8
    noise: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "placebo_cv", _finite("observation.placebo_cv", self.placebo_cv, 0.0, 5.0))
        checked = {}
        for name, sd in dict(self.noise).items():
            if name not in MEASURES:
                raise TrialSpecError(f"observation.noise: unknown measure {name!r}; allowed: {', '.join(MEASURES)}")
            checked[name] = _finite(f"observation.noise.{name}", sd, 0.0)
        object.__setattr__(self, "noise", MappingProxyType(checked))

    def noise_sd(self, measure: str) -> float:
        """Per-visit noise SD of ``measure`` on its native scale.

        Parameters
        ----------
        measure : str
            A measure of :data:`sim.observe.MEASURES`.

        Returns
        -------
        float
            In the measure's native unit; 0 for measures without visit noise.
        """
        if measure in self.noise:
            return self.noise[measure]
        lo, hi = MEASURES[measure].native_scale
        return DEFAULT_NOISE_FRACTION * (hi - lo) if MEASURES[measure].patient_reported else 0.0


@dataclass(frozen=True)
class TrialSpec:
    """A parallel-group trial.

    Attributes
    ----------
    name, question : str
    arms : tuple of Arm
        At least two, unique names.
    control : str
        Comparator arm: every other arm is compared with it.
    n_per_arm : int or mapping
        Randomised patients per arm (one number, or arm name -> n), each > 0.
    follow_up_days : tuple of float
        Visits after day 0 [days]; baseline (day 0) is always observed.
    endpoints : tuple of Endpoint
    dropout : float
        Probability of dropping out before the last visit (exponential time to dropout);
        a dropped-out patient has no value at later visits.
    population : PopulationSpec
    observation : ObservationSpec
    horizon_days : float
        Longest follow-up the simulator is asked to run [days] (default 3650).
    source : str
        Where the design comes from (study id and citation, or "config").
    """

    name: str
    arms: tuple[Arm, ...]
    control: str
    n_per_arm: int | Mapping[str, int]
    follow_up_days: tuple[float, ...]
    endpoints: tuple[Endpoint, ...]
    dropout: float = 0.0
    population: PopulationSpec = field(default_factory=PopulationSpec)
    observation: ObservationSpec = field(default_factory=ObservationSpec)
    question: str = ""
    horizon_days: float = 3650.0
    source: str = "config"

    def __post_init__(self):
        arms = tuple(self.arms)
        if len(arms) < 1:
            raise TrialSpecError("arms: no arms given; allowed: at least one arm (name: regimen)")
        if not all(isinstance(a, Arm) for a in arms):
            raise TrialSpecError("arms: expected Arm objects (name, regimen)")
        names = [a.name for a in arms]
        if len(set(names)) != len(names):
            raise TrialSpecError(f"arms: duplicate arm names in {names}; allowed: unique names")
        object.__setattr__(self, "arms", arms)
        if self.control not in names:
            raise TrialSpecError(f"control: {self.control!r} is not an arm; allowed: {', '.join(names)}")
        n = self.n_per_arm
        n_map = dict(n) if isinstance(n, Mapping) else {a: n for a in names}
        unknown = set(n_map) - set(names)
        if unknown or set(names) - set(n_map):
            raise TrialSpecError(f"n_per_arm: give one number or one per arm ({', '.join(names)}); "
                                 f"unknown: {sorted(unknown)}, missing: {sorted(set(names) - set(n_map))}")
        for arm, value in n_map.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value <= 0:
                raise TrialSpecError(f"n_per_arm.{arm}: {value!r} is not allowed; allowed: an integer > 0")
        object.__setattr__(self, "n_per_arm", MappingProxyType({a: int(n_map[a]) for a in names}))
        horizon = _finite("horizon_days", self.horizon_days, 0.0, strict_lo=True)
        days = tuple(float(d) for d in self.follow_up_days) if self.follow_up_days else ()
        if not days:
            raise TrialSpecError("follow_up_days: empty; allowed: one or more days > 0")
        for d in days:
            _finite("follow_up_days", d, 0.0, strict_lo=True)
            if d > horizon:
                raise TrialSpecError(f"follow_up_days: day {d:g} is beyond the simulated horizon "
                                     f"({horizon:g} days); allowed: 0 < day <= {horizon:g}")
        object.__setattr__(self, "follow_up_days", tuple(sorted(set(days))))
        if not self.endpoints:
            raise TrialSpecError(f"endpoints: empty; allowed: one or more measures of {', '.join(MEASURES)}")
        eps = tuple(e if isinstance(e, Endpoint) else Endpoint(*e) for e in self.endpoints)
        labels = [e.label for e in eps]
        if len(set(labels)) != len(labels):
            raise TrialSpecError(f"endpoints: duplicates in {labels}; allowed: each measure/scale once")
        object.__setattr__(self, "endpoints", eps)
        object.__setattr__(self, "dropout", _finite("dropout", self.dropout, 0.0, 0.95))
        if not isinstance(self.population, PopulationSpec) or not isinstance(self.observation, ObservationSpec):
            raise TrialSpecError("population/observation: expected PopulationSpec and ObservationSpec objects")

    @property
    def arm_names(self) -> tuple[str, ...]:
        """Names of the arms, in order."""
        return tuple(a.name for a in self.arms)

    @property
    def t_end(self) -> float:
        """Last visit [days]."""
        return self.follow_up_days[-1]

    @property
    def comparisons(self) -> tuple[tuple[str, str], ...]:
        """(arm, control) pairs: every arm against the control arm."""
        return tuple((a, self.control) for a in self.arm_names if a != self.control)

    def arm(self, name: str) -> Arm:
        """The arm called ``name``.

        Parameters
        ----------
        name : str

        Returns
        -------
        Arm

        Raises
        ------
        TrialSpecError
            Naming the arms allowed.
        """
        for a in self.arms:
            if a.name == name:
                return a
        raise TrialSpecError(f"arm: {name!r} is not an arm; allowed: {', '.join(self.arm_names)}")

    def endpoint(self, label: str) -> Endpoint:
        """The endpoint with label or measure ``label``.

        Parameters
        ----------
        label : str
            Endpoint label or measure name.

        Returns
        -------
        Endpoint

        Raises
        ------
        TrialSpecError
            Naming the endpoints allowed.
        """
        for e in self.endpoints:
            if label in (e.label, e.measure):
                return e
        raise TrialSpecError(f"endpoint: {label!r} is not an endpoint; allowed: "
                             f"{', '.join(e.label for e in self.endpoints)}")
