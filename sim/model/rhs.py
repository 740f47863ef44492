"""Right-hand side of the joint-scale knee model: a pure Numba kernel over flat arrays.

``rhs(t, y, p, dydt)`` writes dy/dt (per day) for state vector ``y`` (see ``states.py``) and
parameter vector ``p`` (see ``parameters.py``). Dosing never appears here: injections are
jumps of the state applied between integration segments, so the right-hand side is smooth
in ``t`` and the stiff integrator's error control stays valid.

Structure (each block cites its basis in the module docstring of ``parameters.py`` rows):

* mechanics: load = patient load x surgical load factor, worse on PG-depleted matrix and eased
  by HA lubrication (Mononen 2016, Gardiner 2015 type threshold damage, models.md D3/D4);
* inflammation core after Baker, Brook & Owen 2017 (models.md B1): matrix fragments and IL-1
  recruit M1 macrophages, which produce IL-1, TNF and PGE2; M2 macrophages produce IL-1Ra,
  IL-10 and TGF-beta; IL-1Ra blocks IL-1 only in large excess (Arend 1990);
* soluble mediators relax to their production level at the joint's protein clearance rate
  (clearance / fluid volume: hours), which makes the system stiff;
* proteases (MMP-3, MMP-13, ADAMTS-4/5) degrade aggrecan (renewable) and collagen II (not
  renewed in adults, Heinemeier 2016); degradation releases fragments that close the loop;
* injected MSCs: free -> adhered (homing rises with damage) -> differentiated, with death and
  efferocytosis; their secretome (with injected exosomes) carries the paracrine and
  immunomodulatory actions; each of the four mechanisms is multiplied by its switch;
* drugs: HA (two residence times), PRP reservoir -> growth factors (hours), corticosteroid
  depot -> dissolved drug (Emax), generic adjuvant channels, contextual (placebo) response.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from sim.model.layout import *  # noqa: F403  (index constants, generated)

# layout-hash: aeaa3ffd305fc9c9

LN2 = math.log(2.0)


@njit(cache=True, inline="always")
def _pos(x):
    return x if x > 0.0 else 0.0


@njit(cache=True, inline="always")
def _sat(x, k):
    """Saturating response x/(k+x) of a non-negative signal."""
    x = x if x > 0.0 else 0.0
    return x / (k + x)


@njit(cache=True)
def rhs(t, y, p, dydt):
    """Write dy/dt of the knee model into ``dydt``.

    Parameters
    ----------
    t : float
        Time in days (unused: the model is autonomous between dose events).
    y : float64[N_Y]
        State vector.
    p : float64[N_P]
        Parameter vector.
    dydt : float64[N_Y]
        Output, overwritten.
    """
    rt = p[P_REL_TURNOVER]

    # --- read states (clipped at zero where they enter nonlinear terms) -----------------
    n_ch = _pos(y[Y_CHONDROCYTES])
    agg = _pos(y[Y_AGGRECAN])
    col = _pos(y[Y_COLLAGEN])
    rep = _pos(y[Y_REPAIR_TISSUE])
    m1 = _pos(y[Y_MACROPHAGE_M1])
    m2 = _pos(y[Y_MACROPHAGE_M2])
    vol = max(y[Y_EFFUSION], 1e-3 * p[P_EFFUSION_HEALTHY])
    il1 = _pos(y[Y_IL1B])
    tnf = _pos(y[Y_TNFA])
    ra = _pos(y[Y_IL1RA])
    il10 = _pos(y[Y_IL10])
    tgf = _pos(y[Y_TGFB])
    gf = _pos(y[Y_PRP_FACTORS])
    mmp3 = _pos(y[Y_MMP3])
    mmp13 = _pos(y[Y_MMP13])
    adamts = _pos(y[Y_ADAMTS])
    frag = _pos(y[Y_FRAGMENTS])
    m_free = _pos(y[Y_MSC_FREE])
    m_adh = _pos(y[Y_MSC_ADHERED])
    m_diff = _pos(y[Y_MSC_DIFFERENTIATED])
    m_dead = _pos(y[Y_MSC_DEAD])
    sec = _pos(y[Y_SECRETOME])
    ha = _pos(y[Y_HA_LINEAR]) + _pos(y[Y_HA_CROSSLINKED])
    steroid = _pos(y[Y_STEROID])
    u_ai = _pos(y[Y_ANTIINFLAMMATORY])
    u_an = _pos(y[Y_ANABOLIC])
    u_sc = _pos(y[Y_SCAFFOLD])

    # --- shared signals ------------------------------------------------------------------
    k_prot = p[P_CLEARANCE_PROTEIN] * (1.0 + p[P_CLEARANCE_INFLAMED] * _pos(m1 - p[P_M1_HEALTHY])) / vol
    il1_eff = il1 / (1.0 + ra / p[P_K_IL1RA])
    il1_excess = _pos(il1_eff - 1.0)
    tnf_excess = _pos(tnf - 1.0)
    tgf_signal = p[P_REL_TGFB_RECEPTOR] * _sat(tgf - 1.0, 1.0)
    prp_signal = _sat(gf, p[P_K_PRP])
    e_ha = _sat(ha, p[P_K_HA])
    e_steroid = p[P_STEROID_EMAX] * _sat(steroid, p[P_STEROID_EC50])
    e_ai = p[P_ANTIINFLAMMATORY_EMAX] * _sat(u_ai, 1.0)
    anabolic = p[P_ANABOLIC_EMAX] * _sat(u_an, 1.0)
    e_an = p[P_ANABOLIC_ANTIINFLAMMATORY] * _sat(u_an, 1.0)
    suppress = (1.0 - e_steroid) * (1.0 - e_ai) * (1.0 - e_an)
    scaffold = _sat(u_sc, 1.0)

    load = p[P_REL_LOAD_PATIENT] * _pos(y[Y_LOAD_FACTOR])
    stress = load * (1.0 + p[P_LOAD_VULNERABILITY] * _pos(1.0 - agg)) * (1.0 - p[P_HA_LUBRICATION] * e_ha)
    overload = stress * stress  # damage grows faster than linearly with stress

    # MSC secretome: licensed by inflammation (PGE2 x10 on licensing), saturating effect.
    licensing = 1.0 + p[P_LICENSING_MAX] * _sat(il1_excess + tnf_excess, p[P_K_LICENSING])
    m_live = m_free + m_adh
    sec_signal = _sat(sec, p[P_K_SECRETOME])
    effero = p[P_K_EFFEROCYTOSIS] * (m1 + m2) * m_dead
    paracrine = p[P_MECH_PARACRINE] * sec_signal * (0.5 + 0.5 * p[P_REL_TGFB_RECEPTOR])
    immuno = p[P_MECH_IMMUNOMODULATION] * (
        sec_signal * (0.5 + 0.5 * p[P_REL_TGFB_RECEPTOR]) + p[P_EFFEROCYTOSIS_M2] * _sat(effero, 1.0)
    )

    # --- synovial macrophages ------------------------------------------------------------
    free_capacity = _pos(1.0 - m1 - m2)
    memory = _pos(y[Y_SYNOVIAL_MEMORY])
    recruit = (
        p[P_K_RECRUIT] * p[P_REL_INFLAMMATION] * memory
        * (1.0 + p[P_RECRUIT_FRAGMENTS] * _sat(frag - 1.0, p[P_K_FRAGMENTS])
           + p[P_RECRUIT_IL1] * _sat(il1_excess + tnf_excess, p[P_K_IL1])
           + p[P_RECRUIT_LOAD] * _pos(overload - 1.0))
        * suppress
        * (1.0 - p[P_HA_ANTIINFLAMMATORY] * e_ha)
        * (1.0 - p[P_IMMUNO_SUPPRESSION] * _sat(immuno, 1.0))
    )
    to_m2 = p[P_K_M1_TO_M2] * (
        1.0 + _sat(il10 - 1.0, 1.0) + p[P_IMMUNO_M1_TO_M2] * immuno + p[P_PRP_M1_TO_M2] * prp_signal
    )
    to_m1 = p[P_K_M2_TO_M1] * (il1_excess + tnf_excess)
    # Synovial memory: the pro-resolving signals of the products (MSC secretome/efferocytosis,
    # platelet factors, HA's CD44 action; each a saturating signal in [0, 1], weighted equally for
    # want of data to separate them) lower the inflammatory set point towards a floor; it returns
    # to the untreated set point over months. The signals enter unweighted by the fast gains
    # (immuno_m1_to_m2, prp_m1_to_m2, ha_antiinflammatory), so the calibration can trade a fast
    # against a lasting effect. Corticosteroid suppresses production without repolarising and
    # does not train it.
    resolution = _sat(immuno, 1.0) + prp_signal + e_ha
    dydt[Y_SYNOVIAL_MEMORY] = rt * (
        LN2 / p[P_HALF_LIFE_SYNOVIAL_MEMORY] * (1.0 - memory)
        - p[P_MECH_SYNOVIAL_MEMORY] * p[P_K_MEMORY_TRAINING] * _sat(resolution, p[P_K_MEMORY_RESOLUTION])
        * _pos(memory - p[P_MEMORY_FLOOR]))
    flux_12 = to_m2 * m1
    flux_21 = to_m1 * m2
    dydt[Y_MACROPHAGE_M1] = rt * (recruit * free_capacity - flux_12 + flux_21 - p[P_K_MACROPHAGE_LOSS] * m1)
    dydt[Y_MACROPHAGE_M2] = rt * (
        p[P_K_M2_RECRUIT] * free_capacity + flux_12 - flux_21 - p[P_K_MACROPHAGE_LOSS] * m2
    )
    v_target = p[P_EFFUSION_HEALTHY] * (1.0 + p[P_EFFUSION_PER_M1] * _pos(m1 - p[P_M1_HEALTHY]))
    dydt[Y_EFFUSION] = p[P_K_EFFUSION] * (v_target - y[Y_EFFUSION])

    # --- soluble mediators: relax to production at the protein clearance rate -------------
    frag_excess = _pos(frag - 1.0)
    d_il1 = (p[P_IL1_BASAL] + p[P_IL1_PER_M1] * m1 + p[P_IL1_PER_FRAGMENT] * frag_excess) * suppress
    d_tnf = (p[P_TNF_BASAL] + p[P_TNF_PER_M1] * m1) * suppress
    d_il6 = (p[P_IL6_BASAL] + p[P_IL6_PER_CYTOKINE] * (il1_eff + tnf)) * suppress \
        + p[P_IL6_PER_MSC] * licensing * _sat(m_live, p[P_K_SECRETOME])
    d_ra = p[P_IL1RA_BASAL] + p[P_IL1RA_PER_M2] * m2 + p[P_IMMUNO_IL1RA] * immuno + p[P_PRP_IL1RA] * prp_signal
    d_il10 = p[P_IL10_BASAL] + p[P_IL10_PER_M2] * m2 + p[P_IMMUNO_IL10] * immuno
    d_tgf = p[P_TGFB_BASAL] * n_ch + p[P_TGFB_PER_M2] * m2 + p[P_PARACRINE_TGFB] * paracrine \
        + p[P_PRP_TGFB] * prp_signal
    d_pge2 = (p[P_PGE2_BASAL] + p[P_PGE2_PER_M1] * m1) * (1.0 - e_steroid) * (1.0 - e_ai) \
        + p[P_PGE2_PER_MSC] * p[P_MECH_IMMUNOMODULATION] * licensing * _sat(m_live, p[P_K_SECRETOME])
    dydt[Y_IL1B] = k_prot * (d_il1 - il1)
    dydt[Y_TNFA] = k_prot * (d_tnf - tnf)
    dydt[Y_IL6] = k_prot * (d_il6 - _pos(y[Y_IL6]))
    dydt[Y_IL1RA] = k_prot * (d_ra - ra)
    dydt[Y_IL10] = k_prot * (d_il10 - il10)
    dydt[Y_TGFB] = k_prot * (d_tgf - tgf)
    dydt[Y_PGE2] = k_prot * (d_pge2 - _pos(y[Y_PGE2]))
    prp_release = p[P_K_PRP_RELEASE] * _pos(y[Y_PRP_RESERVOIR])
    dydt[Y_PRP_RESERVOIR] = -prp_release
    fibrin_release = LN2 / p[P_HALF_LIFE_PRP_FIBRIN] * _pos(y[Y_PRP_FIBRIN])
    dydt[Y_PRP_FIBRIN] = -fibrin_release
    dydt[Y_PRP_FACTORS] = (prp_release + fibrin_release) * p[P_PRP_TGFB1_PER_ML] / vol - k_prot * gf
    # Nociceptive sensitisation follows the nociceptive drive over weeks (read by the pain index).
    dydt[Y_SENSITISATION] = rt * p[P_K_SENSITISATION] * (_pos(y[Y_PGE2] - 1.0) - _pos(y[Y_SENSITISATION]))

    # --- proteases (days) ------------------------------------------------------------------
    k_pr = LN2 / p[P_HALF_LIFE_PROTEASE]
    restraint = 1.0 / (1.0 + p[P_PROTEASE_INHIBITION] * (_pos(il10 - 1.0) + _pos(tgf - 1.0)))
    induce = p[P_PROTEASE_PER_IL1] * il1_excess + p[P_PROTEASE_PER_TNF] * tnf_excess
    d_mmp3 = (1.0 + induce + p[P_PROTEASE_PER_FRAGMENT] * frag_excess) * restraint * suppress
    d_mmp13 = n_ch * (1.0 + induce
                      + p[P_PROTEASE_PER_LOAD] * _pos(overload - 1.0)) * restraint * suppress
    d_adamts = (1.0 + induce
                + p[P_ADAMTS_PER_EFFUSION] * _pos(vol / p[P_EFFUSION_HEALTHY] - 1.0)) * restraint * suppress
    dydt[Y_MMP3] = k_pr * (d_mmp3 - mmp3)
    dydt[Y_MMP13] = k_pr * (d_mmp13 - mmp13)
    dydt[Y_ADAMTS] = k_pr * (d_adamts - adamts)

    # --- matrix ---------------------------------------------------------------------------
    stim_a = 1.0 + p[P_AGGRECAN_PER_TGFB] * tgf_signal + p[P_AGGRECAN_PER_PRP] * prp_signal \
        + p[P_AGGRECAN_PER_ANABOLIC] * anabolic + p[P_AGGRECAN_PER_PARACRINE] * paracrine
    # Synthesis slows as content approaches capacity; at content 1 it balances healthy loss.
    synth_a = p[P_K_AGGRECAN_SYNTHESIS] * p[P_REL_ANABOLIC_AGE] * n_ch * stim_a \
        * _pos(p[P_AGGRECAN_CAPACITY] - agg) / (p[P_AGGRECAN_CAPACITY] - 1.0)
    loss_a = (p[P_K_AGGRECAN_ADAMTS] * adamts + p[P_K_AGGRECAN_MMP3] * mmp3 + p[P_K_AGGRECAN_LOAD] * overload) * agg
    dydt[Y_AGGRECAN] = rt * (synth_a - loss_a)

    exposed = 1.0 - p[P_AGGRECAN_PROTECTION] * min(agg, 1.0)
    k_col = (p[P_K_COLLAGEN_MMP13] * mmp13 + p[P_K_COLLAGEN_LOAD] * overload) * exposed
    loss_c = k_col * col
    dydt[Y_COLLAGEN] = rt * (p[P_K_COLLAGEN_SYNTHESIS] * n_ch * _pos(1.0 - col) - loss_c)

    # Repair tissue fills the volume that collagen loss left empty.
    deposit = p[P_MECH_DIFFERENTIATION] * p[P_K_REPAIR] * _sat(m_diff, p[P_K_REPAIR_CELLS]) \
        * _pos(1.0 - col - rep) * (1.0 + anabolic)
    # Unloading below the knee's habitual load lets resident progenitors (marrow, synovium) cover
    # lost cartilage with fibrocartilage (defects covered by fibrous tissue after HTO alone).
    resident = p[P_MECH_RESIDENT_REPAIR] * p[P_K_RESIDENT_REPAIR] \
        * _pos(1.0 - y[Y_LOAD_FACTOR]) * _pos(1.0 - col - rep)
    cue = tgf_signal + scaffold
    quality_new = p[P_REPAIR_QUALITY_MIN] + (p[P_REPAIR_QUALITY_MAX] - p[P_REPAIR_QUALITY_MIN]) * cue / (1.0 + cue)
    dydt[Y_REPAIR_TISSUE] = rt * (deposit + resident - k_col * rep)
    dydt[Y_REPAIR_HYALINE] = rt * (quality_new * deposit + p[P_REPAIR_QUALITY_MIN] * resident
                                   - k_col * _pos(y[Y_REPAIR_HYALINE]))

    death_n = (p[P_K_CHONDROCYTE_DEATH_IL1] * il1_excess
               + p[P_K_CHONDROCYTE_DEATH_LOAD] * _pos(overload - 1.0)
               + p[P_K_CHONDROCYTE_DEATH_STEROID] * e_steroid) * (1.0 - p[P_PARACRINE_SURVIVAL] * paracrine)
    renew_n = p[P_K_CHONDROCYTE_RENEWAL] * p[P_REL_ANABOLIC_AGE] * (
        tgf_signal + prp_signal + anabolic + paracrine) * _pos(1.0 - n_ch)
    # Basal turnover keeps a healthy cartilage at its density; disease adds death on top.
    dydt[Y_CHONDROCYTES] = rt * (renew_n * n_ch - death_n * n_ch - p[P_K_CHONDROCYTE_DEATH] * (n_ch - 1.0))

    # Fragments and CTX-II: released by degradation, normalised to a healthy knee.
    # Floors keep the normalisation finite when a user switches a degradation pathway off.
    healthy_a = max(p[P_K_AGGRECAN_ADAMTS] + p[P_K_AGGRECAN_MMP3] + p[P_K_AGGRECAN_LOAD], 1e-12)
    healthy_c = max((p[P_K_COLLAGEN_MMP13] + p[P_K_COLLAGEN_LOAD]) * (1.0 - p[P_AGGRECAN_PROTECTION]), 1e-12)
    # Fibrillated, thinned cartilage also sheds wear debris in proportion to lost volume and load.
    frag_source = 0.5 * loss_a / healthy_a + 0.5 * (loss_c + k_col * rep) / healthy_c \
        + p[P_FRAGMENTS_PER_DAMAGE] * _pos(1.0 - col - rep) * load
    dydt[Y_FRAGMENTS] = p[P_K_FRAGMENT_CLEAR] * (frag_source - frag)
    dydt[Y_CTX2] = p[P_K_CTX2_CLEAR] * ((loss_c + k_col * rep) / healthy_c - _pos(y[Y_CTX2]))

    # --- injected MSCs ----------------------------------------------------------------------
    damage = _pos(1.0 - 0.5 * (agg + col + rep))
    homing = p[P_MSC_ADHESION_BASAL] + (1.0 - p[P_MSC_ADHESION_BASAL]) * p[P_MECH_HOMING] * min(4.0 * damage, 1.0)
    # HA engages CD44 on MSCs: more migration/adhesion and chondrogenesis, slower proliferation
    # (Wong 2021; Corradetti 2017); the switch set to 0 gives factors of exactly 1.
    ha_carrier = p[P_MECH_HA_MSC_CARRIER] * e_ha
    adhesion = p[P_K_MSC_ADHESION] * homing * (1.0 + p[P_ADHESION_PER_SCAFFOLD] * scaffold) \
        * (1.0 + p[P_HA_ADHESION_GAIN] * ha_carrier)
    crowd = 1.0 + (m_live + m_diff) / p[P_K_MSC_CROWDING]
    immune = 1.0 + p[P_MSC_ALLOGENEIC_DEATH] * p[P_REL_MSC_ALLOGENEIC]
    loss_free = p[P_K_MSC_LOSS_FREE] * crowd * immune
    death_free = p[P_P_MSC_FREE_DEATH] * loss_free * m_free
    death_adh = p[P_K_MSC_DEATH_ADHERED] * crowd * immune * m_adh
    # The switch gates what differentiated cells build (repair tissue, below), not the fate
    # flux itself, so that switching it off does not leave more cells secreting.
    # IL-1 and TNF inhibit MSC chondrogenesis dose-dependently through NF-kB, IL-1 more potently
    # (Wehling 2009; Heldens 2012); the switch set to 0 gives exactly 1.
    inflamed_fate = 1.0 / (1.0 + p[P_MECH_INFLAMMATION_BLOCKS_CHONDROGENESIS] * (
        il1_excess / p[P_K_IL1_CHONDROGENESIS] + tnf_excess / p[P_K_TNF_CHONDROGENESIS]))
    differentiation = p[P_K_MSC_DIFFERENTIATION] * (
        1.0 + p[P_DIFFERENTIATION_PER_TGFB] * tgf_signal + p[P_DIFFERENTIATION_PER_SCAFFOLD] * scaffold
        + p[P_DIFFERENTIATION_PER_ANABOLIC] * anabolic) * _sat(m_adh, p[P_K_MSC_DENSITY]) * m_adh * inflamed_fate \
        * (1.0 + p[P_HA_DIFFERENTIATION_GAIN] * ha_carrier) \
        * (1.0 + p[P_MECH_PRP_MSC] * p[P_PRP_DIFFERENTIATION_GAIN] * prp_signal * tgf_signal)
    # PRP growth factors mildly stimulate MSC proliferation; their chondrogenic push needs
    # TGF-beta (Elder 2014; Mardani 2013). The switch set to 0 gives factors of exactly 1.
    proliferation = p[P_K_MSC_PROLIFERATION] * m_adh * _pos(1.0 - m_adh / p[P_K_MSC_NICHE]) \
        * (1.0 - p[P_HA_PROLIFERATION_LOSS] * ha_carrier) \
        * (1.0 + p[P_MECH_PRP_MSC] * p[P_PRP_PROLIFERATION_GAIN] * prp_signal)
    death_diff = p[P_K_MSC_DEATH_DIFFERENTIATED] * (1.0 + il1_excess) * m_diff
    dydt[Y_MSC_FREE] = p[P_K_PRP_MSC_RECRUITMENT] * prp_signal - (loss_free + adhesion) * m_free
    dydt[Y_MSC_ADHERED] = adhesion * m_free + proliferation - differentiation - death_adh
    dydt[Y_MSC_DIFFERENTIATED] = differentiation - death_diff
    dydt[Y_MSC_DEAD] = death_free + death_adh + death_diff - effero
    dydt[Y_SECRETOME] = p[P_K_SECRETION] * p[P_REL_MSC_POTENCY] * licensing * m_live \
        - LN2 / p[P_HALF_LIFE_SECRETOME] * sec

    # --- drugs, devices, contextual response -----------------------------------------------
    dydt[Y_HA_LINEAR] = -LN2 / p[P_HALF_LIFE_HA_LINEAR] * y[Y_HA_LINEAR]
    dydt[Y_HA_CROSSLINKED] = -LN2 / p[P_HALF_LIFE_HA_CROSSLINKED] * y[Y_HA_CROSSLINKED]
    dissolve = LN2 / p[P_HALF_LIFE_STEROID_DEPOT] * y[Y_STEROID_DEPOT]
    dydt[Y_STEROID_DEPOT] = -dissolve
    dydt[Y_STEROID] = dissolve * 1e6 / vol - p[P_CLEARANCE_SMALL_MOLECULE] / vol * y[Y_STEROID]
    dydt[Y_LOAD_FACTOR] = 0.0
    dydt[Y_PLACEBO_DRIVE] = -p[P_K_PLACEBO_OFFSET] * y[Y_PLACEBO_DRIVE]
    dydt[Y_PLACEBO_RESPONSE] = p[P_K_PLACEBO_ONSET] * (y[Y_PLACEBO_DRIVE] - y[Y_PLACEBO_RESPONSE])
    dydt[Y_ANTIINFLAMMATORY] = 0.0
    dydt[Y_ANABOLIC] = 0.0
    dydt[Y_SCAFFOLD] = -LN2 / p[P_HALF_LIFE_SCAFFOLD] * y[Y_SCAFFOLD]
    return 0


@njit(cache=True)
def jac(t, y, p, J):
    """Dense Jacobian d(dy/dt)/dy by one-sided finite differences, written into ``J``.

    Increments are scaled to each component so that both tiny (cell counts before a dose) and
    order-one states get a well-conditioned difference.
    """
    n = y.shape[0]
    f0 = np.empty(n)
    f1 = np.empty(n)
    yp = y.copy()
    rhs(t, y, p, f0)
    for j in range(n):
        h = 1.5e-8 * max(abs(y[j]), 1e-3)
        yp[j] = y[j] + h
        rhs(t, yp, p, f1)
        yp[j] = y[j]
        for i in range(n):
            J[i, j] = (f1[i] - f0[i]) / h
    return 0

