"""Diffusing, decaying fields on the lesion lattice.

Each field obeys ``dc/dt = div(D r(x) grad c) - k c + s(x)`` in tissue voxels, where ``r`` is
the tissue's relative diffusivity, and ``c = c_fluid`` in joint-fluid voxels (the joint is
well mixed by motion, so the fluid is a Dirichlet boundary fed by the joint model). The outer
edges are closed (no flux).

Scheme: conservative explicit finite volumes (five-point stencil, face conductance the
harmonic mean of the two voxels' ``r``) with the decay applied exactly over each substep,
``c <- (c + lam * sum_faces r_f (c_nb - c)) * exp(-k h) + s h`` with ``lam = D h / dx^2``.
It is positive and stable for ``lam * max_voxel(sum_faces r_f) <= 1`` (the classical
``D h / dx^2 <= 1/4`` in 2-D); :class:`FieldSolver` refuses substeps beyond that limit.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from sim.lesion.geometry import BONE, FLUID

__all__ = ["FieldSolver", "StabilityError", "diffuse_substeps", "face_conductances"]


class StabilityError(ValueError):
    """A field substep exceeds the explicit scheme's stability limit."""


@njit(cache=True, parallel=True)
def diffuse_substeps(c, work, cx, cy, lam, decay, src_h, fixed, c_fixed, n_sub):
    """Advance one field by ``n_sub`` explicit substeps, in place.

    Parameters
    ----------
    c : float64 (ny, nx)
        Field, updated in place.
    work : float64 (ny, nx)
        Scratch buffer of the same shape.
    cx : float64 (ny, nx + 1)
        Relative conductance of the face left of voxel ``(i, j)``; columns 0 and nx are 0.
    cy : float64 (ny + 1, nx)
        Relative conductance of the face above voxel ``(i, j)``; rows 0 and ny are 0.
    lam : float
        ``D h / dx^2`` of one substep ``h``.
    decay : float
        ``exp(-k h)``.
    src_h : float64 (ny, nx)
        Source times ``h`` (field units per substep).
    fixed : int64 (ny, nx)
        1 where the field is held at ``c_fixed`` (joint fluid), else 0.
    c_fixed : float
        Dirichlet value.
    n_sub : int
        Number of substeps.

    Returns
    -------
    int
        0 on success, 1 if a non-finite value appeared.
    """
    ny, nx = c.shape
    a = c
    b = work
    for _ in range(n_sub):
        for i in prange(ny):
            # Rows above/below the lattice have zero conductance (cy[0] = cy[ny] = 0), so
            # reading row i itself in their place adds nothing and keeps the loop branch-free.
            iu = max(i - 1, 0)
            idn = min(i + 1, ny - 1)
            for j in range(nx):
                jl = max(j - 1, 0)
                jr = min(j + 1, nx - 1)
                ci = a[i, j]
                flux = (cx[i, j] * (a[i, jl] - ci) + cx[i, j + 1] * (a[i, jr] - ci)
                        + cy[i, j] * (a[iu, j] - ci) + cy[i + 1, j] * (a[idn, j] - ci))
                v = (ci + lam * flux) * decay + src_h[i, j]
                # Flush vanishing values: fronts spreading into empty tissue would otherwise
                # create subnormal numbers, which are ~100x slower on x86.
                v = v if abs(v) > 1e-100 else 0.0
                b[i, j] = c_fixed if fixed[i, j] == 1 else v
        a, b = b, a
    if n_sub % 2 == 1:
        c[:, :] = work
    status = 0
    for i in range(ny):
        for j in range(nx):
            if not np.isfinite(c[i, j]):
                status = 1
    return status


def face_conductances(tissue: np.ndarray, rel_D: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Face conductances (harmonic mean of relative diffusivities) for a tissue map.

    Parameters
    ----------
    tissue : int64 (ny, nx)
        Tissue codes.
    rel_D : float64 (n_tissue_codes,)
        Relative diffusivity per tissue code.

    Returns
    -------
    cx : float64 (ny, nx + 1)
    cy : float64 (ny + 1, nx)
    """
    r = rel_D[tissue]
    ny, nx = r.shape
    cx = np.zeros((ny, nx + 1))
    cy = np.zeros((ny + 1, nx))
    with np.errstate(divide="ignore", invalid="ignore"):
        hx = 2.0 * r[:, 1:] * r[:, :-1] / (r[:, 1:] + r[:, :-1])
        hy = 2.0 * r[1:, :] * r[:-1, :] / (r[1:, :] + r[:-1, :])
    cx[:, 1:nx] = np.nan_to_num(hx)
    cy[1:ny, :] = np.nan_to_num(hy)
    return cx, cy


class FieldSolver:
    """Explicit solver for several independent fields on one tissue map.

    Parameters
    ----------
    tissue : int64 array (ny, nx)
        Tissue codes (see :mod:`sim.lesion.geometry`); FLUID voxels are Dirichlet.
    dx_mm : float
        Voxel edge, mm.
    diffusivity : sequence of float
        D per field, mm^2/day.
    decay : sequence of float
        First-order decay rate per field, 1/day.
    rel_D_bone : float
        Relative diffusivity in BONE voxels (1 elsewhere).
    names : sequence of str, optional
        Field names, used in error messages.
    """

    def __init__(self, tissue, dx_mm, diffusivity, decay, rel_D_bone=1.0, names=None):
        self.tissue = np.ascontiguousarray(tissue, dtype=np.int64)
        if self.tissue.ndim != 2 or min(self.tissue.shape) < 1:
            raise ValueError(f"tissue must be a non-empty 2-D array, got shape {self.tissue.shape}")
        if not dx_mm > 0:
            raise ValueError(f"dx_mm must be > 0, got {dx_mm!r}")
        self.D = np.asarray(diffusivity, dtype=np.float64)
        self.k = np.asarray(decay, dtype=np.float64)
        if self.D.shape != self.k.shape or self.D.ndim != 1:
            raise ValueError("diffusivity and decay must be 1-D sequences of equal length")
        if np.any(self.D < 0) or np.any(self.k < 0):
            raise ValueError("diffusivity and decay must be >= 0")
        self.names = tuple(names) if names is not None else tuple(f"field{i}" for i in
                                                                   range(len(self.D)))
        self.dx = float(dx_mm)
        rel = np.ones(4)
        rel[BONE] = rel_D_bone
        self.cx, self.cy = face_conductances(self.tissue, rel)
        self.fixed = (self.tissue == FLUID).astype(np.int64)
        free = self.fixed == 0
        total = self.cx[:, :-1] + self.cx[:, 1:] + self.cy[:-1, :] + self.cy[1:, :]
        self._max_faces = float(total[free].max()) if free.any() else 0.0
        self._work = np.empty(self.tissue.shape)

    def stable_substep(self, field: int) -> float:
        """Largest stable explicit substep for one field.

        Parameters
        ----------
        field : int
            Field index (order of :data:`~sim.lesion.lesion_parameters.FIELD_NAMES`).

        Returns
        -------
        float
            Days; ``inf`` for a field without diffusion.
        """
        if self.D[field] == 0 or self._max_faces == 0:
            return math.inf
        return self.dx**2 / (self.D[field] * self._max_faces)

    def substeps_needed(self, dt: float) -> int:
        """Smallest substep count keeping every field stable over one step.

        Parameters
        ----------
        dt : float
            Step, days.

        Returns
        -------
        int
            At least 1.
        """
        limit = min(self.stable_substep(f) for f in range(len(self.D)))
        return max(1, int(math.ceil(dt / limit - 1e-9))) if math.isfinite(limit) else 1

    def check(self, dt: float, n_sub: int) -> None:
        """Refuse a substep ``dt / n_sub`` beyond any field's stability limit.

        Parameters
        ----------
        dt : float
            Step, days.
        n_sub : int
            Substeps per step (>= 1).

        Raises
        ------
        StabilityError
            Naming the field, the substep and the limit (days) and the substep count needed.
        """
        if not (isinstance(n_sub, (int, np.integer)) and n_sub >= 1):
            raise StabilityError(f"n_substeps must be an integer >= 1, got {n_sub!r}")
        h = dt / n_sub
        for f in range(len(self.D)):
            lim = self.stable_substep(f)
            if h > lim * (1 + 1e-12):
                raise StabilityError(
                    f"field {self.names[f]!r}: substep {h:.4g} day exceeds the explicit "
                    f"stability limit {lim:.4g} day (D={self.D[f]} mm^2/day, dx={self.dx} mm);"
                    f" use n_substeps >= {self.substeps_needed(dt)} or a smaller dt")

    def step(self, c: np.ndarray, src: np.ndarray, c_fluid, dt: float, n_sub: int) -> None:
        """Advance all fields by ``dt`` days in ``n_sub`` substeps, in place.

        Parameters
        ----------
        c : float64 (n_fields, ny, nx)
            Fields, updated in place.
        src : float64 (n_fields, ny, nx)
            Source rates, field units per day (held constant over the step).
        c_fluid : sequence of float, length n_fields
            Joint-fluid (Dirichlet) value per field.
        """
        self.check(dt, n_sub)
        h = dt / n_sub
        for f in range(len(self.D)):
            lam = self.D[f] * h / self.dx**2
            status = diffuse_substeps(c[f], self._work, self.cx, self.cy, lam,
                                      math.exp(-self.k[f] * h), src[f] * h, self.fixed,
                                      float(c_fluid[f]), int(n_sub))
            if status != 0:
                raise FloatingPointError(f"field {self.names[f]!r} became non-finite")
