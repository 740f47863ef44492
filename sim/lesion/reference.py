"""Straightforward NumPy/Python reference of one lesion step (same rules, no Numba).

Fields and voxel rates are vectorised NumPy; agents are a plain Python loop with a
pure-Python port of the counter-based hash. It exists to check the kernels (tests compare
the two on small lattices) and as the baseline of ``benchmarks/bench_lesion.py``.
"""

from __future__ import annotations

import math

import numpy as np

from sim.lesion import agents as K
from sim.lesion import rng as R
from sim.lesion.geometry import CARTILAGE, DEFECT
from sim.lesion.lesion_parameters import FIELD_NAMES

__all__ = ["reference_step"]

_MASK = (1 << 64) - 1
_G = 0x9E3779B97F4A7C15


def _mix(z: int) -> int:
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def _stream(seed: int, step: int, agent: int) -> int:
    z = _mix((seed + _G) & _MASK)
    z = _mix(z ^ ((step + _G) & _MASK))
    return _mix(z ^ ((agent + _G) & _MASK))


def _draw(key: int, purpose: int) -> float:
    return float(_mix(key ^ ((purpose + _G) & _MASK)) >> 11) * 2.0**-53


def _enterable(t):
    return (t == CARTILAGE) | (t == DEFECT)


def _shift(a, di, dj, fill=0):
    """``out[i, j] = a[i + di, j + dj]`` with ``fill`` outside the lattice."""
    out = np.full_like(a, fill)
    ny, nx = a.shape
    out[max(0, -di): ny - max(0, di), max(0, -dj): nx - max(0, dj)] = \
        a[max(0, di): ny - max(0, -di), max(0, dj): nx - max(0, -dj)]
    return out


def _fields(sim, c_fluid):
    sv = sim.solver
    h = sim.dt / sim.n_substeps
    ny, nx = sim.tissue.shape
    fixed = sv.fixed == 1
    for f in range(len(FIELD_NAMES)):
        lam = sv.D[f] * h / sv.dx**2
        dec = math.exp(-sv.k[f] * h)
        c = sim.fields[f]
        src_h = sim.src[f] * h
        for _ in range(sim.n_substeps):
            # Neighbour values with the voxel itself outside the lattice (zero conductance).
            left = np.concatenate([c[:, :1], c[:, :-1]], axis=1)
            right = np.concatenate([c[:, 1:], c[:, -1:]], axis=1)
            up = np.concatenate([c[:1], c[:-1]], axis=0)
            down = np.concatenate([c[1:], c[-1:]], axis=0)
            flux = (sv.cx[:, :nx] * (left - c) + sv.cx[:, 1:] * (right - c)
                    + sv.cy[:ny] * (up - c) + sv.cy[1:] * (down - c))
            new = (c + lam * flux) * dec + src_h
            new[np.abs(new) <= 1e-100] = 0.0
            new[fixed] = c_fluid[f]
            c = new
        sim.fields[f] = c


def _voxel_update(sim):
    kp, t, fld = sim.kp, sim.tissue, sim.fields
    tis = _enterable(t)
    nref = kp[K.KP_N_REF]
    n_prog = (sim.counts[K.MSC] + sim.counts[K.MARROW]) / nref
    n_ch = sim.counts[K.CHONDRO] / nref
    il1, tgfb = fld[K.IL1], fld[K.TGFB]
    m = sim.hyal + sim.fibr
    src = np.zeros_like(sim.src)
    src[K.SDF] = np.where(t == DEFECT, kp[K.KP_S_SDF] * (1.0 - m), 0.0)
    src[K.ANTI] = kp[K.KP_S_ANTI] * (sim.counts[K.MSC] / nref) * (
        1.0 + kp[K.KP_ALPHA_LIC] * il1 / (kp[K.KP_K_LIC] + il1))
    src[K.TGFB] = kp[K.KP_S_TGFB] * n_ch
    src[:, ~tis] = 0.0
    sim.src[:] = src
    boost = 1.0 + kp[K.KP_A_MATRIX_TGFB] * tgfb / (kp[K.KP_K_MATRIX_TGFB] + tgfb)
    ph = kp[K.KP_K_MATRIX] * n_ch * boost
    pf = kp[K.KP_K_MATRIX] * kp[K.KP_REL_FIBROUS] * n_prog * boost
    ieff = il1 / (1.0 + fld[K.ANTI] / kp[K.KP_K_ANTI_IL1])
    keep = np.exp(-(kp[K.KP_K_DEGRADE] + kp[K.KP_K_DEGRADE_IL1] * ieff) * kp[K.KP_DT])
    h, fb = sim.hyal * keep, sim.fibr * keep
    ptot = ph + pf
    with np.errstate(invalid="ignore", divide="ignore"):
        gain = (1.0 - h - fb) * (1.0 - np.exp(-ptot * kp[K.KP_DT]))
        h2 = np.where(ptot > 0, h + gain * ph / ptot, h)
        f2 = np.where(ptot > 0, fb + gain * pf / ptot, fb)
    sim.hyal[tis] = h2[tis]
    sim.fibr[tis] = f2[tis]


def _voxel_rates(sim, diff_mult, adh_mult):
    kp, t, fld = sim.kp, sim.tissue, sim.fields
    ny, nx = t.shape
    ent = _enterable(t)
    c = sim.counts * ent
    tot = np.zeros((ny, nx), dtype=np.int64)
    prog = np.zeros((ny, nx), dtype=np.int64)
    nvox = np.zeros((ny, nx), dtype=np.int64)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            prog += _shift(c[K.MSC] + c[K.MARROW], di, dj)
            tot += _shift(c[K.MSC] + c[K.MARROW] + c[K.CHONDRO], di, dj)
            nvox += _shift(ent.astype(np.int64), di, dj)
    vol, dt = kp[K.KP_VOXVOL], kp[K.KP_DT]
    with np.errstate(invalid="ignore", divide="ignore"):
        dens_all = tot / (nvox * vol)
        dens_prog = prog / (nvox * vol)
    il1 = fld[K.IL1]
    ieff = il1 / (1.0 + fld[K.ANTI] / kp[K.KP_K_ANTI_IL1])
    m = sim.hyal + sim.fibr
    vp = np.zeros((ny, nx, K.N_VP))
    rate = kp[K.KP_K_APO_PROG] * (1.0 + kp[K.KP_A_APO_IL1] * ieff)
    rate = np.where(sim.mouth == 1, rate + kp[K.KP_K_WASH] * (1.0 - m) / adh_mult, rate)
    vp[..., K.VP_DEATH_PROG] = 1.0 - np.exp(-rate * dt)
    rate = kp[K.KP_K_APO_CHONDRO] * (1.0 + kp[K.KP_A_APO_IL1] * ieff)
    vp[..., K.VP_DEATH_CHONDRO] = 1.0 - np.exp(-rate * dt)
    crowd = np.maximum(0.0, 1.0 - dens_all / kp[K.KP_RHO_MAX])
    vp[..., K.VP_DIV_PROG] = 1.0 - np.exp(-kp[K.KP_K_DIV_PROG] * crowd * dt)
    vp[..., K.VP_DIV_CHONDRO] = 1.0 - np.exp(-kp[K.KP_K_DIV_CHONDRO] * crowd * dt)
    bn = fld[K.TGFB] ** kp[K.KP_N_TGFB_DIFF]
    gate = bn / (kp[K.KP_K_TGFB_DIFF] ** kp[K.KP_N_TGFB_DIFF] + bn)
    gate = gate * (diff_mult / (1.0 + ieff / kp[K.KP_K_IL1_DIFF]))
    on = dens_prog >= kp[K.KP_RHO_DIFF]
    vp[..., K.VP_DIFF_MSC] = np.where(on, 1.0 - np.exp(-kp[K.KP_K_DIFF] * gate * dt), 0.0)
    vp[..., K.VP_DIFF_MARROW] = np.where(
        on, 1.0 - np.exp(-kp[K.KP_K_DIFF] * gate * kp[K.KP_REL_DIFF_MARROW] * dt), 0.0)
    s0 = fld[K.SDF]
    wsum = np.zeros((ny, nx))
    for d, (di, dj) in enumerate(zip(K._DI, K._DJ)):
        nb_ent = _shift(ent, di, dj, fill=False)
        w = np.where(nb_ent, np.exp(kp[K.KP_CHI] * (_shift(s0, di, dj) - s0)), 1.0)
        m_max = np.maximum(m, _shift(m, di, dj))
        vp[..., K.VP_JUMP + d] = np.where(
            nb_ent, kp[K.KP_P_JUMP] * (1.0 - kp[K.KP_REL_MOT_MATRIX] * m_max), 0.0)
        wsum = wsum + w
        if d < 3:
            vp[..., K.VP_CUMW + d] = wsum
    for d in range(3):
        vp[..., K.VP_CUMW + d] /= wsum
    vp[~ent] = 0.0
    return vp.reshape(ny * nx, K.N_VP)


def reference_step(sim) -> None:
    """Advance a :class:`~sim.lesion.lesion_simulation.LesionSimulation` one step without Numba.

    The plain-Python reference the kernels are tested and benchmarked against: same draws and
    same order of grants, so after a step the agents equal those of :meth:`LesionSimulation.step`
    and the fields and matrix agree to rounding.

    Parameters
    ----------
    sim : LesionSimulation
        Advanced in place by one step of ``sim.dt`` days.
    """
    drv = sim.drivers.at(sim.t)
    diff_mult, adh_mult = sim._multipliers(drv)
    n, step, seed, nx, cap = sim.n, sim.step_index, sim.seed, sim.tissue.shape[1], sim.cap
    ids, kind = sim.ids[:n].tolist(), sim.kind[:n].tolist()
    iy, ix = sim.iy[:n].tolist(), sim.ix[:n].tolist()
    sim.counts[:] = 0
    np.add.at(sim.counts, (sim.kind[:n], sim.iy[:n], sim.ix[:n]), 1)
    _voxel_update(sim)
    _fields(sim, [0.0 if f == "sdf" else drv[f] for f in FIELD_NAMES])
    vp = _voxel_rates(sim, diff_mult, adh_mult)
    tissue = sim.tissue
    ent = lambda i, j: 0 <= i < tissue.shape[0] and 0 <= j < nx and tissue[i, j] in (CARTILAGE, DEFECT)  # noqa: E731
    occ = sim.counts.sum(axis=0).ravel().tolist()
    action, target = [K.NONE] * n, [-1] * n
    for a in range(n):
        k, i, j = kind[a], iy[a], ix[a]
        v = i * nx + j
        key = _stream(seed, step, ids[a])
        if _draw(key, R.P_DEATH) < vp[v, K.VP_DEATH_CHONDRO if k == K.CHONDRO else K.VP_DEATH_PROG]:
            action[a] = K.DIE
            continue
        if _draw(key, R.P_DIVIDE) < vp[v, K.VP_DIV_CHONDRO if k == K.CHONDRO else K.VP_DIV_PROG]:
            if occ[v] < cap:
                action[a], target[a] = K.DIVIDE, v
            else:
                d = int(_draw(key, R.P_DIV_TARGET) * 4.0)
                ti, tj = i + K._DI[d], j + K._DJ[d]
                if ent(ti, tj):
                    action[a], target[a] = K.DIVIDE, ti * nx + tj
            continue
        if k == K.CHONDRO:
            continue
        if _draw(key, R.P_DIFF) < vp[v, K.VP_DIFF_MARROW if k == K.MARROW else K.VP_DIFF_MSC]:
            action[a] = K.DIFFERENTIATE
            continue
        u = _draw(key, R.P_DIR)
        d = 0 if u < vp[v, 6] else 1 if u < vp[v, 7] else 2 if u < vp[v, 8] else 3
        if _draw(key, R.P_MOVE) < vp[v, K.VP_JUMP + d]:
            action[a], target[a] = K.MOVE, (i + K._DI[d]) * nx + j + K._DJ[d]
    # Capacity claims by (target, hashed priority).
    claims = sorted((target[a] << 39 | int(R.hash64(seed, step, ids[a], R.P_PRIORITY)) >> 25, a)
                    for a in range(n) if action[a] in (K.MOVE, K.DIVIDE))
    used: dict[int, int] = {}
    granted = set()
    for _, a in claims:
        t = target[a]
        if occ[t] + used.get(t, 0) < cap:
            used[t] = used.get(t, 0) + 1
            granted.add(a)
    out = []
    for a in range(n):
        if action[a] == K.DIE:
            continue
        k, i, j = kind[a], iy[a], ix[a]
        if action[a] == K.DIFFERENTIATE:
            k = K.CHONDRO
        elif action[a] == K.MOVE and a in granted:
            i, j = divmod(target[a], nx)
        out.append((ids[a], k, i, j))
    nid = sim.next_id
    for _, a in claims:
        if action[a] == K.DIVIDE and a in granted:
            out.append((nid, kind[a], *divmod(target[a], nx)))
            nid += 1
    n_arr = R.poisson(drv["msc_influx"] * sim.geometry.slice_fraction * sim.dt, seed, step, 0,
                      R.P_ARRIVAL_N)
    p_attach = min(1.0, sim.params["p_adhesion"] * adh_mult)
    mouth = sim.mouth_idx
    for r in range(n_arr):
        if len(mouth) == 0:
            break
        t = int(mouth[int(R.uniform(seed, step, r, R.P_ARRIVAL_POS) * len(mouth))])
        if R.uniform(seed, step, r, R.P_ARRIVAL_ADH) >= p_attach or occ[t] + used.get(t, 0) >= cap:
            continue
        used[t] = used.get(t, 0) + 1
        out.append((nid, K.MSC, *divmod(t, nx)))
        nid += 1
    m = len(out)
    if m > sim.ids.shape[0]:
        sim._alloc(2 * m)
    if m:
        arr = np.array(out, dtype=np.int64)
        sim.ids[:m], sim.kind[:m], sim.iy[:m], sim.ix[:m] = arr.T
    sim.n, sim.next_id = m, nid
    sim.step_index += 1
