"""Lattice geometry of a 2-D cross-section through a focal cartilage defect.

Rows run from the joint surface downward: ``fluid_rows`` rows of joint fluid (held at the
joint model's levels), cartilage of ``cartilage_thickness_mm``, then subchondral bone. A
rectangular defect of ``defect_width_mm`` is centred in the cartilage; a full-thickness defect
reaches the bone, a partial one stops at ``defect_depth_mm``. The slice is one voxel thick, so
a voxel is a cube of edge ``dx_um``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["LesionGeometry", "GeometryError", "FLUID", "CARTILAGE", "DEFECT", "BONE",
           "TISSUE_NAMES"]

FLUID, CARTILAGE, DEFECT, BONE = 0, 1, 2, 3
TISSUE_NAMES = ("fluid", "cartilage", "defect", "bone")


class GeometryError(ValueError):
    """A geometry field is missing, non-positive or inconsistent."""


@dataclass(frozen=True)
class LesionGeometry:
    """Cross-section of a focal defect.

    Parameters
    ----------
    width_mm : float
        Lattice width (defect plus surrounding cartilage), mm.
    defect_width_mm : float
        Defect width (diameter of the defect the slice passes through), mm.
    cartilage_thickness_mm : float
        Native cartilage thickness, mm (``cartilage_thickness_MFC``: 2.4 mm).
    defect_depth_mm : float or None
        Depth of a partial-thickness defect, mm; ``None`` means full thickness.
    bone_depth_mm : float
        Depth of subchondral bone included below the cartilage, mm.
    dx_um : float
        Voxel edge, micrometres.
    fluid_rows : int
        Rows of joint fluid above the surface (Dirichlet boundary of the fields).
    """

    width_mm: float = 3.0
    defect_width_mm: float = 1.5
    cartilage_thickness_mm: float = 1.2
    defect_depth_mm: float | None = None
    bone_depth_mm: float = 0.3
    dx_um: float = 50.0
    fluid_rows: int = 1

    def __post_init__(self):
        for name in ("width_mm", "defect_width_mm", "cartilage_thickness_mm", "dx_um"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise GeometryError(f"geometry field {name!r} must be a positive number, "
                                    f"got {value!r}")
        if not (isinstance(self.bone_depth_mm, (int, float)) and self.bone_depth_mm >= 0):
            raise GeometryError(f"geometry field 'bone_depth_mm' must be >= 0, "
                                f"got {self.bone_depth_mm!r}")
        if not (isinstance(self.fluid_rows, int) and self.fluid_rows >= 1):
            raise GeometryError(f"geometry field 'fluid_rows' must be an integer >= 1, "
                                f"got {self.fluid_rows!r}")
        if self.defect_width_mm > self.width_mm:
            raise GeometryError(f"geometry field 'defect_width_mm' ({self.defect_width_mm}) "
                                f"must not exceed 'width_mm' ({self.width_mm})")
        if self.defect_depth_mm is not None and not (
                0 < self.defect_depth_mm <= self.cartilage_thickness_mm):
            raise GeometryError(f"geometry field 'defect_depth_mm' must be in "
                                f"(0, cartilage_thickness_mm={self.cartilage_thickness_mm}] or "
                                f"None (full thickness), got {self.defect_depth_mm!r}")
        if self.nx < 3 or self.n_cartilage_rows < 1 or self.n_defect_cols < 1:
            raise GeometryError("geometry too coarse: dx_um leaves fewer than 3 columns, "
                                "no cartilage row or no defect column")
        if self.nx * self.ny > 2**24:
            raise GeometryError(f"lattice of {self.ny} x {self.nx} voxels exceeds 2**24")

    # -- presets -----------------------------------------------------------------------------
    @classmethod
    def small(cls) -> "LesionGeometry":
        """A 60 x 31-voxel test lattice (3 mm wide, 1.2 mm cartilage, 50 um voxels)."""
        return cls()

    @classmethod
    def clinical(cls) -> "LesionGeometry":
        """A clinical-size full-thickness defect: 12 mm across (~1.1 cm^2), 2.4 mm deep.

        100 um voxels; cartilage thickness from ``cartilage_thickness_MFC``.
        """
        return cls(width_mm=16.0, defect_width_mm=12.0, cartilage_thickness_mm=2.4,
                   bone_depth_mm=1.0, dx_um=100.0)

    # -- derived sizes -----------------------------------------------------------------------
    @property
    def dx_mm(self) -> float:
        """Voxel edge, mm."""
        return self.dx_um * 1e-3

    @property
    def voxel_volume_mm3(self) -> float:
        """Voxel volume, mm^3."""
        return self.dx_mm**3

    @property
    def nx(self) -> int:
        """Lattice columns (voxels across the width)."""
        return int(round(self.width_mm / self.dx_mm))

    @property
    def n_cartilage_rows(self) -> int:
        """Voxel rows of native cartilage."""
        return int(round(self.cartilage_thickness_mm / self.dx_mm))

    @property
    def n_defect_rows(self) -> int:
        """Voxel rows of the defect (all cartilage rows for a full-thickness defect)."""
        if self.defect_depth_mm is None:
            return self.n_cartilage_rows
        return max(1, int(round(self.defect_depth_mm / self.dx_mm)))

    @property
    def n_defect_cols(self) -> int:
        """Voxel columns of the defect."""
        return int(round(self.defect_width_mm / self.dx_mm))

    @property
    def n_bone_rows(self) -> int:
        """Voxel rows of subchondral bone."""
        return int(round(self.bone_depth_mm / self.dx_mm))

    @property
    def ny(self) -> int:
        """Lattice rows: joint fluid, cartilage and bone."""
        return self.fluid_rows + self.n_cartilage_rows + self.n_bone_rows

    @property
    def shape(self) -> tuple[int, int]:
        """Lattice shape ``(ny, nx)``; row 0 is the joint fluid."""
        return (self.ny, self.nx)

    @property
    def full_thickness(self) -> bool:
        """True when the defect reaches the bone."""
        return self.n_defect_rows >= self.n_cartilage_rows

    @property
    def slice_fraction(self) -> float:
        """Share of a round defect's cells that fall in this one-voxel slice.

        A slice of thickness dx through the centre of a disc of diameter w covers
        ``w * dx`` of its area ``pi w^2 / 4``; influx given per defect is scaled by this.
        """
        return min(1.0, 4.0 * self.dx_mm / (math.pi * self.defect_width_mm))

    def tissue(self) -> np.ndarray:
        """Tissue code per voxel, int64 array of shape ``(ny, nx)``."""
        t = np.full(self.shape, CARTILAGE, dtype=np.int64)
        t[: self.fluid_rows] = FLUID
        top = self.fluid_rows + self.n_cartilage_rows
        t[top:] = BONE
        c0 = (self.nx - self.n_defect_cols) // 2
        t[self.fluid_rows: self.fluid_rows + self.n_defect_rows, c0: c0 + self.n_defect_cols] = DEFECT
        return t

    def capacity(self, rho_max: float) -> int:
        """Cells a voxel can hold at a given density.

        Parameters
        ----------
        rho_max : float
            Maximal cell density, cells/mm^3.

        Returns
        -------
        int
            ``floor(rho_max * voxel volume)``, at least 1.

        Raises
        ------
        GeometryError
            If a voxel would hold no cell (voxels too small for ``rho_max``).
        """
        cap = int(math.floor(rho_max * self.voxel_volume_mm3))
        if cap < 1:
            raise GeometryError(f"voxel of {self.dx_um} um holds no cell at rho_max={rho_max} "
                                f"cells/mm^3; use a larger dx_um")
        return cap

    def to_dict(self) -> dict:
        """The geometry's fields as a plain dict (lengths in mm, ``dx_um`` in micrometres)."""
        return asdict(self)
