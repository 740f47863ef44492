"""Species presets: joint size, clearance, tissue time scales and how the disease is induced.

Human knees progress slowly by Kellgren-Lawrence grade (the patient's KL grade sets the
initial cartilage). Animal studies induce OA surgically or chemically before the first
injection; the induction is a set of state jumps (an event) applied at ``induction_day``.
Biological times scale with body mass to the power 1/4 (allometry, Lindstedt & Calder 1981);
joint-fluid volumes of animals are assumed orders of magnitude where no row of
``parameters.csv`` gives them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Peak tibial contact stress after a total medial meniscectomy relative to the intact knee,
#: measured in 7 human cadaver knees under simulated walking: the peak load of the posterior
#: medial plateau rose by 120% (https://pmc.ncbi.nlm.nih.gov/articles/PMC4339622, abstract). The
#: knee model's ``load_factor`` multiplies the stress on the diseased compartment, so the rat's
#: total medial meniscectomy takes this ratio.
MENISCECTOMY_STRESS_RATIO = 2.2

#: Linear dimensions of mammalian limb bones scale with body mass to the power 0.35 (lengths) and
#: 0.36 (diameters), measured over 37 species from shrews to the elephant (Alexander, Jayes,
#: Maloiy & Wathuta 1979, J Zool 189:305), so the joint's surfaces (synovium, articular
#: cartilage) scale with mass^0.7.
JOINT_AREA_EXPONENT = 0.7
#: Reference knee of the parameter table: a 70-kg human's, synovial fluid 6.7 mL
#: (parameters.csv:sf_volume_control_knee).
HUMAN_BODY_MASS_KG = 70.0
HUMAN_EFFUSION_ML = 6.7
#: Amounts the parameter table states per human knee, and how a smaller knee holds them. Cell
#: numbers that set a density (half-maximal differentiation, niche capacity, crowding, repair
#: per differentiated cell) and the endogenous MSCs platelet factors mobilise from the synovium
#: scale with the joint's surface; the secretome and HA act through their concentration in the
#: joint fluid, so the amount giving half the effect scales with its volume. Concentration-based
#: terms (platelet factors, corticosteroid, proteins) already divide by the fluid volume.
SURFACE_SCALED = ("K_msc_density", "K_msc_niche", "K_msc_crowding", "K_repair_cells", "k_prp_msc_recruitment")
FLUID_SCALED = ("K_secretome", "K_ha")

# Affine jumps (state, multiply, add) of each induction model. The meniscectomy's load factor is
# sourced (above); the other magnitudes are assumed, chosen so that a month later the knee shows
# OARSI-grade damage typical of the model.
INDUCTIONS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "none": (),
    # Total medial meniscectomy: loss of load sharing plus surgical synovitis.
    "meniscectomy": (("load_factor", MENISCECTOMY_STRESS_RATIO, 0.0), ("fragments", 1.0, 4.0),
                     ("collagen", 0.97, 0.0)),
    # Meniscectomy followed by walking on a hard surface (the ovine model of F1 [5]): more load
    # and trauma, scaled so that an HA-treated knee about two months after surgery shows defects
    # around a third of the cartilage depth, as the review reports.
    "meniscectomy_hard_surface": (("load_factor", 1.8, 0.0), ("fragments", 1.0, 6.0), ("collagen", 0.85, 0.0),
                                  ("aggrecan", 0.7, 0.0)),
    # Anterior cruciate ligament transection: instability raises load less, synovitis similar.
    "aclt": (("load_factor", 1.3, 0.0), ("fragments", 1.0, 4.0)),
    # Mono-iodoacetate: chondrocyte death and synovitis without mechanical change.
    "mia": (("chondrocytes", 0.5, 0.0), ("fragments", 1.0, 5.0), ("aggrecan", 0.8, 0.0)),
    # Collagenase: direct matrix digestion.
    "collagenase": (("collagen", 0.9, 0.0), ("aggrecan", 0.7, 0.0), ("fragments", 1.0, 3.0)),
}


@dataclass(frozen=True)
class Species:
    """Species-level settings applied on top of the parameter defaults."""

    name: str
    body_mass_kg: float
    effusion_healthy_ml: float
    induction: str
    induction_day: float
    source: str

    @property
    def rel_turnover(self) -> float:
        """Speed of biological processes relative to a 70-kg human (mass^-1/4)."""
        return (self.body_mass_kg / HUMAN_BODY_MASS_KG) ** -0.25

    @property
    def rel_joint_surface(self) -> float:
        """Joint surface relative to a 70-kg human knee ((mass / 70 kg)^0.7, :data:`JOINT_AREA_EXPONENT`)."""
        return (self.body_mass_kg / HUMAN_BODY_MASS_KG) ** JOINT_AREA_EXPONENT

    @property
    def rel_joint_fluid(self) -> float:
        """Synovial fluid volume of a quiet knee relative to a human's (:data:`HUMAN_EFFUSION_ML`)."""
        return self.effusion_healthy_ml / HUMAN_EFFUSION_ML

    def joint_size_factors(self) -> dict[str, float]:
        """Multipliers of the per-knee amounts (:data:`SURFACE_SCALED`, :data:`FLUID_SCALED`).

        Applied to the patient's values after the calibrated defaults (a calibrated amount is a
        human knee's); none for humans, whose knee is the reference.

        Returns
        -------
        dict of str to float
        """
        if self.name == "human":
            return {}
        factors = {n: self.rel_joint_surface for n in SURFACE_SCALED}
        factors.update({n: self.rel_joint_fluid for n in FLUID_SCALED})
        return factors

    def parameter_overrides(self) -> dict[str, float]:
        """Parameter values this species changes (volumes, clearances, time scales)."""
        from sim.model.parameters import PARAMETERS

        default = {q.name: q.default for q in PARAMETERS}
        scale_volume = self.effusion_healthy_ml / default["effusion_healthy"]
        # Clearance rate constants (clearance/volume) speed up like other biological rates.
        return {
            "rel_turnover": self.rel_turnover,
            "effusion_healthy": self.effusion_healthy_ml,
            "clearance_protein": default["clearance_protein"] * scale_volume * self.rel_turnover,
            "clearance_small_molecule": default["clearance_small_molecule"] * scale_volume * self.rel_turnover,
        }


SPECIES: dict[str, Species] = {
    "human": Species("human", 70.0, 6.7, "none", 0.0,
                     "parameters.csv:sf_volume_control_knee; natural progression by KL grade"),
    "sheep": Species("sheep", 60.0, 3.0, "meniscectomy_hard_surface", -28.0,
                     "assumed: ovine stifle fluid of a few mL; meniscectomy + hard-surface walking (F1 [5])"),
    "rabbit": Species("rabbit", 3.0, 0.3, "aclt", -28.0,
                      "assumed: rabbit knee fluid ~0.3 mL; ACLT model (F4)"),
    "rat": Species("rat", 0.3, 0.03, "meniscectomy", -28.0,
                   "assumed: rat knee fluid ~30 uL; meniscectomy model (retention.csv LI2016)"),
}


def get_species(name: str) -> Species:
    """Look up a species preset; unknown names raise and list the valid ones."""
    try:
        return SPECIES[name]
    except KeyError:
        raise ValueError(f"species: unknown species {name!r}; allowed: {', '.join(SPECIES)}") from None


def induction_jumps(kind: str) -> tuple[tuple[str, float, float], ...]:
    """State jumps of an OA induction model; unknown kinds raise and list the valid ones."""
    try:
        return INDUCTIONS[kind]
    except KeyError:
        raise ValueError(f"induction: unknown induction {kind!r}; allowed: {', '.join(INDUCTIONS)}") from None
