"""Agent kernels: cells stored as a struct of arrays, updated in two deterministic phases.

1. :func:`propose` (parallel over agents): every agent reads the lattice as it was at the
   start of the step and decides at most one event (death, division, differentiation or a
   jump), drawing from counter-based streams keyed by its id. It writes only its own slots.
2. :func:`resolve` (serial, cheap): jumps and divisions compete for free voxel capacity.
   Claims on one voxel are granted in the order of a per-(step, id) hashed priority, never in
   array order; daughters and arrivals get ids in that same order. Hence results depend on
   neither the thread count nor the order of agents in the arrays.

Voxel-level processes (secretion, matrix, crowding) read integer cell counts per voxel, so no
floating-point sum over agents ever depends on their order.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.lesion.geometry import CARTILAGE, DEFECT
from sim.lesion.rng import (
    P_ARRIVAL_ADH,
    P_ARRIVAL_POS,
    P_DEATH,
    P_DIFF,
    P_DIR,
    P_DIV_TARGET,
    P_DIVIDE,
    P_MOVE,
    P_PRIORITY,
    draw,
    hash64,
    stream,
    uniform,
)

__all__ = ["MSC", "CHONDRO", "MARROW", "count_cells", "propose", "resolve", "voxel_update",
           "voxel_rates", "N_VP",
           "KP_SIZE", "N_STATS", "STAT_NAMES"]

MSC, CHONDRO, MARROW = 0, 1, 2
SDF, IL1, ANTI, TGFB = 0, 1, 2, 3
NONE, DIE, DIVIDE, DIFFERENTIATE, MOVE = 0, 1, 2, 3, 4

# Index of each kernel constant in the ``kp`` vector built by the simulation wrapper.
KP_P_JUMP = 0          # 4 D dt / dx^2: jump probability of a progenitor in an empty voxel
KP_CHI = 1
KP_REL_MOT_MATRIX = 2
KP_K_DIV_PROG = 3      # 1/day
KP_K_DIV_CHONDRO = 4
KP_RHO_MAX = 5
KP_K_DIFF = 6
KP_RHO_DIFF = 7
KP_K_TGFB_DIFF = 8
KP_N_TGFB_DIFF = 9
KP_K_IL1_DIFF = 10
KP_REL_DIFF_MARROW = 11
KP_K_APO_PROG = 12
KP_K_APO_CHONDRO = 13
KP_A_APO_IL1 = 14
KP_K_ANTI_IL1 = 15
KP_K_WASH = 16
KP_DT = 17             # days
KP_VOXVOL = 18         # mm^3
KP_N_REF = 19          # native chondrocytes per voxel
KP_S_SDF = 20
KP_S_ANTI = 21
KP_ALPHA_LIC = 22
KP_K_LIC = 23
KP_S_TGFB = 24
KP_K_MATRIX = 25
KP_REL_FIBROUS = 26
KP_A_MATRIX_TGFB = 27
KP_K_MATRIX_TGFB = 28
KP_K_DEGRADE = 29
KP_K_DEGRADE_IL1 = 30
KP_SIZE = 31

STAT_NAMES = ("deaths_progenitor", "deaths_chondrocyte", "divisions_progenitor",
              "divisions_chondrocyte", "differentiations", "moves", "arrivals", "blocked")
N_STATS = len(STAT_NAMES)

_DI = np.array([0, 0, -1, 1], dtype=np.int64)
_DJ = np.array([-1, 1, 0, 0], dtype=np.int64)


@njit(cache=True)
def _enterable(tissue, i, j):
    ny, nx = tissue.shape
    if i < 0 or j < 0 or i >= ny or j >= nx:
        return False
    t = tissue[i, j]
    return t == CARTILAGE or t == DEFECT


@njit(cache=True)
def count_cells(n, kind, iy, ix, counts):
    """Count the live cells per kind and voxel.

    Parameters
    ----------
    n : int
        Number of live agents (the first ``n`` entries of the agent arrays).
    kind, iy, ix : int64 (capacity,)
        Kind code (index into :data:`~sim.lesion.lesion_parameters.CELL_KINDS`), row and column
        of every agent.
    counts : int64 (3, ny, nx)
        Overwritten with the number of cells of each kind in each voxel.

    Returns
    -------
    int
        0 (Numba kernels return a value).
    """
    counts[:] = 0
    for a in range(n):
        counts[kind[a], iy[a], ix[a]] += 1
    return 0


@njit(cache=True, parallel=True)
def voxel_update(counts, tissue, fields, hyal, fibr, kp, src):
    """Per-voxel work of one step: field sources and matrix turnover.

    Parameters
    ----------
    counts : int64 (3, ny, nx)
        Cells per kind and voxel.
    tissue : int64 (ny, nx)
    fields : float64 (4, ny, nx)
        Field levels (read only).
    hyal, fibr : float64 (ny, nx)
        Hyaline and fibrous matrix fractions, updated in place (``hyal + fibr <= 1``).
    kp : float64 (KP_SIZE,)
        Kernel constants.
    src : float64 (4, ny, nx)
        Output: source rates per field, field units per day.

    Returns
    -------
    int
        0.
    """
    ny, nx = tissue.shape
    dt = kp[KP_DT]
    nref = kp[KP_N_REF]
    for i in prange(ny):
        for j in range(nx):
            t = tissue[i, j]
            for f in range(4):
                src[f, i, j] = 0.0
            if t != CARTILAGE and t != DEFECT:
                continue
            n_prog = (counts[MSC, i, j] + counts[MARROW, i, j]) / nref
            n_ch = counts[CHONDRO, i, j] / nref
            il1 = fields[IL1, i, j]
            tgfb = fields[TGFB, i, j]
            m = hyal[i, j] + fibr[i, j]
            # Damage signal from missing matrix in the defect (5.3: SDF-1 gradients).
            if t == DEFECT:
                src[SDF, i, j] = kp[KP_S_SDF] * (1.0 - m)
            # MSC paracrine output, licensed by inflammation (PGE2 x10 on co-culture).
            src[ANTI, i, j] = kp[KP_S_ANTI] * (counts[MSC, i, j] / nref) * (
                1.0 + kp[KP_ALPHA_LIC] * il1 / (kp[KP_K_LIC] + il1))
            # Chondrocyte growth factors (Campbell 2019 crosstalk).
            src[TGFB, i, j] = kp[KP_S_TGFB] * n_ch

            # Matrix: synthesis fills free space, degradation removes both kinds alike.
            boost = 1.0 + kp[KP_A_MATRIX_TGFB] * tgfb / (kp[KP_K_MATRIX_TGFB] + tgfb)
            ph = kp[KP_K_MATRIX] * n_ch * boost
            pf = kp[KP_K_MATRIX] * kp[KP_REL_FIBROUS] * n_prog * boost
            ieff = il1 / (1.0 + fields[ANTI, i, j] / kp[KP_K_ANTI_IL1])
            kdeg = kp[KP_K_DEGRADE] + kp[KP_K_DEGRADE_IL1] * ieff
            keep = np.exp(-kdeg * dt)
            h = hyal[i, j] * keep
            fb = fibr[i, j] * keep
            ptot = ph + pf
            if ptot > 0.0:
                gain = (1.0 - h - fb) * (1.0 - np.exp(-ptot * dt))
                h += gain * ph / ptot
                fb += gain * pf / ptot
            hyal[i, j] = h
            fibr[i, j] = fb
    return 0


# Per-voxel event probabilities, layout (ny * nx, N_VP), filled by :func:`voxel_rates`.
VP_DEATH_PROG, VP_DEATH_CHONDRO, VP_DIV_PROG, VP_DIV_CHONDRO = 0, 1, 2, 3
VP_DIFF_MSC, VP_DIFF_MARROW = 4, 5
VP_CUMW = 6            # 6, 7, 8: cumulative direction probabilities (left, right, up)
VP_JUMP = 9            # 9..12: jump probability toward left, right, up, down
N_VP = 13


@njit(cache=True, parallel=True)
def voxel_rates(counts, tissue, fields, hyal, fibr, mouth, kp, diff_mult, adh_mult, vp):
    """Event probabilities per voxel for this step (all agents of a voxel share them).

    Every rate depends only on the voxel's fields, matrix and the crowding of its 3x3
    neighbourhood, so it is computed once per voxel instead of once per agent.

    Parameters
    ----------
    counts : int64 (3, ny, nx)
    tissue, mouth : int64 (ny, nx)
    fields : float64 (4, ny, nx)
        Fields after this step's diffusion.
    hyal, fibr : float64 (ny, nx)
    kp : float64 (KP_SIZE,)
    diff_mult, adh_mult : float
        Scaffold multipliers of differentiation and adhesion.
    vp : float64 (ny * nx, N_VP)
        Output.

    Returns
    -------
    int
        0.
    """
    ny, nx = tissue.shape
    dt = kp[KP_DT]
    vol = kp[KP_VOXVOL]
    chi = kp[KP_CHI]
    for i in prange(ny):
        for j in range(nx):
            v = i * nx + j
            for q in range(N_VP):
                vp[v, q] = 0.0
            if not _enterable(tissue, i, j):
                continue
            tot = 0
            prog = 0
            nvox = 0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    if _enterable(tissue, i + di, j + dj):
                        nvox += 1
                        c0 = counts[MSC, i + di, j + dj]
                        c2 = counts[MARROW, i + di, j + dj]
                        prog += c0 + c2
                        tot += c0 + c2 + counts[CHONDRO, i + di, j + dj]
            dens_all = tot / (nvox * vol)
            dens_prog = prog / (nvox * vol)
            il1 = fields[IL1, i, j]
            ieff = il1 / (1.0 + fields[ANTI, i, j] / kp[KP_K_ANTI_IL1])
            m_here = hyal[i, j] + fibr[i, j]
            # Apoptosis rises with effective IL-1 (Graham RDD); washout at the open surface.
            rate = kp[KP_K_APO_PROG] * (1.0 + kp[KP_A_APO_IL1] * ieff)
            if mouth[i, j] == 1:
                rate += kp[KP_K_WASH] * (1.0 - m_here) / adh_mult
            vp[v, VP_DEATH_PROG] = 1.0 - np.exp(-rate * dt)
            rate = kp[KP_K_APO_CHONDRO] * (1.0 + kp[KP_A_APO_IL1] * ieff)
            vp[v, VP_DEATH_CHONDRO] = 1.0 - np.exp(-rate * dt)
            # Logistic, density-limited division.
            crowd = max(0.0, 1.0 - dens_all / kp[KP_RHO_MAX])
            vp[v, VP_DIV_PROG] = 1.0 - np.exp(-kp[KP_K_DIV_PROG] * crowd * dt)
            vp[v, VP_DIV_CHONDRO] = 1.0 - np.exp(-kp[KP_K_DIV_CHONDRO] * crowd * dt)
            # Differentiation: progenitor density above threshold (Lutianov), TGF-beta gate,
            # IL-1 inhibition, scaffold boost (F17).
            if dens_prog >= kp[KP_RHO_DIFF]:
                bn = fields[TGFB, i, j] ** kp[KP_N_TGFB_DIFF]
                gate = bn / (kp[KP_K_TGFB_DIFF] ** kp[KP_N_TGFB_DIFF] + bn)
                gate *= diff_mult / (1.0 + ieff / kp[KP_K_IL1_DIFF])
                vp[v, VP_DIFF_MSC] = 1.0 - np.exp(-kp[KP_K_DIFF] * gate * dt)
                vp[v, VP_DIFF_MARROW] = 1.0 - np.exp(
                    -kp[KP_K_DIFF] * gate * kp[KP_REL_DIFF_MARROW] * dt)
            # Biased walk: direction weights exp(chi * dS); closed directions weigh 1 and
            # are refused (reflecting walls keep the unbiased walk's diffusivity at D).
            s0 = fields[SDF, i, j]
            wsum = 0.0
            for d in range(4):
                ti = i + _DI[d]
                tj = j + _DJ[d]
                w = 1.0
                if _enterable(tissue, ti, tj):
                    w = np.exp(chi * (fields[SDF, ti, tj] - s0))
                    m_max = max(m_here, hyal[ti, tj] + fibr[ti, tj])
                    vp[v, VP_JUMP + d] = kp[KP_P_JUMP] * (1.0 - kp[KP_REL_MOT_MATRIX] * m_max)
                wsum += w
                if d < 3:
                    vp[v, VP_CUMW + d] = wsum
            for d in range(3):
                vp[v, VP_CUMW + d] /= wsum
    return 0


@njit(cache=True, parallel=True)
def propose(n, ids, kind, iy, ix, tissue, counts, cap, vp, seed, step, action, target):
    """Phase 1: each agent decides at most one event from the start-of-step lattice.

    Event order per agent: death (apoptosis, or washout from voxels open to the fluid), then
    division (density-limited), then differentiation of progenitors (density- and
    TGF-beta-gated), then a jump (biased up the SDF-1 gradient). Division is decided before
    differentiation so that a scaffold, which raises differentiation, leaves the division
    probability unchanged (seed finding F17).

    Parameters
    ----------
    n : int
        Number of live agents.
    ids, kind, iy, ix : int64 (>= n,)
        Agent arrays.
    tissue : int64 (ny, nx)
    counts : int64 (3, ny, nx)
    cap : int
        Cells per voxel at ``rho_max``.
    vp : float64 (ny * nx, N_VP)
        Event probabilities from :func:`voxel_rates`.
    seed, step : int
        Stream coordinates.
    action, target : int64 (>= n,)
        Output: event code and target voxel (flat index) per agent.

    Returns
    -------
    int
        0.
    """
    ny, nx = tissue.shape
    for a in prange(n):
        action[a] = NONE
        target[a] = -1
        k = kind[a]
        i = iy[a]
        j = ix[a]
        v = i * nx + j
        key = stream(seed, step, ids[a])
        prog = k != CHONDRO
        if draw(key, P_DEATH) < vp[v, VP_DEATH_CHONDRO if k == CHONDRO else VP_DEATH_PROG]:
            action[a] = DIE
            continue
        if draw(key, P_DIVIDE) < vp[v, VP_DIV_CHONDRO if k == CHONDRO else VP_DIV_PROG]:
            if counts[0, i, j] + counts[1, i, j] + counts[2, i, j] < cap:
                action[a] = DIVIDE
                target[a] = v
            else:
                d = int(draw(key, P_DIV_TARGET) * 4.0)
                ti = i + _DI[d]
                tj = j + _DJ[d]
                if _enterable(tissue, ti, tj):
                    action[a] = DIVIDE
                    target[a] = ti * nx + tj
            continue
        if not prog:
            continue
        if draw(key, P_DIFF) < vp[v, VP_DIFF_MARROW if k == MARROW else VP_DIFF_MSC]:
            action[a] = DIFFERENTIATE
            continue
        u = draw(key, P_DIR)
        if u < vp[v, VP_CUMW]:
            d = 0
        elif u < vp[v, VP_CUMW + 1]:
            d = 1
        elif u < vp[v, VP_CUMW + 2]:
            d = 2
        else:
            d = 3
        if draw(key, P_MOVE) < vp[v, VP_JUMP + d]:
            action[a] = MOVE
            target[a] = (i + _DI[d]) * nx + j + _DJ[d]
    return 0


@njit(cache=True)
def resolve(n, ids, kind, iy, ix, action, target, counts, cap, mouth_idx, n_arrivals,
            p_attach, seed, step, next_id, used, out_ids, out_kind, out_iy, out_ix, stats):
    """Phase 2: apply events, grant capacity by hashed priority, add arrivals, compact.

    Parameters
    ----------
    n : int
        Live agents before the step.
    ids, kind, iy, ix, action, target : int64 arrays
        Agents and their proposals from :func:`propose`.
    counts : int64 (3, ny, nx)
        Occupancy at the start of the step (capacity is judged against it, so cells leaving
        a voxel free space only from the next step on: conservative and order-free).
    cap : int
    mouth_idx : int64 (n_mouth,)
        Flat indices of voxels where arrivals from the joint fluid land.
    n_arrivals : int
        Cells reaching the defect surface this step (drawn by the caller).
    p_attach : float
        Probability that an arriving cell adheres.
    next_id : int
        First unused agent id.
    used : int64 (ny * nx,)
        Scratch, zero on entry and on return.
    out_ids, out_kind, out_iy, out_ix : int64 (>= 2 n + n_arrivals,)
        Output agent arrays.
    stats : int64 (N_STATS,)
        Event counters of this step (overwritten).

    Returns
    -------
    (int, int)
        New number of agents and the next unused id.
    """
    _, ny, nx = counts.shape
    stats[:] = 0
    # Claims on capacity, ordered by (target voxel, hashed priority).
    n_claim = 0
    for a in range(n):
        if action[a] == MOVE or action[a] == DIVIDE:
            n_claim += 1
    claimers = np.empty(n_claim, dtype=np.int64)
    keys = np.empty(n_claim, dtype=np.int64)
    c = 0
    for a in range(n):
        if action[a] == MOVE or action[a] == DIVIDE:
            claimers[c] = a
            h = hash64(seed, step, ids[a], P_PRIORITY) >> np.uint64(25)
            keys[c] = (target[a] << 39) | np.int64(h)
            c += 1
    order = np.argsort(keys, kind="mergesort")
    granted = np.zeros(n, dtype=np.bool_)
    for r in range(n_claim):
        a = claimers[order[r]]
        t = target[a]
        ti = t // nx
        tj = t - ti * nx
        occ = counts[0, ti, tj] + counts[1, ti, tj] + counts[2, ti, tj] + used[t]
        if occ < cap:
            used[t] += 1
            granted[a] = True
        else:
            stats[7] += 1
    # Survivors keep their relative order; events change kind or position in place.
    m = 0
    for a in range(n):
        act = action[a]
        if act == DIE:
            if kind[a] == CHONDRO:
                stats[1] += 1
            else:
                stats[0] += 1
            continue
        out_ids[m] = ids[a]
        out_kind[m] = kind[a]
        out_iy[m] = iy[a]
        out_ix[m] = ix[a]
        if act == DIFFERENTIATE:
            out_kind[m] = CHONDRO
            stats[4] += 1
        elif act == MOVE and granted[a]:
            out_iy[m] = target[a] // nx
            out_ix[m] = target[a] - out_iy[m] * nx
            stats[5] += 1
        m += 1
    # Daughters in claim order, so their ids do not depend on array order.
    for r in range(n_claim):
        a = claimers[order[r]]
        if action[a] == DIVIDE and granted[a]:
            out_ids[m] = next_id
            next_id += 1
            out_kind[m] = kind[a]
            out_iy[m] = target[a] // nx
            out_ix[m] = target[a] - out_iy[m] * nx
            if kind[a] == CHONDRO:
                stats[3] += 1
            else:
                stats[2] += 1
            m += 1
    # Arrivals from the joint fluid land on the defect surface and may adhere.
    n_mouth = mouth_idx.shape[0]
    for r in range(n_arrivals):
        if n_mouth == 0:
            break
        t = mouth_idx[int(uniform(seed, step, r, P_ARRIVAL_POS) * n_mouth)]
        if uniform(seed, step, r, P_ARRIVAL_ADH) >= p_attach:
            continue
        ti = t // nx
        tj = t - ti * nx
        occ = counts[0, ti, tj] + counts[1, ti, tj] + counts[2, ti, tj] + used[t]
        if occ >= cap:
            stats[7] += 1
            continue
        used[t] += 1
        out_ids[m] = next_id
        next_id += 1
        out_kind[m] = MSC
        out_iy[m] = ti
        out_ix[m] = tj
        stats[6] += 1
        m += 1
    # Reset the scratch where it was touched.
    for r in range(n_claim):
        used[target[claimers[r]]] = 0
    for r in range(n_mouth):
        used[mouth_idx[r]] = 0
    return m, next_id
