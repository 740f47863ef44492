"""Parameters of the lesion agent-based model, declared once as a table.

Every row is ``(name, default, unit, low, high, description, source)``. Sources name a row of
the project's mechanism table (``parameters.csv``: ``prior_cell_motility_model``,
``msc_doubling_time_BM``, ...) or a section of the model review (A1 Lutianov 2011, A2 Campbell
2019, A4 Surulescu taxis, C1 Graham RDD, 5.3 ABM notes); "assumed" always comes with a reason.

Units inside the model: millimetres, days, cells, and dimensionless field levels where 1 is
the healthy joint-fluid reference (the same normalisation as the joint model). Every time is
in days and every rate in 1/day, half-lives of hours included (2 h is written ``2.0 / 24.0``
day, so the table keeps the hours of its sources readable).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

__all__ = ["PARAMETERS", "FIELD_NAMES", "CELL_KINDS", "LesionParams", "LesionParameterError"]

#: Diffusing fields, in kernel order. Names are what configs, results and plots use.
FIELD_NAMES: tuple[str, ...] = ("sdf", "il1", "anti", "tgfb")
#: Agent kinds, in kernel order (the integer code is the index).
CELL_KINDS: tuple[str, ...] = ("msc", "chondrocyte", "marrow")

_LN2 = math.log(2.0)

# name, default, unit, low, high, description, source
PARAMETERS: tuple[tuple[Any, ...], ...] = (
    # --- field transport (diffusivity in cartilage, first-order decay) --------------------
    ("D_sdf", 1.0, "mm^2/day", 1e-3, 50.0,
     "Diffusivity of the SDF-1-like damage/chemoattractant signal in tissue",
     "assumed: ~12 um^2/s, typical of 8-30 kDa solutes in cartilage (5.3 ABM notes, Travascio "
     "2020 FRAP range; values not extracted)"),
    ("D_il1", 0.8, "mm^2/day", 1e-3, 50.0,
     "Diffusivity of the IL-1beta-like pro-inflammatory signal in tissue",
     "assumed: 17 kDa protein, as D_sdf (5.3 ABM notes; B4 Kar 2016 transport in hours)"),
    ("D_anti", 0.8, "mm^2/day", 1e-3, 50.0,
     "Diffusivity of the anti-inflammatory/paracrine signal (IL-1Ra-, TSG-6-like)",
     "assumed: as D_il1 (similar molecular size)"),
    ("D_tgfb", 0.6, "mm^2/day", 1e-3, 50.0,
     "Diffusivity of the TGF-beta-like anabolic signal",
     "assumed: 25 kDa dimer, slightly slower than D_il1"),
    # Half-lives: 2 h by default, bounds 0.05 h .. 240 h (10 days).
    ("half_life_sdf", 2.0 / 24.0, "day", 0.05 / 24.0, 10.0,
     "Tissue half-life of the chemoattractant signal",
     "assumed: of the order of protein_SF_halflife_DERIVED_latent_OA (1.78 h)"),
    ("half_life_il1", 2.0 / 24.0, "day", 0.05 / 24.0, 10.0,
     "Tissue half-life of the pro-inflammatory signal",
     "protein_SF_halflife_DERIVED_latent_OA (1.78 h), rounded to 2 h; receptor uptake ignored"),
    ("half_life_anti", 2.0 / 24.0, "day", 0.05 / 24.0, 10.0,
     "Tissue half-life of the anti-inflammatory signal",
     "protein_SF_halflife_DERIVED_latent_OA, as half_life_il1"),
    ("half_life_tgfb", 2.0 / 24.0, "day", 0.05 / 24.0, 10.0,
     "Tissue half-life of the active TGF-beta signal",
     "protein_SF_halflife_DERIVED_latent_OA, as half_life_il1"),
    ("rel_D_bone", 0.5, "1", 0.0, 1.0, "Diffusivity in subchondral bone relative to cartilage",
     "assumed: mineralised bone hinders transport; marrow spaces keep it open"),
    # --- field sources ----------------------------------------------------------------------
    ("s_sdf_damage", 8.3, "1/day", 0.0, 1e3,
     "SDF-1-like release per unit of missing matrix in a defect voxel",
     "assumed: equals the decay rate, so an empty voxel alone sustains level ~1 (5.3 ABM notes: "
     "SDF-1/damage gradients drive homing)"),
    ("s_anti_msc", 2.0, "1/day per cell/voxel-ref", 0.0, 1e3,
     "Paracrine anti-inflammatory secretion per MSC (unlicensed)",
     "assumed: per-cell paracrine output in vivo is unknown (review section 8, item 2)"),
    ("alpha_licensing", 9.0, "1", 0.0, 100.0,
     "Maximal extra fold-change of MSC secretion under inflammation (licensing)",
     "msc_pge2_fold_upon_PBMC_coculture: PGE2 x10 -> alpha = 9"),
    ("K_licensing", 1.0, "1", 1e-3, 100.0, "Pro-inflammatory level giving half-maximal licensing",
     "assumed: licensing half-maximal at the healthy reference level"),
    ("s_tgfb_chondro", 1.0, "1/day per cell/voxel-ref", 0.0, 1e3,
     "TGF-beta-like secretion per chondrocyte (MSC-chondrocyte crosstalk)",
     "A2 Campbell 2019 growth-factor crosstalk; magnitude assumed (weakly identified there)"),
    # --- cells: motility and adhesion -------------------------------------------------------
    ("D_msc", 8.64e-4, "mm^2/day", 0.0, 1e-1, "Random motility of MSC and marrow-derived agents",
     "prior_cell_motility_model (8.64e-5 mm^2/day, fibroblasts) x10, assumed: MSCs in a "
     "fibrin-filled defect migrate faster; bounds span the prior"),
    ("chi_sdf", 5.0, "1", 0.0, 100.0,
     "Chemotactic sensitivity: jump weight exp(chi * level difference) toward SDF-1",
     "A4 Surulescu taxis (continuum limit of a biased walk); magnitude assumed"),
    ("rel_motility_matrix", 0.9, "1", 0.0, 1.0,
     "Fractional loss of motility in fully matrix-filled voxels",
     "assumed: dense matrix hinders migration (A1 Lutianov D_s(m))"),
    ("p_adhesion", 0.5, "1", 0.0, 1.0, "Probability an arriving MSC attaches in the defect",
     "assumed: Koga 2008 adhesion over minutes not verified (review section 9)"),
    ("k_washout", 0.2, "1/day", 0.0, 100.0,
     "Detachment of progenitors from voxels open to the joint fluid",
     "assumed: reconciles fast early loss of injected cells (msc_frac_in_joint_1mo)"),
    # --- cells: proliferation, differentiation, death ----------------------------------------
    ("t_double_msc", 2.55, "day", 0.5, 100.0, "Population doubling time of MSCs (in vitro)",
     "msc_doubling_time_BM (61.2 h)"),
    ("rel_prolif_in_vivo", 0.25, "1", 0.0, 1.0,
     "In-vivo proliferation relative to culture",
     "assumed: msc_doubling_time_BM notes in-vivo proliferation is likely much lower"),
    ("rel_prolif_chondro", 0.1, "1", 0.0, 1.0,
     "Chondrocyte proliferation relative to MSC proliferation",
     "assumed: adult chondrocytes are nearly post-mitotic"),
    ("rho_max", 4.0e4, "cells/mm^3", 1e3, 1e7,
     "Maximal cell density (crowding limit and per-voxel capacity)",
     "assumed: ~4x chondrocyte_density_adult (early repair tissue is hypercellular)"),
    ("t_diff", 21.0, "day", 1.0, 1e3, "Mean time to chondrogenic differentiation when gated on",
     "msc_chondro_diff_time_invitro (21 d)"),
    ("rho_diff_threshold", 1.0e4, "cells/mm^3", 0.0, 1e7,
     "Progenitor density (3x3 neighbourhood) above which differentiation may start",
     "A1 Lutianov 2011 / A2 Campbell 2019 threshold H(s - s*); value ~ chondrocyte_density_adult"),
    ("K_tgfb_diff", 0.5, "1", 1e-3, 100.0, "TGF-beta level for half-maximal differentiation",
     "assumed: chondrogenesis is TGF-beta dependent (msc_chondro_diff_time_invitro context)"),
    ("n_tgfb_diff", 2.0, "1", 1.0, 8.0, "Hill exponent of TGF-beta gating",
     "assumed: switch-like gating"),
    ("K_il1_diff", 1.0, "1", 1e-3, 100.0,
     "Effective IL-1 level halving differentiation", "assumed: IL-1 inhibits chondrogenesis"),
    ("rel_diff_marrow", 0.3, "1", 0.0, 1.0,
     "Differentiation of marrow-derived cells relative to MSCs",
     "assumed: microfracture repair is mostly fibrocartilage"),
    ("k_apo_msc", 0.0233, "1/day", 0.0, 10.0, "Baseline apoptosis of progenitors in the lesion",
     "msc_k_loss_joint_DERIVED, slow-phase value (0.0233/day)"),
    ("k_apo_chondro", 1.0e-3, "1/day", 0.0, 10.0, "Baseline apoptosis of chondrocytes",
     "assumed: chondrocyte_apoptosis_OA is a prevalence, not a rate"),
    ("a_apo_il1", 2.0, "1", 0.0, 100.0, "Fold increase of apoptosis per unit effective IL-1",
     "C1 Graham RDD (cytokine-driven catabolic death); magnitude assumed"),
    ("K_anti_il1", 1.0, "1", 1e-3, 100.0,
     "Anti-inflammatory level that halves effective IL-1",
     "IL1Ra_excess_for_50pct_inhibition folded into normalised units; assumed"),
    # --- scaffold -----------------------------------------------------------------------------
    ("rel_diff_scaffold", 2.0, "1", 1.0, 20.0,
     "Differentiation multiplier of a full-strength scaffold",
     "seed finding F17 (graphene promotes differentiation); magnitude assumed"),
    ("rel_adhesion_scaffold", 1.5, "1", 1.0, 20.0,
     "Adhesion multiplier of a full-strength scaffold (also divides washout)",
     "assumed: scaffolds retain cells (A4 Surulescu scaffold models)"),
    # --- matrix -------------------------------------------------------------------------------
    ("k_matrix_chondro", 5.5e-3, "1/day", 0.0, 1.0,
     "Hyaline matrix synthesis at native chondrocyte density",
     "calibrated: ~95% fill in 18 months (msc_repair_maturation_time_model, A1 Lutianov)"),
    ("rel_matrix_fibrous", 0.3, "1", 0.0, 10.0,
     "Fibrous matrix synthesis per progenitor relative to hyaline per chondrocyte",
     "assumed: fibroblastic repair tissue forms more slowly"),
    ("a_matrix_tgfb", 1.0, "1", 0.0, 100.0, "Maximal extra synthesis from TGF-beta",
     "A2 Campbell 2019 growth factors speed matrix formation; magnitude assumed"),
    ("K_matrix_tgfb", 1.0, "1", 1e-3, 100.0, "TGF-beta level for half of a_matrix_tgfb",
     "assumed: half-effect at the healthy reference level"),
    ("k_degrade", 1.0e-4, "1/day", 0.0, 1.0, "Baseline matrix degradation",
     "collagen_II_turnover_adult (essentially none) and aggrecan turnover of years"),
    ("k_degrade_il1", 2.0e-3, "1/day", 0.0, 1.0, "Extra matrix degradation per unit effective IL-1",
     "assumed: IL-1-driven MMP activity (B1 Baker 2017, D1 Eskelinen 2020)"),
    ("rho_chondro_ref", 9626.0, "cells/mm^3", 1.0, 1e6,
     "Native chondrocyte density (initial density and matrix reference)",
     "chondrocyte_density_adult"),
)

_TABLE = {row[0]: row for row in PARAMETERS}


class LesionParameterError(ValueError):
    """A lesion-model parameter is unknown or outside its bounds."""


@dataclass(frozen=True)
class LesionParams:
    """Validated, immutable parameter set of the lesion model.

    Parameters
    ----------
    values : mapping, optional
        Overrides of the defaults in :data:`PARAMETERS` (name -> value in the table's unit).

    Raises
    ------
    LesionParameterError
        For an unknown name (the message lists the valid ones) or a value outside the
        table's bounds.
    """

    values: Mapping[str, float]

    def __init__(self, values: Mapping[str, float] | None = None, **overrides: float):
        merged = {row[0]: float(row[1]) for row in PARAMETERS}
        given = dict(values or {})
        given.update(overrides)
        for name, value in given.items():
            if name not in _TABLE:
                raise LesionParameterError(
                    f"unknown lesion parameter {name!r}; valid names: {', '.join(_TABLE)}")
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise LesionParameterError(f"lesion parameter {name!r} must be a number, "
                                           f"got {value!r}") from None
            _, _, unit, low, high, _, _ = _TABLE[name]
            if not (math.isfinite(value) and low <= value <= high):
                raise LesionParameterError(
                    f"lesion parameter {name!r} = {value!r} {unit} is outside [{low}, {high}]")
            merged[name] = value
        object.__setattr__(self, "values", MappingProxyType(merged))

    def __getitem__(self, name: str) -> float:
        if name not in self.values:
            raise LesionParameterError(
                f"unknown lesion parameter {name!r}; valid names: {', '.join(_TABLE)}")
        return self.values[name]

    def replace(self, **overrides: float) -> "LesionParams":
        """Copy with some values changed (validated like the constructor).

        Parameters
        ----------
        **overrides : float
            Parameter name -> value, in the table's unit.

        Returns
        -------
        LesionParams
        """
        return LesionParams({**self.values, **overrides})

    def as_array(self) -> np.ndarray:
        """Values in table order, shape ``(len(PARAMETERS),)``."""
        return np.array([self.values[row[0]] for row in PARAMETERS], dtype=np.float64)

    @staticmethod
    def names() -> tuple[str, ...]:
        """Parameter names in table order."""
        return tuple(row[0] for row in PARAMETERS)

    @staticmethod
    def table() -> tuple[tuple[Any, ...], ...]:
        """The declaration table (name, default, unit, low, high, description, source)."""
        return PARAMETERS

    # Derived quantities used by the kernels (days, mm).
    def decay_rate(self, field: str) -> float:
        """First-order decay rate of a field, ``ln 2 / half-life``.

        Parameters
        ----------
        field : str
            One of :data:`FIELD_NAMES`.

        Returns
        -------
        float
            1/day.
        """
        return _LN2 / self[f"half_life_{field}"]

    def diffusivity(self, field: str) -> float:
        """Diffusivity of a field in cartilage.

        Parameters
        ----------
        field : str
            One of :data:`FIELD_NAMES`.

        Returns
        -------
        float
            mm^2/day.
        """
        return self[f"D_{field}"]
