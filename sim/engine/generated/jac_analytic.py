# @generated from sim/model/rhs.py and sim/model/layout.py by ``python -m sim.codegen``: do not edit by hand.
# source-hash: 6b1c5b509fc539c3
"""Exact Jacobian ``d(dydt)/dy`` of the knee model's right-hand side (:func:`sim.model.rhs.rhs`).

Derived symbolically from ``rhs`` (see :mod:`sim.codegen.jacobian_source` for the method and the
one-sided derivative used at the kinks of ``max``/``min``/clipping: the limit of a forward
finite difference). 266 structurally non-zero entries of 40 x 40, including the full
diagonal (3 diagonal entries are identically zero and written as 0.0).

``jac(t, y, p, J)`` writes only the entries of ``JAC_PATTERN`` into a dense ``J``; the caller
zeroes ``J`` once. ``JAC_INDPTR`` and ``JAC_INDICES`` give the pattern in compressed-column
order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.model.layout import *  # noqa: F403  (index constants)

SOURCE_HASH = "6b1c5b509fc539c3"
JAC_NNZ = 266

#: Compressed-column structure of the pattern: rows of column j are
#: ``JAC_INDICES[JAC_INDPTR[j]:JAC_INDPTR[j + 1]]``, ascending.
JAC_INDPTR = np.array([
    0, 5, 16, 23, 29, 30, 43, 50, 61, 74, 85, 86, 99, 105, 114, 125, 128, 134, 137, 141, 142,
    144, 150, 157, 163, 169, 178, 192, 206, 208, 210, 220, 230, 232, 233, 242, 256, 261, 262,
    264, 266,
], dtype=np.int64)
JAC_INDICES = np.array([
    0, 1, 2, 13, 16, 0, 1, 2, 3, 4, 5, 16, 18, 19, 21, 22, 2, 3, 4, 18, 19, 21, 22, 3, 4, 18,
    19, 21, 22, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20, 24, 38, 5, 6, 11, 12, 13, 24, 38, 7,
    8, 9, 10, 11, 12, 13, 14, 17, 20, 30, 0, 5, 6, 8, 10, 15, 16, 17, 20, 22, 23, 24, 25, 5, 6,
    9, 10, 15, 16, 17, 20, 22, 23, 25, 10, 0, 5, 6, 10, 11, 15, 16, 17, 20, 22, 23, 24, 25, 5,
    6, 12, 15, 16, 17, 0, 1, 4, 13, 15, 16, 17, 22, 23, 0, 1, 5, 6, 11, 13, 14, 21, 22, 23, 38,
    1, 15, 18, 2, 3, 4, 16, 18, 19, 1, 17, 18, 5, 8, 15, 18, 19, 20, 37, 10, 20, 21, 22, 24,
    25, 10, 20, 21, 22, 23, 24, 25, 3, 4, 21, 22, 23, 24, 5, 6, 11, 12, 24, 38, 0, 1, 5, 6, 11,
    12, 13, 25, 38, 0, 1, 2, 3, 4, 5, 16, 18, 19, 21, 22, 23, 26, 38, 0, 1, 2, 3, 4, 5, 16, 18,
    19, 21, 22, 23, 27, 38, 14, 28, 29, 30, 0, 5, 8, 9, 10, 15, 16, 17, 20, 30, 0, 1, 2, 3, 4,
    5, 16, 18, 19, 31, 32, 33, 33, 5, 8, 9, 10, 15, 16, 17, 20, 34, 0, 1, 3, 4, 5, 8, 9, 10,
    15, 16, 17, 22, 23, 35, 4, 21, 22, 23, 36, 37, 5, 38, 14, 39,
], dtype=np.int64)

#: bool[40, 40]: True at every entry that ``jac`` writes.
JAC_PATTERN = np.zeros((40, 40), dtype=np.bool_)
for _j in range(40):
    JAC_PATTERN[JAC_INDICES[JAC_INDPTR[_j]:JAC_INDPTR[_j + 1]], _j] = True
del _j
for _a in (JAC_INDPTR, JAC_INDICES, JAC_PATTERN):
    _a.setflags(write=False)
del _a


@njit(cache=True)
def jac(t, y, p, J):
    """Write the structurally non-zero entries of d(dydt)/dy into ``J``.

    Parameters
    ----------
    t : float
        Time in days (unused: the model is autonomous).
    y : float64[N_Y]
        State vector.
    p : float64[N_P]
        Parameter vector.
    J : float64[N_Y, N_Y]
        Output; entries outside ``JAC_PATTERN`` are left untouched.

    Returns
    -------
    int
        0.
    """
    y_chondrocytes = y[Y_CHONDROCYTES]
    y_aggrecan = y[Y_AGGRECAN]
    y_collagen = y[Y_COLLAGEN]
    y_repair_tissue = y[Y_REPAIR_TISSUE]
    y_repair_hyaline = y[Y_REPAIR_HYALINE]
    y_macrophage_m1 = y[Y_MACROPHAGE_M1]
    y_macrophage_m2 = y[Y_MACROPHAGE_M2]
    y_effusion = y[Y_EFFUSION]
    y_il1b = y[Y_IL1B]
    y_tnfa = y[Y_TNFA]
    y_il6 = y[Y_IL6]
    y_il1ra = y[Y_IL1RA]
    y_il10 = y[Y_IL10]
    y_tgfb = y[Y_TGFB]
    y_prp_factors = y[Y_PRP_FACTORS]
    y_mmp3 = y[Y_MMP3]
    y_mmp13 = y[Y_MMP13]
    y_adamts = y[Y_ADAMTS]
    y_fragments = y[Y_FRAGMENTS]
    y_ctx2 = y[Y_CTX2]
    y_pge2 = y[Y_PGE2]
    y_msc_free = y[Y_MSC_FREE]
    y_msc_adhered = y[Y_MSC_ADHERED]
    y_msc_differentiated = y[Y_MSC_DIFFERENTIATED]
    y_msc_dead = y[Y_MSC_DEAD]
    y_secretome = y[Y_SECRETOME]
    y_ha_linear = y[Y_HA_LINEAR]
    y_ha_crosslinked = y[Y_HA_CROSSLINKED]
    y_prp_reservoir = y[Y_PRP_RESERVOIR]
    y_steroid_depot = y[Y_STEROID_DEPOT]
    y_steroid = y[Y_STEROID]
    y_load_factor = y[Y_LOAD_FACTOR]
    y_antiinflammatory = y[Y_ANTIINFLAMMATORY]
    y_anabolic = y[Y_ANABOLIC]
    y_scaffold = y[Y_SCAFFOLD]
    y_sensitisation = y[Y_SENSITISATION]
    y_synovial_memory = y[Y_SYNOVIAL_MEMORY]
    y_prp_fibrin = y[Y_PRP_FIBRIN]
    p_mech_differentiation = p[P_MECH_DIFFERENTIATION]
    p_mech_paracrine = p[P_MECH_PARACRINE]
    p_mech_immunomodulation = p[P_MECH_IMMUNOMODULATION]
    p_mech_homing = p[P_MECH_HOMING]
    p_rel_turnover = p[P_REL_TURNOVER]
    p_effusion_healthy = p[P_EFFUSION_HEALTHY]
    p_clearance_protein = p[P_CLEARANCE_PROTEIN]
    p_clearance_inflamed = p[P_CLEARANCE_INFLAMED]
    p_clearance_small_molecule = p[P_CLEARANCE_SMALL_MOLECULE]
    p_rel_load_patient = p[P_REL_LOAD_PATIENT]
    p_rel_inflammation = p[P_REL_INFLAMMATION]
    p_rel_anabolic_age = p[P_REL_ANABOLIC_AGE]
    p_k_recruit = p[P_K_RECRUIT]
    p_recruit_fragments = p[P_RECRUIT_FRAGMENTS]
    p_recruit_il1 = p[P_RECRUIT_IL1]
    p_recruit_load = p[P_RECRUIT_LOAD]
    p_k_fragments = p[P_K_FRAGMENTS]
    p_k_il1 = p[P_K_IL1]
    p_k_m1_to_m2 = p[P_K_M1_TO_M2]
    p_k_m2_to_m1 = p[P_K_M2_TO_M1]
    p_k_m2_recruit = p[P_K_M2_RECRUIT]
    p_k_macrophage_loss = p[P_K_MACROPHAGE_LOSS]
    p_m1_healthy = p[P_M1_HEALTHY]
    p_k_effusion = p[P_K_EFFUSION]
    p_effusion_per_m1 = p[P_EFFUSION_PER_M1]
    p_il1_basal = p[P_IL1_BASAL]
    p_il1_per_m1 = p[P_IL1_PER_M1]
    p_il1_per_fragment = p[P_IL1_PER_FRAGMENT]
    p_tnf_basal = p[P_TNF_BASAL]
    p_tnf_per_m1 = p[P_TNF_PER_M1]
    p_il6_basal = p[P_IL6_BASAL]
    p_il6_per_cytokine = p[P_IL6_PER_CYTOKINE]
    p_il6_per_msc = p[P_IL6_PER_MSC]
    p_il1ra_basal = p[P_IL1RA_BASAL]
    p_il1ra_per_m2 = p[P_IL1RA_PER_M2]
    p_il10_basal = p[P_IL10_BASAL]
    p_il10_per_m2 = p[P_IL10_PER_M2]
    p_tgfb_basal = p[P_TGFB_BASAL]
    p_tgfb_per_m2 = p[P_TGFB_PER_M2]
    p_k_il1ra = p[P_K_IL1RA]
    p_rel_tgfb_receptor = p[P_REL_TGFB_RECEPTOR]
    p_half_life_protease = p[P_HALF_LIFE_PROTEASE]
    p_protease_per_il1 = p[P_PROTEASE_PER_IL1]
    p_protease_per_tnf = p[P_PROTEASE_PER_TNF]
    p_protease_per_fragment = p[P_PROTEASE_PER_FRAGMENT]
    p_protease_per_load = p[P_PROTEASE_PER_LOAD]
    p_adamts_per_effusion = p[P_ADAMTS_PER_EFFUSION]
    p_protease_inhibition = p[P_PROTEASE_INHIBITION]
    p_fragments_per_damage = p[P_FRAGMENTS_PER_DAMAGE]
    p_k_fragment_clear = p[P_K_FRAGMENT_CLEAR]
    p_k_ctx2_clear = p[P_K_CTX2_CLEAR]
    p_pge2_basal = p[P_PGE2_BASAL]
    p_pge2_per_m1 = p[P_PGE2_PER_M1]
    p_pge2_per_msc = p[P_PGE2_PER_MSC]
    p_k_aggrecan_synthesis = p[P_K_AGGRECAN_SYNTHESIS]
    p_aggrecan_capacity = p[P_AGGRECAN_CAPACITY]
    p_k_aggrecan_adamts = p[P_K_AGGRECAN_ADAMTS]
    p_k_aggrecan_mmp3 = p[P_K_AGGRECAN_MMP3]
    p_k_aggrecan_load = p[P_K_AGGRECAN_LOAD]
    p_aggrecan_per_tgfb = p[P_AGGRECAN_PER_TGFB]
    p_aggrecan_per_prp = p[P_AGGRECAN_PER_PRP]
    p_aggrecan_per_anabolic = p[P_AGGRECAN_PER_ANABOLIC]
    p_aggrecan_per_paracrine = p[P_AGGRECAN_PER_PARACRINE]
    p_k_collagen_mmp13 = p[P_K_COLLAGEN_MMP13]
    p_k_collagen_load = p[P_K_COLLAGEN_LOAD]
    p_aggrecan_protection = p[P_AGGRECAN_PROTECTION]
    p_k_collagen_synthesis = p[P_K_COLLAGEN_SYNTHESIS]
    p_load_vulnerability = p[P_LOAD_VULNERABILITY]
    p_k_chondrocyte_death = p[P_K_CHONDROCYTE_DEATH]
    p_k_chondrocyte_death_il1 = p[P_K_CHONDROCYTE_DEATH_IL1]
    p_k_chondrocyte_death_load = p[P_K_CHONDROCYTE_DEATH_LOAD]
    p_k_chondrocyte_death_steroid = p[P_K_CHONDROCYTE_DEATH_STEROID]
    p_k_chondrocyte_renewal = p[P_K_CHONDROCYTE_RENEWAL]
    p_k_msc_loss_free = p[P_K_MSC_LOSS_FREE]
    p_p_msc_free_death = p[P_P_MSC_FREE_DEATH]
    p_k_msc_adhesion = p[P_K_MSC_ADHESION]
    p_msc_adhesion_basal = p[P_MSC_ADHESION_BASAL]
    p_k_msc_death_adhered = p[P_K_MSC_DEATH_ADHERED]
    p_k_msc_crowding = p[P_K_MSC_CROWDING]
    p_msc_allogeneic_death = p[P_MSC_ALLOGENEIC_DEATH]
    p_k_msc_proliferation = p[P_K_MSC_PROLIFERATION]
    p_k_msc_niche = p[P_K_MSC_NICHE]
    p_k_msc_differentiation = p[P_K_MSC_DIFFERENTIATION]
    p_k_msc_density = p[P_K_MSC_DENSITY]
    p_differentiation_per_tgfb = p[P_DIFFERENTIATION_PER_TGFB]
    p_differentiation_per_scaffold = p[P_DIFFERENTIATION_PER_SCAFFOLD]
    p_differentiation_per_anabolic = p[P_DIFFERENTIATION_PER_ANABOLIC]
    p_adhesion_per_scaffold = p[P_ADHESION_PER_SCAFFOLD]
    p_mech_inflammation_blocks_chondrogenesis = p[P_MECH_INFLAMMATION_BLOCKS_CHONDROGENESIS]
    p_k_il1_chondrogenesis = p[P_K_IL1_CHONDROGENESIS]
    p_k_tnf_chondrogenesis = p[P_K_TNF_CHONDROGENESIS]
    p_mech_ha_msc_carrier = p[P_MECH_HA_MSC_CARRIER]
    p_ha_differentiation_gain = p[P_HA_DIFFERENTIATION_GAIN]
    p_ha_proliferation_loss = p[P_HA_PROLIFERATION_LOSS]
    p_ha_adhesion_gain = p[P_HA_ADHESION_GAIN]
    p_mech_prp_msc = p[P_MECH_PRP_MSC]
    p_prp_proliferation_gain = p[P_PRP_PROLIFERATION_GAIN]
    p_prp_differentiation_gain = p[P_PRP_DIFFERENTIATION_GAIN]
    p_k_msc_death_differentiated = p[P_K_MSC_DEATH_DIFFERENTIATED]
    p_k_efferocytosis = p[P_K_EFFEROCYTOSIS]
    p_rel_msc_potency = p[P_REL_MSC_POTENCY]
    p_rel_msc_allogeneic = p[P_REL_MSC_ALLOGENEIC]
    p_k_secretion = p[P_K_SECRETION]
    p_half_life_secretome = p[P_HALF_LIFE_SECRETOME]
    p_k_secretome = p[P_K_SECRETOME]
    p_licensing_max = p[P_LICENSING_MAX]
    p_k_licensing = p[P_K_LICENSING]
    p_immuno_m1_to_m2 = p[P_IMMUNO_M1_TO_M2]
    p_immuno_suppression = p[P_IMMUNO_SUPPRESSION]
    p_immuno_il1ra = p[P_IMMUNO_IL1RA]
    p_immuno_il10 = p[P_IMMUNO_IL10]
    p_efferocytosis_m2 = p[P_EFFEROCYTOSIS_M2]
    p_paracrine_tgfb = p[P_PARACRINE_TGFB]
    p_paracrine_survival = p[P_PARACRINE_SURVIVAL]
    p_k_repair = p[P_K_REPAIR]
    p_k_repair_cells = p[P_K_REPAIR_CELLS]
    p_repair_quality_min = p[P_REPAIR_QUALITY_MIN]
    p_repair_quality_max = p[P_REPAIR_QUALITY_MAX]
    p_half_life_ha_linear = p[P_HALF_LIFE_HA_LINEAR]
    p_half_life_ha_crosslinked = p[P_HALF_LIFE_HA_CROSSLINKED]
    p_k_ha = p[P_K_HA]
    p_ha_lubrication = p[P_HA_LUBRICATION]
    p_ha_antiinflammatory = p[P_HA_ANTIINFLAMMATORY]
    p_k_prp_release = p[P_K_PRP_RELEASE]
    p_prp_tgfb1_per_ml = p[P_PRP_TGFB1_PER_ML]
    p_k_prp = p[P_K_PRP]
    p_prp_m1_to_m2 = p[P_PRP_M1_TO_M2]
    p_prp_il1ra = p[P_PRP_IL1RA]
    p_prp_tgfb = p[P_PRP_TGFB]
    p_k_prp_msc_recruitment = p[P_K_PRP_MSC_RECRUITMENT]
    p_half_life_steroid_depot = p[P_HALF_LIFE_STEROID_DEPOT]
    p_steroid_ec50 = p[P_STEROID_EC50]
    p_steroid_emax = p[P_STEROID_EMAX]
    p_antiinflammatory_emax = p[P_ANTIINFLAMMATORY_EMAX]
    p_anabolic_emax = p[P_ANABOLIC_EMAX]
    p_half_life_scaffold = p[P_HALF_LIFE_SCAFFOLD]
    p_k_placebo_onset = p[P_K_PLACEBO_ONSET]
    p_k_placebo_offset = p[P_K_PLACEBO_OFFSET]
    p_k_sensitisation = p[P_K_SENSITISATION]
    p_mech_synovial_memory = p[P_MECH_SYNOVIAL_MEMORY]
    p_half_life_synovial_memory = p[P_HALF_LIFE_SYNOVIAL_MEMORY]
    p_k_memory_training = p[P_K_MEMORY_TRAINING]
    p_memory_floor = p[P_MEMORY_FLOOR]
    p_k_memory_resolution = p[P_K_MEMORY_RESOLUTION]
    p_half_life_prp_fibrin = p[P_HALF_LIFE_PRP_FIBRIN]
    p_mech_resident_repair = p[P_MECH_RESIDENT_REPAIR]
    p_k_resident_repair = p[P_K_RESIDENT_REPAIR]
    p_anabolic_antiinflammatory = p[P_ANABOLIC_ANTIINFLAMMATORY]
    x0 = (y_secretome if y_secretome > 0.0 else 0.0)
    x1 = 1.0 / (p_k_secretome + x0)
    x2 = x0*x1
    x3 = 0.5 + 0.5*p_rel_tgfb_receptor
    x4 = x2*x3
    x5 = p_mech_paracrine*x4
    x6 = -1.0 + p_paracrine_survival*x5
    x7 = 1.0 / p_k_il1ra
    x8 = (y_il1ra if y_il1ra > 0.0 else 0.0)
    x9 = 1.0 + x7*x8
    x10 = 1.0 / x9
    x11 = (y_il1b if y_il1b > 0.0 else 0.0)
    x12 = -1.0 + x11 / (1.0 + x8 / p_k_il1ra)
    x13 = (x12 if x12 > 0.0 else 0.0)
    x14 = (y_aggrecan if y_aggrecan > 0.0 else 0.0)
    x15 = 1.0 - x14
    x16 = 1.0 + p_load_vulnerability*(x15 if x15 > 0.0 else 0.0)
    x17 = x16*x16
    x18 = (y_ha_crosslinked if y_ha_crosslinked > 0.0 else 0.0) + (y_ha_linear if y_ha_linear > 0.0 else 0.0)
    x19 = 1.0 / (p_k_ha + x18)
    x20 = x18*x19
    x21 = -1.0 + p_ha_lubrication*x20
    x22 = x21*x21
    x23 = x17*x22
    x24 = p_rel_load_patient*p_rel_load_patient
    x25 = (y_load_factor if y_load_factor > 0.0 else 0.0)
    x26 = x24*x25*x25
    x27 = x23*x26
    x28 = -1.0 + x17*x26*(-1.0 + p_ha_lubrication*x18 / (p_k_ha + x18))**2
    x29 = (x28 if x28 > 0.0 else 0.0)
    x30 = (y_steroid if y_steroid > 0.0 else 0.0)
    x31 = 1.0 / (p_steroid_ec50 + x30)
    x32 = x30*x31
    x33 = p_steroid_emax*x32
    x34 = p_k_chondrocyte_death_il1*x13 + p_k_chondrocyte_death_load*x29 + p_k_chondrocyte_death_steroid*x33
    x35 = (y_prp_factors if y_prp_factors > 0.0 else 0.0)
    x36 = 1.0 / (p_k_prp + x35)
    x37 = x35*x36
    x38 = (y_anabolic if y_anabolic > 0.0 else 0.0)
    x39 = 1.0 / (1.0 + x38)
    x40 = x38*x39
    x41 = p_anabolic_emax*x40
    x42 = (y_tgfb if y_tgfb > 0.0 else 0.0)
    x43 = -1.0 + x42
    x44 = (x43 if x43 > 0.0 else 0.0)
    x45 = 1.0 / (1.0 + x44)
    x46 = x44*x45
    x47 = p_rel_tgfb_receptor*x46
    x48 = x37 + x41 + x47 + x5
    x49 = (y_chondrocytes if y_chondrocytes > 0.0 else 0.0)
    x50 = 1.0 - x49
    x51 = p_k_chondrocyte_renewal*p_rel_anabolic_age
    x52 = x51*(x50 if x50 > 0.0 else 0.0)
    x53 = (1.0 if y_chondrocytes >= 0.0 else 0.0)
    x54 = p_rel_turnover*x53
    x55 = p_aggrecan_capacity - x14
    x56 = (x55 if x55 > 0.0 else 0.0)
    x57 = p_k_aggrecan_synthesis*p_rel_anabolic_age / (-1.0 + p_aggrecan_capacity)
    x58 = x57*(1.0 + p_aggrecan_per_anabolic*x41 + p_aggrecan_per_paracrine*x5 + p_aggrecan_per_prp*x37 + p_aggrecan_per_tgfb*x47)
    x59 = (y_collagen if y_collagen > 0.0 else 0.0)
    x60 = -1.0 + x59
    x61 = -x60
    x62 = (y_macrophage_m1 if y_macrophage_m1 > 0.0 else 0.0)
    x63 = x62 - p_m1_healthy
    x64 = 1.0 + p_clearance_inflamed*(x63 if x63 > 0.0 else 0.0)
    x65 = 0.001*p_effusion_healthy
    x66 = max(y_effusion, x65)
    x67 = 1.0 / x66
    x68 = p_clearance_protein*x67
    x69 = x64*x68
    x70 = (y_tnfa if y_tnfa > 0.0 else 0.0)
    x71 = -1.0 + x70
    x72 = (x71 if x71 > 0.0 else 0.0)
    x73 = 1.0 + p_protease_per_il1*x13 + p_protease_per_tnf*x72
    x74 = x73 + p_protease_per_load*x29
    x75 = (y_il10 if y_il10 > 0.0 else 0.0)
    x76 = -1.0 + x75
    x77 = (x76 if x76 > 0.0 else 0.0)
    x78 = 1.0 + p_protease_inhibition*(x44 + x77)
    x79 = 1.0 / x78
    x80 = 0.6931471805599453 / p_half_life_protease
    x81 = -1.0 + p_anabolic_antiinflammatory*x40
    x82 = (y_antiinflammatory if y_antiinflammatory > 0.0 else 0.0)
    x83 = 1.0 / (1.0 + x82)
    x84 = x82*x83
    x85 = -1.0 + p_antiinflammatory_emax*x84
    x86 = -1.0 + x33
    x87 = x85*x86
    x88 = x81*x87
    x89 = x80*x88
    x90 = x79*x89
    x91 = (1.0 if y_aggrecan >= 0.0 else 0.0)
    x92 = 2.0*x91
    x93 = (1.0 if x15 > 0.0 else 0.0)
    x94 = p_load_vulnerability*x16*x26
    x95 = x22*x94
    x96 = x93*x95
    x477 = -x92*x96
    x97 = (x477 if x28 > 0.0 or (x28 == 0.0 and x477 > 0.0) else 0.0)
    x98 = p_rel_turnover*x49
    x99 = x6*x98
    x100 = p_k_chondrocyte_death_load*x99
    x101 = p_k_aggrecan_adamts*(y_adamts if y_adamts > 0.0 else 0.0)
    x102 = p_k_aggrecan_mmp3*(y_mmp3 if y_mmp3 > 0.0 else 0.0)
    x103 = p_k_aggrecan_load*x27
    x104 = p_k_aggrecan_load*x14
    x105 = 2.0*x104
    x106 = p_rel_turnover*x91
    x107 = p_k_collagen_mmp13*(y_mmp13 if y_mmp13 > 0.0 else 0.0)
    x108 = x107 + p_k_collagen_load*x27
    x109 = p_aggrecan_protection*x108
    x110 = -1.0 + p_aggrecan_protection*min(x14, 1.0)
    x111 = p_k_collagen_load*x110
    x112 = 2.0*x111
    x113 = x112*x95
    x114 = x106*x93*(x109 - x113)
    x115 = (y_repair_tissue if y_repair_tissue > 0.0 else 0.0)
    x116 = (y_repair_hyaline if y_repair_hyaline > 0.0 else 0.0)
    x117 = -1.0 + p_ha_antiinflammatory*x20
    x118 = (y_macrophage_m2 if y_macrophage_m2 > 0.0 else 0.0)
    x119 = x118 + x62
    x120 = 1.0 - x119
    x121 = (x120 if x120 > 0.0 else 0.0)
    x122 = p_k_efferocytosis*(y_msc_dead if y_msc_dead > 0.0 else 0.0)
    x123 = x119*x122
    x124 = (x123 if x123 > 0.0 else 0.0)
    x125 = 1.0 / (1.0 + x124)
    x126 = x124*x125
    x127 = p_mech_immunomodulation*(p_efferocytosis_m2*x124 / (1.0 + x124) + x0*x3 / (p_k_secretome + x0))
    x128 = (x127 if x127 > 0.0 else 0.0)
    x129 = 1.0 / (1.0 + x128)
    x130 = x128*x129
    x131 = -1.0 + p_immuno_suppression*x130
    x132 = (y_synovial_memory if y_synovial_memory > 0.0 else 0.0)
    x133 = p_k_recruit*p_rel_inflammation*x131*x132*x88
    x134 = x121*x133
    x135 = p_rel_turnover*x134
    x136 = p_recruit_load*x117*x135
    x137 = x49*x90
    x138 = p_protease_per_load*x137
    x139 = 1.0 / max(p_k_aggrecan_adamts + p_k_aggrecan_load + p_k_aggrecan_mmp3, 1e-12)
    x140 = 0.5*x59
    x141 = x17*x26
    x142 = p_k_collagen_load*x21*x21
    x143 = p_aggrecan_protection*(x107 + x141*x142)
    x144 = 0.5*x115
    x145 = -x110*x142*x94
    x146 = 1.0 / max(-(-1.0 + p_aggrecan_protection)*(p_k_collagen_load + p_k_collagen_mmp13), 1e-12)
    x147 = x146*x93
    x148 = x104*x139
    x149 = (y_msc_free if y_msc_free > 0.0 else 0.0)
    x150 = 0.5*x14
    x151 = 1.0 - x140 - x144 - x150
    x152 = 4.0*(x151 if x151 > 0.0 else 0.0)
    x153 = p_mech_homing*(-1.0 + p_msc_adhesion_basal)
    x154 = p_mech_ha_msc_carrier*x20
    x155 = 1.0 + p_ha_adhesion_gain*x154
    x156 = (y_scaffold if y_scaffold > 0.0 else 0.0)
    x157 = 1.0 / (1.0 + x156)
    x158 = x156*x157
    x159 = p_k_msc_adhesion*(1.0 + p_adhesion_per_scaffold*x158)
    x160 = x155*x159
    x478 = 1.0 - x152
    x161 = x149*x153*x160*(1.0 if x478 >= 0.0 else 0.0)*(1.0 if x151 > 0.0 else 0.0)
    x162 = x161*x92
    x163 = x108*x110
    x164 = -x163
    x165 = (1.0 if y_collagen >= 0.0 else 0.0)
    x166 = p_rel_turnover*x165
    x167 = 1.0 - y_load_factor
    x168 = p_k_resident_repair*p_mech_resident_repair*(x167 if x167 > 0.0 else 0.0)
    x169 = (y_msc_differentiated if y_msc_differentiated > 0.0 else 0.0)
    x170 = 1.0 / (p_k_repair_cells + x169)
    x171 = x169*x170
    x172 = p_k_repair*p_mech_differentiation*(1.0 + x41)
    x173 = x171*x172
    x174 = -x115 - x60
    x175 = (1.0 if x174 > 0.0 else 0.0)
    x176 = x166*x175
    x177 = p_repair_quality_max - p_repair_quality_min
    x178 = x158 + x47
    x179 = 1.0 / (1.0 + x178)
    x180 = x178*x179
    x181 = p_repair_quality_min + x177*x180
    x182 = p_repair_quality_min*x168 + x173*x181
    x183 = x146*x163
    x184 = p_rel_load_patient*x25
    x185 = p_k_fragment_clear*(0.5*x183 + p_fragments_per_damage*x175*x184)
    x186 = p_k_ctx2_clear*x183
    x187 = 2.0*x161
    x188 = x165*x187
    x189 = (1.0 if y_repair_tissue >= 0.0 else 0.0)
    x190 = p_rel_turnover*x189
    x191 = x187*x189
    x192 = (1.0 if y_macrophage_m1 >= 0.0 else 0.0)
    x193 = (1.0 if x120 > 0.0 else 0.0)
    x194 = -1.0 + (y_fragments if y_fragments > 0.0 else 0.0)
    x195 = (x194 if x194 > 0.0 else 0.0)
    x196 = 1.0 / (p_k_fragments + x195)
    x197 = x195*x196
    x198 = x72 + ((-1.0 + x11 / (1.0 + x8 / p_k_il1ra)) if (-1.0 + x11 / (1.0 + x8 / p_k_il1ra)) > 0.0 else 0.0)
    x199 = (x198 if x198 > 0.0 else 0.0)
    x200 = 1.0 / (p_k_il1 + x199)
    x201 = x199*x200
    x202 = 1.0 + p_recruit_fragments*x197 + p_recruit_il1*x201 + p_recruit_load*x29
    x203 = x117*x202
    x204 = x133*x193*x203
    x205 = x122*x192
    x206 = p_efferocytosis_m2*p_mech_immunomodulation*x125*(1.0 - x126)
    x207 = x206*(x205 if x123 > 0.0 or (x123 == 0.0 and x205 > 0.0) else 0.0)
    x208 = x129*(1.0 - x130)
    x209 = x208*(x207 if x127 > 0.0 or (x127 == 0.0 and x207 > 0.0) else 0.0)
    x210 = x203*x88
    x211 = p_immuno_suppression*p_k_recruit*p_rel_inflammation*x121*x132*x210
    x212 = 1.0 / (1.0 + x77)
    x213 = x212*x77
    x214 = p_k_m1_to_m2*x62
    x215 = p_immuno_m1_to_m2*x214
    x216 = x207*x215 + p_k_m1_to_m2*x192*(1.0 + x213 + p_immuno_m1_to_m2*x127 + p_prp_m1_to_m2*x37)
    x217 = p_k_m2_recruit*x193
    x218 = (1.0 if x63 >= 0.0 else 0.0)
    x219 = p_il1_basal + p_il1_per_fragment*x195 + p_il1_per_m1*x62
    x220 = x11 + x219*x88
    x221 = p_clearance_inflamed*x218
    x222 = x64*x88
    x223 = x192*x68
    x224 = p_tnf_basal + p_tnf_per_m1*x62
    x225 = x70 + x224*x88
    x226 = p_il6_basal + p_il6_per_cytokine*(x70 + x10*x11)
    x227 = 1.0 / (p_k_licensing + x199)
    x228 = x199*x227
    x229 = 1.0 + p_licensing_max*x228
    x230 = (y_msc_adhered if y_msc_adhered > 0.0 else 0.0)
    x231 = x149 + x230
    x232 = 1.0 / (p_k_secretome + x231)
    x233 = x231*x232
    x234 = x229*x233
    x235 = x226*x88 - p_il6_per_msc*x234 + (y_il6 if y_il6 > 0.0 else 0.0)
    x236 = x221*x223
    x237 = p_il1ra_basal - x8 + p_il1ra_per_m2*x118 + p_immuno_il1ra*x127 + p_prp_il1ra*x37
    x238 = x192*x221
    x239 = x207*x64
    x240 = p_il10_basal - x75 + p_il10_per_m2*x118 + p_immuno_il10*x127
    x241 = -x42 + p_paracrine_tgfb*x5 + p_prp_tgfb*x37 + p_tgfb_basal*x49 + p_tgfb_per_m2*x118
    x242 = p_pge2_basal + p_pge2_per_m1*x62
    x243 = p_mech_immunomodulation*p_pge2_per_msc
    x244 = -(y_pge2 if y_pge2 > 0.0 else 0.0) + x234*x243 + x242*x87
    x245 = x64*x87
    x246 = x18 / (p_k_ha + x18) + x35 / (p_k_prp + x35) + ((p_mech_immunomodulation*(p_efferocytosis_m2*x124 / (1.0 + x124) + x0*x3 / (p_k_secretome + x0))) if (p_mech_immunomodulation*(p_efferocytosis_m2*x124 / (1.0 + x124) + x0*x3 / (p_k_secretome + x0))) > 0.0 else 0.0) / (1.0 + ((p_mech_immunomodulation*(p_efferocytosis_m2*x124 / (1.0 + x124) + x0*x3 / (p_k_secretome + x0))) if (p_mech_immunomodulation*(p_efferocytosis_m2*x124 / (1.0 + x124) + x0*x3 / (p_k_secretome + x0))) > 0.0 else 0.0))
    x247 = (x246 if x246 > 0.0 else 0.0)
    x248 = 1.0 / (p_k_memory_resolution + x247)
    x249 = x247*x248
    x250 = x132 - p_memory_floor
    x251 = p_k_memory_training*p_mech_synovial_memory
    x252 = p_rel_turnover*x248*x251*(1.0 - x249)*(x250 if x250 > 0.0 else 0.0)
    x253 = (1.0 if y_macrophage_m2 >= 0.0 else 0.0)
    x254 = p_k_m2_to_m1*x198*x253
    x255 = x122*x253
    x256 = x206*(x255 if x123 > 0.0 or (x123 == 0.0 and x255 > 0.0) else 0.0)
    x257 = x215*x256
    x258 = x208*(x256 if x127 > 0.0 or (x127 == 0.0 and x256 > 0.0) else 0.0)
    x259 = p_clearance_protein*x64
    x479 = y_effusion - x65
    x260 = (1.0 if x479 >= 0.0 else 0.0)
    x261 = x260 / (x66*x66)
    x262 = x259*x261
    x263 = 0.6931471805599453 / p_half_life_prp_fibrin
    x264 = 1.0 / p_effusion_healthy
    x265 = -1.0 + x66 / p_effusion_healthy
    x266 = 1.0 / p_half_life_steroid_depot
    x267 = 693147.1805599453*x266
    x268 = (1.0 if y_il1b >= 0.0 else 0.0)
    x269 = x10*x268
    x270 = (x269 if x12 > 0.0 or (x12 == 0.0 and x269 > 0.0) else 0.0)
    x271 = p_k_chondrocyte_death_il1*x99
    x272 = p_k_m2_to_m1*x118
    x273 = x270*x272
    x274 = (x270 if x198 > 0.0 or (x198 == 0.0 and x270 > 0.0) else 0.0)
    x275 = p_recruit_il1*x117*x134*x200*(1.0 - x201)
    x276 = p_il6_per_cytokine*x88
    x277 = p_licensing_max*x227*(1.0 - x228)
    x278 = x274*x277
    x279 = p_il6_per_msc*x233
    x280 = p_protease_per_il1*x90
    x281 = x270*x280
    x282 = -x281
    x283 = x233*x243*x69
    x284 = 1.0 / p_k_il1_chondrogenesis
    x285 = 1.0 + p_differentiation_per_anabolic*x41 + p_differentiation_per_scaffold*x158 + p_differentiation_per_tgfb*x47
    x286 = 1.0 / p_k_tnf_chondrogenesis
    x287 = 1.0 + p_mech_inflammation_blocks_chondrogenesis*(x13*x284 + x286*x72)
    x288 = p_mech_prp_msc*x37
    x289 = p_prp_differentiation_gain*x288
    x290 = 1.0 + x289*x47
    x291 = 1.0 + p_ha_differentiation_gain*x154
    x292 = p_k_msc_density + x230
    x293 = 1.0 / x292
    x294 = x230*x230
    x295 = x293*x294
    x296 = x291*x295
    x297 = p_k_msc_differentiation*x290*x296
    x298 = p_mech_inflammation_blocks_chondrogenesis*x285*x297 / (x287*x287)
    x299 = x284*x298
    x300 = p_k_msc_death_differentiated*x169
    x301 = x299 + x300
    x302 = p_k_secretion*p_rel_msc_potency
    x303 = x231*x302
    x304 = (1.0 if x198 >= 0.0 else 0.0)
    x305 = (1.0 if y_tnfa >= 0.0 else 0.0)
    x306 = (1.0 if x71 >= 0.0 else 0.0)
    x307 = x305*x306
    x308 = p_rel_turnover*x307
    x309 = x305*x69
    x310 = x277*x304
    x311 = p_protease_per_tnf*x307
    x312 = -x311*x90
    x313 = x307*x310
    x314 = x286*x298*x307
    x315 = (1.0 if y_il1ra >= 0.0 else 0.0)
    x316 = x11*x315*x7 / (x9*x9)
    x480 = -x316
    x317 = (x480 if x12 > 0.0 or (x12 == 0.0 and x480 > 0.0) else 0.0)
    x318 = x272*x317
    x319 = (x317 if x198 > 0.0 or (x198 == 0.0 and x317 > 0.0) else 0.0)
    x320 = x277*x319
    x321 = x280*x317
    x322 = -x321
    x323 = (1.0 if y_il10 >= 0.0 else 0.0)
    x324 = x323*(1.0 if x76 >= 0.0 else 0.0)
    x325 = p_rel_turnover*x214
    x326 = x212*x324*x325*(1.0 - x213)
    x327 = x73 + p_protease_per_fragment*x195
    x328 = p_protease_inhibition*x89 / (x78*x78)
    x329 = x324*x328
    x330 = x49*x74
    x331 = x73 + p_adamts_per_effusion*(x265 if x265 > 0.0 else 0.0)
    x332 = x52*x98
    x333 = (1.0 if y_tgfb >= 0.0 else 0.0)
    x334 = x333*(1.0 if x43 >= 0.0 else 0.0)
    x335 = p_rel_tgfb_receptor*x334*x45*(1.0 - x46)
    x336 = x56*x57
    x337 = x336*x98
    x338 = (x174 if x174 > 0.0 else 0.0)
    x339 = p_rel_turnover*x338
    x340 = x173*x177*x179*x339*(-1.0 + x180)
    x341 = x328*x334
    x342 = 1.0 / x287
    x343 = p_k_msc_differentiation*x296*x335*x342*(p_differentiation_per_tgfb*x290 + x285*x289)
    x344 = (1.0 if y_prp_factors >= 0.0 else 0.0)
    x345 = x344*x36*(1.0 - x37)
    x346 = p_prp_m1_to_m2*x325*x345
    x347 = x345*x69
    x348 = 1.0 / p_k_msc_niche
    x349 = 1.0 - x230 / p_k_msc_niche
    x350 = (x349 if x349 > 0.0 else 0.0)
    x351 = p_k_msc_proliferation*(-1.0 + p_ha_proliferation_loss*x154)
    x352 = x350*x351
    x353 = x230*x293
    x354 = p_k_msc_differentiation*x285*x342
    x355 = p_prp_differentiation_gain*x354*x47
    x356 = p_mech_prp_msc*x345
    x357 = p_rel_turnover*x14
    x358 = (1.0 if y_mmp3 >= 0.0 else 0.0)
    x359 = p_k_aggrecan_mmp3*x358
    x360 = p_k_fragment_clear*x139*x150
    x361 = p_rel_turnover*x59
    x362 = (1.0 if y_mmp13 >= 0.0 else 0.0)
    x363 = p_k_collagen_mmp13*x110*x362
    x364 = p_rel_turnover*x363
    x365 = x146*(x115 + x59)
    x366 = x363*x365
    x367 = (1.0 if y_adamts >= 0.0 else 0.0)
    x368 = p_k_aggrecan_adamts*x367
    x369 = (1.0 if y_fragments >= 0.0 else 0.0)
    x370 = x369*(1.0 if x194 >= 0.0 else 0.0)
    x371 = x370*x88
    x372 = p_k_recruit*p_rel_inflammation*x121*x131
    x373 = p_rel_turnover*x132*x372
    x374 = p_k_sensitisation*p_rel_turnover
    x375 = (1.0 if y_msc_free >= 0.0 else 0.0)
    x376 = x229*x375
    x377 = x232*x69*(-1.0 + x233)
    x378 = p_il6_per_msc*x377
    x379 = x243*x377
    x380 = 1.0 + p_msc_allogeneic_death*p_rel_msc_allogeneic
    x381 = 1.0 / p_k_msc_crowding
    x382 = 1.0 + x381*(x169 + x231)
    x383 = p_k_msc_loss_free*x382
    x384 = -p_msc_adhesion_basal + x153*min(x152, 1.0)
    x385 = p_k_msc_loss_free*x149*x381
    x386 = x380*x385
    x387 = p_k_msc_death_adhered*x230*x381
    x388 = x380*x387
    x389 = x387 + p_p_msc_free_death*x385
    x390 = (1.0 if y_msc_adhered >= 0.0 else 0.0)
    x391 = x229*x390
    x392 = x380*x390
    x393 = p_k_msc_death_adhered*x382
    x394 = 1.0 + p_prp_proliferation_gain*x288
    x395 = x230*x394
    x396 = x290*x354
    x397 = x291*x353*x390*x396
    x398 = (1.0 if y_msc_differentiated >= 0.0 else 0.0)
    x399 = x170*x172*x339*x398*(1.0 - x171)
    x400 = p_k_msc_death_differentiated*(1.0 + x13)
    x401 = p_k_efferocytosis*x119*(1.0 if y_msc_dead >= 0.0 else 0.0)
    x402 = x206*(x401 if x123 > 0.0 or (x123 == 0.0 and x401 > 0.0) else 0.0)
    x403 = x208*(x402 if x127 > 0.0 or (x127 == 0.0 and x402 > 0.0) else 0.0)
    x404 = p_immuno_m1_to_m2*x325
    x405 = x402*x69
    x406 = (1.0 if y_secretome >= 0.0 else 0.0)
    x407 = x1*x3*x406*(1.0 - x2)
    x408 = p_mech_paracrine*x407
    x409 = x408*x98
    x410 = p_mech_immunomodulation*x407
    x411 = x208*(x410 if x127 > 0.0 or (x127 == 0.0 and x410 > 0.0) else 0.0)
    x412 = x410*x69
    x413 = (1.0 if y_ha_linear >= 0.0 else 0.0)
    x414 = -1.0 + x20
    x415 = x19*x414
    x416 = x413*x415
    x417 = p_ha_lubrication*x141*x21
    x418 = 2.0*x417
    x419 = x416*x418
    x481 = -x419
    x420 = (x481 if x28 > 0.0 or (x28 == 0.0 and x481 > 0.0) else 0.0)
    x421 = x416*x417
    x422 = p_rel_turnover*x105
    x423 = x112*x421
    x424 = p_rel_turnover*x423
    x425 = p_ha_antiinflammatory*x202
    x426 = x111*x365
    x427 = 1.0*p_k_fragment_clear*(x148 - x426)
    x428 = p_k_ctx2_clear*x426
    x429 = x149*x384
    x430 = p_ha_adhesion_gain*x159*x429
    x431 = p_mech_ha_msc_carrier*x430
    x432 = p_ha_differentiation_gain*x295*x396
    x433 = p_mech_ha_msc_carrier*(x430 + x432 + p_ha_proliferation_loss*p_k_msc_proliferation*x350*x395)
    x434 = p_mech_ha_msc_carrier*x432
    x435 = -x19*x414
    x436 = (1.0 if y_ha_crosslinked >= 0.0 else 0.0)
    x437 = x415*x436
    x438 = x418*x437
    x482 = -x438
    x439 = (x482 if x28 > 0.0 or (x28 == 0.0 and x482 > 0.0) else 0.0)
    x440 = x417*x437
    x441 = x112*x440
    x442 = p_rel_turnover*x441
    x443 = p_k_prp_release*(1.0 if y_prp_reservoir >= 0.0 else 0.0)
    x444 = p_prp_tgfb1_per_ml*x67
    x445 = p_steroid_emax*x31*(1.0 - x32)*(1.0 if y_steroid >= 0.0 else 0.0)
    x446 = x445*x85
    x447 = x446*x81
    x448 = x203*x373
    x449 = x447*x69
    x450 = x79*x80
    x451 = x447*x450
    x452 = x242*x69
    x453 = (1.0 if y_load_factor >= 0.0 else 0.0)
    x454 = 2.0*x23*x24*x25*x453
    x455 = (x454 if x28 > 0.0 or (x28 == 0.0 and x454 > 0.0) else 0.0)
    x456 = x111*x454
    x457 = (1.0 if x167 > 0.0 else 0.0)
    x458 = x184*x23
    x459 = p_antiinflammatory_emax*x83*x86*(1.0 - x84)*(1.0 if y_antiinflammatory >= 0.0 else 0.0)
    x460 = x459*x81
    x461 = x460*x69
    x462 = x450*x460
    x463 = x39*(1.0 - x40)*(1.0 if y_anabolic >= 0.0 else 0.0)
    x464 = p_anabolic_emax*x463
    x465 = p_k_repair*p_mech_differentiation*x171*x339*x464
    x466 = p_anabolic_antiinflammatory*x463
    x467 = x466*x87
    x468 = x245*x466*x68
    x469 = x450*x467
    x470 = x297*x342
    x471 = p_differentiation_per_anabolic*x464*x470
    x472 = x157*(1.0 - x158)*(1.0 if y_scaffold >= 0.0 else 0.0)
    x473 = p_adhesion_per_scaffold*p_k_msc_adhesion*x155*x429
    x474 = p_differentiation_per_scaffold*x470
    x475 = p_rel_turnover*(1.0 if y_synovial_memory >= 0.0 else 0.0)
    x476 = x263*(1.0 if y_prp_fibrin >= 0.0 else 0.0)
    x483 = x260*x264
    x484 = -1.0 + y_pge2
    x485 = -x348*x390
    x486 = x413*x435
    x487 = x435*x436
    J[Y_CHONDROCYTES, Y_CHONDROCYTES] = -x54*(p_k_chondrocyte_death - x34*x6 - x48*x52 + x48*x49*x51*(1.0 if x50 > 0.0 else 0.0))
    J[Y_AGGRECAN, Y_CHONDROCYTES] = x54*x56*x58
    J[Y_COLLAGEN, Y_CHONDROCYTES] = p_k_collagen_synthesis*x54*(x61 if x61 > 0.0 else 0.0)
    J[Y_TGFB, Y_CHONDROCYTES] = p_tgfb_basal*x53*x69
    J[Y_MMP13, Y_CHONDROCYTES] = -x53*x74*x90
    J[Y_CHONDROCYTES, Y_AGGRECAN] = x100*x97
    J[Y_AGGRECAN, Y_AGGRECAN] = -x106*(x101 + x102 + x103 - x105*x96 + x49*x58*(1.0 if x55 > 0.0 else 0.0))
    J[Y_COLLAGEN, Y_AGGRECAN] = x114*x59
    J[Y_REPAIR_TISSUE, Y_AGGRECAN] = x114*x115
    J[Y_REPAIR_HYALINE, Y_AGGRECAN] = x114*x116
    J[Y_MACROPHAGE_M1, Y_AGGRECAN] = -x136*x97
    J[Y_MMP13, Y_AGGRECAN] = -x138*x97
    J[Y_FRAGMENTS, Y_AGGRECAN] = -p_k_fragment_clear*x91*(x147*(x115*x145 + x140*x143 + x143*x144 + x145*x59) + x148*x96 - x139*(0.5*x101 + 0.5*x102 + 0.5*x103))
    J[Y_CTX2, Y_AGGRECAN] = -p_k_ctx2_clear*x147*x91*(x109*x115 + x109*x59 - x113*x115 - x113*x59)
    J[Y_MSC_FREE, Y_AGGRECAN] = -x162
    J[Y_MSC_ADHERED, Y_AGGRECAN] = x162
    J[Y_COLLAGEN, Y_COLLAGEN] = -x166*(x164 + p_k_collagen_synthesis*x49*(1.0 if x61 > 0.0 else 0.0))
    J[Y_REPAIR_TISSUE, Y_COLLAGEN] = -x176*(x168 + x173)
    J[Y_REPAIR_HYALINE, Y_COLLAGEN] = -x176*x182
    J[Y_FRAGMENTS, Y_COLLAGEN] = -x165*x185
    J[Y_CTX2, Y_COLLAGEN] = -x165*x186
    J[Y_MSC_FREE, Y_COLLAGEN] = -x188
    J[Y_MSC_ADHERED, Y_COLLAGEN] = x188
    J[Y_REPAIR_TISSUE, Y_REPAIR_TISSUE] = -x190*(x164 + x168*x175 + x173*x175)
    J[Y_REPAIR_HYALINE, Y_REPAIR_TISSUE] = -x175*x182*x190
    J[Y_FRAGMENTS, Y_REPAIR_TISSUE] = -x185*x189
    J[Y_CTX2, Y_REPAIR_TISSUE] = -x186*x189
    J[Y_MSC_FREE, Y_REPAIR_TISSUE] = -x191
    J[Y_MSC_ADHERED, Y_REPAIR_TISSUE] = x191
    J[Y_REPAIR_HYALINE, Y_REPAIR_HYALINE] = p_rel_turnover*x163*(1.0 if y_repair_hyaline >= 0.0 else 0.0)
    J[Y_MACROPHAGE_M1, Y_MACROPHAGE_M1] = -p_rel_turnover*(x216 + p_k_macrophage_loss*x192 + x209*x211 - x192*x204)
    J[Y_MACROPHAGE_M2, Y_MACROPHAGE_M1] = p_rel_turnover*(x216 - x192*x217)
    J[Y_EFFUSION, Y_MACROPHAGE_M1] = p_effusion_healthy*p_effusion_per_m1*p_k_effusion*x192*x218
    J[Y_IL1B, Y_MACROPHAGE_M1] = -x223*(p_il1_per_m1*x222 + x220*x221)
    J[Y_TNFA, Y_MACROPHAGE_M1] = -x223*(p_tnf_per_m1*x222 + x221*x225)
    J[Y_IL6, Y_MACROPHAGE_M1] = -x235*x236
    J[Y_IL1RA, Y_MACROPHAGE_M1] = x68*(p_immuno_il1ra*x239 + x237*x238)
    J[Y_IL10, Y_MACROPHAGE_M1] = x68*(p_immuno_il10*x239 + x238*x240)
    J[Y_TGFB, Y_MACROPHAGE_M1] = x236*x241
    J[Y_PRP_FACTORS, Y_MACROPHAGE_M1] = -x236*x35
    J[Y_PGE2, Y_MACROPHAGE_M1] = x223*(p_pge2_per_m1*x245 + x221*x244)
    J[Y_MSC_DEAD, Y_MACROPHAGE_M1] = -x205
    J[Y_SYNOVIAL_MEMORY, Y_MACROPHAGE_M1] = -x252*(x209 if x246 > 0.0 or (x246 == 0.0 and x209 > 0.0) else 0.0)
    J[Y_MACROPHAGE_M1, Y_MACROPHAGE_M2] = -p_rel_turnover*(x257 - x254 + x211*x258 - x204*x253)
    J[Y_MACROPHAGE_M2, Y_MACROPHAGE_M2] = -p_rel_turnover*(x254 - x257 + p_k_macrophage_loss*x253 + x217*x253)
    J[Y_IL1RA, Y_MACROPHAGE_M2] = x69*(p_il1ra_per_m2*x253 + p_immuno_il1ra*x256)
    J[Y_IL10, Y_MACROPHAGE_M2] = x69*(p_il10_per_m2*x253 + p_immuno_il10*x256)
    J[Y_TGFB, Y_MACROPHAGE_M2] = p_tgfb_per_m2*x253*x69
    J[Y_MSC_DEAD, Y_MACROPHAGE_M2] = -x255
    J[Y_SYNOVIAL_MEMORY, Y_MACROPHAGE_M2] = -x252*(x258 if x246 > 0.0 or (x246 == 0.0 and x258 > 0.0) else 0.0)
    J[Y_EFFUSION, Y_EFFUSION] = -p_k_effusion
    J[Y_IL1B, Y_EFFUSION] = x220*x262
    J[Y_TNFA, Y_EFFUSION] = x225*x262
    J[Y_IL6, Y_EFFUSION] = x235*x262
    J[Y_IL1RA, Y_EFFUSION] = -x237*x262
    J[Y_IL10, Y_EFFUSION] = -x240*x262
    J[Y_TGFB, Y_EFFUSION] = -x241*x262
    J[Y_PRP_FACTORS, Y_EFFUSION] = x261*(x259*x35 - p_prp_tgfb1_per_ml*(p_k_prp_release*(y_prp_reservoir if y_prp_reservoir > 0.0 else 0.0) + x263*(y_prp_fibrin if y_prp_fibrin > 0.0 else 0.0)))
    J[Y_ADAMTS, Y_EFFUSION] = -p_adamts_per_effusion*x90*(x483 if x265 > 0.0 or (x265 == 0.0 and x483 > 0.0) else 0.0)
    J[Y_PGE2, Y_EFFUSION] = -x244*x262
    J[Y_STEROID, Y_EFFUSION] = x261*(p_clearance_small_molecule*y_steroid - x267*y_steroid_depot)
    J[Y_CHONDROCYTES, Y_IL1B] = x270*x271
    J[Y_MACROPHAGE_M1, Y_IL1B] = p_rel_turnover*(x273 - x274*x275)
    J[Y_MACROPHAGE_M2, Y_IL1B] = -p_rel_turnover*x273
    J[Y_IL1B, Y_IL1B] = -x268*x69
    J[Y_IL6, Y_IL1B] = -x69*(x269*x276 - x278*x279)
    J[Y_MMP3, Y_IL1B] = x282
    J[Y_MMP13, Y_IL1B] = -x281*x49
    J[Y_ADAMTS, Y_IL1B] = x282
    J[Y_PGE2, Y_IL1B] = x278*x283
    J[Y_MSC_ADHERED, Y_IL1B] = x270*x299
    J[Y_MSC_DIFFERENTIATED, Y_IL1B] = -x270*x301
    J[Y_MSC_DEAD, Y_IL1B] = x270*x300
    J[Y_SECRETOME, Y_IL1B] = x278*x303
    J[Y_MACROPHAGE_M1, Y_TNFA] = x308*(x272 - x275*x304)
    J[Y_MACROPHAGE_M2, Y_TNFA] = -x272*x308
    J[Y_TNFA, Y_TNFA] = -x309
    J[Y_IL6, Y_TNFA] = -x309*(x276 - x279*x306*x310)
    J[Y_MMP3, Y_TNFA] = x312
    J[Y_MMP13, Y_TNFA] = -x137*x311
    J[Y_ADAMTS, Y_TNFA] = x312
    J[Y_PGE2, Y_TNFA] = x283*x313
    J[Y_MSC_ADHERED, Y_TNFA] = x314
    J[Y_MSC_DIFFERENTIATED, Y_TNFA] = -x314
    J[Y_SECRETOME, Y_TNFA] = x303*x313
    J[Y_IL6, Y_IL6] = -x69*(1.0 if y_il6 >= 0.0 else 0.0)
    J[Y_CHONDROCYTES, Y_IL1RA] = x271*x317
    J[Y_MACROPHAGE_M1, Y_IL1RA] = p_rel_turnover*(x318 - x275*x319)
    J[Y_MACROPHAGE_M2, Y_IL1RA] = -p_rel_turnover*x318
    J[Y_IL6, Y_IL1RA] = x69*(x276*x316 + x279*x320)
    J[Y_IL1RA, Y_IL1RA] = -x315*x69
    J[Y_MMP3, Y_IL1RA] = x322
    J[Y_MMP13, Y_IL1RA] = -x321*x49
    J[Y_ADAMTS, Y_IL1RA] = x322
    J[Y_PGE2, Y_IL1RA] = x283*x320
    J[Y_MSC_ADHERED, Y_IL1RA] = x299*x317
    J[Y_MSC_DIFFERENTIATED, Y_IL1RA] = -x301*x317
    J[Y_MSC_DEAD, Y_IL1RA] = x300*x317
    J[Y_SECRETOME, Y_IL1RA] = x303*x320
    J[Y_MACROPHAGE_M1, Y_IL10] = -x326
    J[Y_MACROPHAGE_M2, Y_IL10] = x326
    J[Y_IL10, Y_IL10] = -x323*x69
    J[Y_MMP3, Y_IL10] = x327*x329
    J[Y_MMP13, Y_IL10] = x329*x330
    J[Y_ADAMTS, Y_IL10] = x329*x331
    J[Y_CHONDROCYTES, Y_TGFB] = x332*x335
    J[Y_AGGRECAN, Y_TGFB] = p_aggrecan_per_tgfb*x335*x337
    J[Y_REPAIR_HYALINE, Y_TGFB] = -x335*x340
    J[Y_TGFB, Y_TGFB] = -x333*x69
    J[Y_MMP3, Y_TGFB] = x327*x341
    J[Y_MMP13, Y_TGFB] = x330*x341
    J[Y_ADAMTS, Y_TGFB] = x331*x341
    J[Y_MSC_ADHERED, Y_TGFB] = -x343
    J[Y_MSC_DIFFERENTIATED, Y_TGFB] = x343
    J[Y_CHONDROCYTES, Y_PRP_FACTORS] = x332*x345
    J[Y_AGGRECAN, Y_PRP_FACTORS] = p_aggrecan_per_prp*x337*x345
    J[Y_MACROPHAGE_M1, Y_PRP_FACTORS] = -x346
    J[Y_MACROPHAGE_M2, Y_PRP_FACTORS] = x346
    J[Y_IL1RA, Y_PRP_FACTORS] = p_prp_il1ra*x347
    J[Y_TGFB, Y_PRP_FACTORS] = p_prp_tgfb*x347
    J[Y_PRP_FACTORS, Y_PRP_FACTORS] = -x344*x69
    J[Y_MSC_FREE, Y_PRP_FACTORS] = p_k_prp_msc_recruitment*x345
    J[Y_MSC_ADHERED, Y_PRP_FACTORS] = -x230*x356*(p_prp_proliferation_gain*x352 + x291*x353*x355)
    J[Y_MSC_DIFFERENTIATED, Y_PRP_FACTORS] = x296*x355*x356
    J[Y_SYNOVIAL_MEMORY, Y_PRP_FACTORS] = -x252*(x345 if x246 > 0.0 or (x246 == 0.0 and x345 > 0.0) else 0.0)
    J[Y_AGGRECAN, Y_MMP3] = -x357*x359
    J[Y_MMP3, Y_MMP3] = -x358*x80
    J[Y_FRAGMENTS, Y_MMP3] = x359*x360
    J[Y_COLLAGEN, Y_MMP13] = x361*x363
    J[Y_REPAIR_TISSUE, Y_MMP13] = x115*x364
    J[Y_REPAIR_HYALINE, Y_MMP13] = x116*x364
    J[Y_MMP13, Y_MMP13] = -x362*x80
    J[Y_FRAGMENTS, Y_MMP13] = -0.5*p_k_fragment_clear*x366
    J[Y_CTX2, Y_MMP13] = -p_k_ctx2_clear*x366
    J[Y_AGGRECAN, Y_ADAMTS] = -x357*x368
    J[Y_ADAMTS, Y_ADAMTS] = -x367*x80
    J[Y_FRAGMENTS, Y_ADAMTS] = x360*x368
    J[Y_MACROPHAGE_M1, Y_FRAGMENTS] = -p_recruit_fragments*x117*x196*x371*x373*(1.0 - x197)
    J[Y_IL1B, Y_FRAGMENTS] = -p_il1_per_fragment*x371*x69
    J[Y_MMP3, Y_FRAGMENTS] = -p_protease_per_fragment*x370*x90
    J[Y_FRAGMENTS, Y_FRAGMENTS] = -p_k_fragment_clear*x369
    J[Y_CTX2, Y_CTX2] = -p_k_ctx2_clear*(1.0 if y_ctx2 >= 0.0 else 0.0)
    J[Y_PGE2, Y_PGE2] = -x69*(1.0 if y_pge2 >= 0.0 else 0.0)
    J[Y_SENSITISATION, Y_PGE2] = x374*(1.0 if x484 >= 0.0 else 0.0)
    J[Y_IL6, Y_MSC_FREE] = -x376*x378
    J[Y_PGE2, Y_MSC_FREE] = -x376*x379
    J[Y_MSC_FREE, Y_MSC_FREE] = -x375*(x386 + x380*x383 - x160*x384)
    J[Y_MSC_ADHERED, Y_MSC_FREE] = -x375*(x388 + x160*x384)
    J[Y_MSC_DEAD, Y_MSC_FREE] = x375*x380*(x389 + p_p_msc_free_death*x383)
    J[Y_SECRETOME, Y_MSC_FREE] = x302*x376
    J[Y_IL6, Y_MSC_ADHERED] = -x378*x391
    J[Y_PGE2, Y_MSC_ADHERED] = -x379*x391
    J[Y_MSC_FREE, Y_MSC_ADHERED] = -x385*x392
    J[Y_MSC_ADHERED, Y_MSC_ADHERED] = -2.0*x397 - x387*x392 - x392*x393 - x351*x395*(x485 if x349 > 0.0 or (x349 == 0.0 and x485 > 0.0) else 0.0) - x352*x390*x394 + p_k_msc_differentiation*x285*x290*x291*x294*x342*x390 / (x292*x292)
    J[Y_MSC_DIFFERENTIATED, Y_MSC_ADHERED] = x397*(2.0 - x353)
    J[Y_MSC_DEAD, Y_MSC_ADHERED] = x392*(x389 + x393)
    J[Y_SECRETOME, Y_MSC_ADHERED] = x302*x391
    J[Y_REPAIR_TISSUE, Y_MSC_DIFFERENTIATED] = x399
    J[Y_REPAIR_HYALINE, Y_MSC_DIFFERENTIATED] = x181*x399
    J[Y_MSC_FREE, Y_MSC_DIFFERENTIATED] = -x386*x398
    J[Y_MSC_ADHERED, Y_MSC_DIFFERENTIATED] = -x388*x398
    J[Y_MSC_DIFFERENTIATED, Y_MSC_DIFFERENTIATED] = -x398*x400
    J[Y_MSC_DEAD, Y_MSC_DIFFERENTIATED] = x398*(x388 + x400 + p_p_msc_free_death*x386)
    J[Y_MACROPHAGE_M1, Y_MSC_DEAD] = -p_rel_turnover*(x211*x403 + x215*x402)
    J[Y_MACROPHAGE_M2, Y_MSC_DEAD] = x402*x404
    J[Y_IL1RA, Y_MSC_DEAD] = p_immuno_il1ra*x405
    J[Y_IL10, Y_MSC_DEAD] = p_immuno_il10*x405
    J[Y_MSC_DEAD, Y_MSC_DEAD] = -x401
    J[Y_SYNOVIAL_MEMORY, Y_MSC_DEAD] = -x252*(x403 if x246 > 0.0 or (x246 == 0.0 and x403 > 0.0) else 0.0)
    J[Y_CHONDROCYTES, Y_SECRETOME] = x409*(x52 + p_paracrine_survival*x34)
    J[Y_AGGRECAN, Y_SECRETOME] = p_aggrecan_per_paracrine*x336*x409
    J[Y_MACROPHAGE_M1, Y_SECRETOME] = -p_rel_turnover*(x211*x411 + x215*x410)
    J[Y_MACROPHAGE_M2, Y_SECRETOME] = x404*x410
    J[Y_IL1RA, Y_SECRETOME] = p_immuno_il1ra*x412
    J[Y_IL10, Y_SECRETOME] = p_immuno_il10*x412
    J[Y_TGFB, Y_SECRETOME] = p_paracrine_tgfb*x408*x69
    J[Y_SECRETOME, Y_SECRETOME] = -0.6931471805599453*x406 / p_half_life_secretome
    J[Y_SYNOVIAL_MEMORY, Y_SECRETOME] = -x252*(x411 if x246 > 0.0 or (x246 == 0.0 and x411 > 0.0) else 0.0)
    J[Y_CHONDROCYTES, Y_HA_LINEAR] = x100*x420
    J[Y_AGGRECAN, Y_HA_LINEAR] = x421*x422
    J[Y_COLLAGEN, Y_HA_LINEAR] = -x361*x423
    J[Y_REPAIR_TISSUE, Y_HA_LINEAR] = -x115*x424
    J[Y_REPAIR_HYALINE, Y_HA_LINEAR] = -x116*x424
    J[Y_MACROPHAGE_M1, Y_HA_LINEAR] = -x135*(-x416*x425 + p_recruit_load*x117*x420)
    J[Y_MMP13, Y_HA_LINEAR] = -x138*x420
    J[Y_FRAGMENTS, Y_HA_LINEAR] = -x421*x427
    J[Y_CTX2, Y_HA_LINEAR] = x419*x428
    J[Y_MSC_FREE, Y_HA_LINEAR] = -x416*x431
    J[Y_MSC_ADHERED, Y_HA_LINEAR] = x416*x433
    J[Y_MSC_DIFFERENTIATED, Y_HA_LINEAR] = -x416*x434
    J[Y_HA_LINEAR, Y_HA_LINEAR] = -0.6931471805599453 / p_half_life_ha_linear
    J[Y_SYNOVIAL_MEMORY, Y_HA_LINEAR] = -x252*(x486 if x246 > 0.0 or (x246 == 0.0 and x486 > 0.0) else 0.0)
    J[Y_CHONDROCYTES, Y_HA_CROSSLINKED] = x100*x439
    J[Y_AGGRECAN, Y_HA_CROSSLINKED] = x422*x440
    J[Y_COLLAGEN, Y_HA_CROSSLINKED] = -x361*x441
    J[Y_REPAIR_TISSUE, Y_HA_CROSSLINKED] = -x115*x442
    J[Y_REPAIR_HYALINE, Y_HA_CROSSLINKED] = -x116*x442
    J[Y_MACROPHAGE_M1, Y_HA_CROSSLINKED] = -x135*(-x425*x437 + p_recruit_load*x117*x439)
    J[Y_MMP13, Y_HA_CROSSLINKED] = -x138*x439
    J[Y_FRAGMENTS, Y_HA_CROSSLINKED] = -x427*x440
    J[Y_CTX2, Y_HA_CROSSLINKED] = x428*x438
    J[Y_MSC_FREE, Y_HA_CROSSLINKED] = -x431*x437
    J[Y_MSC_ADHERED, Y_HA_CROSSLINKED] = x433*x437
    J[Y_MSC_DIFFERENTIATED, Y_HA_CROSSLINKED] = -x434*x437
    J[Y_HA_CROSSLINKED, Y_HA_CROSSLINKED] = -0.6931471805599453 / p_half_life_ha_crosslinked
    J[Y_SYNOVIAL_MEMORY, Y_HA_CROSSLINKED] = -x252*(x487 if x246 > 0.0 or (x246 == 0.0 and x487 > 0.0) else 0.0)
    J[Y_PRP_FACTORS, Y_PRP_RESERVOIR] = x443*x444
    J[Y_PRP_RESERVOIR, Y_PRP_RESERVOIR] = -x443
    J[Y_STEROID_DEPOT, Y_STEROID_DEPOT] = -0.6931471805599453*x266
    J[Y_STEROID, Y_STEROID_DEPOT] = x267*x67
    J[Y_CHONDROCYTES, Y_STEROID] = p_k_chondrocyte_death_steroid*x445*x99
    J[Y_MACROPHAGE_M1, Y_STEROID] = -x447*x448
    J[Y_IL1B, Y_STEROID] = -x219*x449
    J[Y_TNFA, Y_STEROID] = -x224*x449
    J[Y_IL6, Y_STEROID] = -x226*x449
    J[Y_MMP3, Y_STEROID] = -x327*x451
    J[Y_MMP13, Y_STEROID] = -x330*x451
    J[Y_ADAMTS, Y_STEROID] = -x331*x451
    J[Y_PGE2, Y_STEROID] = x446*x452
    J[Y_STEROID, Y_STEROID] = -p_clearance_small_molecule*x67
    J[Y_CHONDROCYTES, Y_LOAD_FACTOR] = x100*x455
    J[Y_AGGRECAN, Y_LOAD_FACTOR] = -p_rel_turnover*x104*x454
    J[Y_COLLAGEN, Y_LOAD_FACTOR] = x361*x456
    J[Y_REPAIR_TISSUE, Y_LOAD_FACTOR] = -p_rel_turnover*(-x115*x456 + p_k_resident_repair*p_mech_resident_repair*x338*x457)
    J[Y_REPAIR_HYALINE, Y_LOAD_FACTOR] = -p_rel_turnover*(-x116*x456 + p_k_resident_repair*p_mech_resident_repair*p_repair_quality_min*x338*x457)
    J[Y_MACROPHAGE_M1, Y_LOAD_FACTOR] = -x136*x455
    J[Y_MMP13, Y_LOAD_FACTOR] = -x138*x455
    J[Y_FRAGMENTS, Y_LOAD_FACTOR] = p_k_fragment_clear*p_rel_load_patient*x453*(p_fragments_per_damage*x338 + x148*x458 - x426*x458)
    J[Y_CTX2, Y_LOAD_FACTOR] = -x428*x454
    J[Y_LOAD_FACTOR, Y_LOAD_FACTOR] = 0.0
    J[Y_PLACEBO_DRIVE, Y_PLACEBO_DRIVE] = -p_k_placebo_offset
    J[Y_PLACEBO_RESPONSE, Y_PLACEBO_DRIVE] = p_k_placebo_onset
    J[Y_PLACEBO_RESPONSE, Y_PLACEBO_RESPONSE] = -p_k_placebo_onset
    J[Y_MACROPHAGE_M1, Y_ANTIINFLAMMATORY] = -x448*x460
    J[Y_IL1B, Y_ANTIINFLAMMATORY] = -x219*x461
    J[Y_TNFA, Y_ANTIINFLAMMATORY] = -x224*x461
    J[Y_IL6, Y_ANTIINFLAMMATORY] = -x226*x461
    J[Y_MMP3, Y_ANTIINFLAMMATORY] = -x327*x462
    J[Y_MMP13, Y_ANTIINFLAMMATORY] = -x330*x462
    J[Y_ADAMTS, Y_ANTIINFLAMMATORY] = -x331*x462
    J[Y_PGE2, Y_ANTIINFLAMMATORY] = x452*x459
    J[Y_ANTIINFLAMMATORY, Y_ANTIINFLAMMATORY] = 0.0
    J[Y_CHONDROCYTES, Y_ANABOLIC] = x332*x464
    J[Y_AGGRECAN, Y_ANABOLIC] = p_aggrecan_per_anabolic*x337*x464
    J[Y_REPAIR_TISSUE, Y_ANABOLIC] = x465
    J[Y_REPAIR_HYALINE, Y_ANABOLIC] = x181*x465
    J[Y_MACROPHAGE_M1, Y_ANABOLIC] = -x448*x467
    J[Y_IL1B, Y_ANABOLIC] = -x219*x468
    J[Y_TNFA, Y_ANABOLIC] = -x224*x468
    J[Y_IL6, Y_ANABOLIC] = -x226*x468
    J[Y_MMP3, Y_ANABOLIC] = -x327*x469
    J[Y_MMP13, Y_ANABOLIC] = -x330*x469
    J[Y_ADAMTS, Y_ANABOLIC] = -x331*x469
    J[Y_MSC_ADHERED, Y_ANABOLIC] = -x471
    J[Y_MSC_DIFFERENTIATED, Y_ANABOLIC] = x471
    J[Y_ANABOLIC, Y_ANABOLIC] = 0.0
    J[Y_REPAIR_HYALINE, Y_SCAFFOLD] = -x340*x472
    J[Y_MSC_FREE, Y_SCAFFOLD] = x472*x473
    J[Y_MSC_ADHERED, Y_SCAFFOLD] = -x472*(x473 + x474)
    J[Y_MSC_DIFFERENTIATED, Y_SCAFFOLD] = x472*x474
    J[Y_SCAFFOLD, Y_SCAFFOLD] = -0.6931471805599453 / p_half_life_scaffold
    J[Y_SENSITISATION, Y_SENSITISATION] = -x374*(1.0 if y_sensitisation >= 0.0 else 0.0)
    J[Y_MACROPHAGE_M1, Y_SYNOVIAL_MEMORY] = -x210*x372*x475
    J[Y_SYNOVIAL_MEMORY, Y_SYNOVIAL_MEMORY] = -x475*(0.6931471805599453 / p_half_life_synovial_memory + x249*x251*(1.0 if x250 >= 0.0 else 0.0))
    J[Y_PRP_FACTORS, Y_PRP_FIBRIN] = x444*x476
    J[Y_PRP_FIBRIN, Y_PRP_FIBRIN] = -x476
    return 0

