"""State variables of the joint-scale knee model, declared once as data.

Units are chosen so that every state is of order one in a diseased knee, which keeps the
stiff integrator's error control meaningful across components: tissue contents are
fractions of a healthy knee, soluble mediators are multiples of their healthy-joint level,
injected cells are counted in millions, drugs in the units in which they are dosed.
The order of this table is the order of the state vector ``y``.
"""

from __future__ import annotations

from sim.model.table import Quantity, lookup

_H = "healthy-knee reference value (defines the unit)"
_ZERO = "none present before treatment"

STATES: tuple[Quantity, ...] = (
    # --- cartilage -------------------------------------------------------------------------
    Quantity("chondrocytes", 1.0, "fraction of healthy density", 0, 2,
             "Viable chondrocytes (1 = 9,626 cells/mm3 in adult femoral cartilage)",
             "parameters.csv:chondrocyte_density_adult (unit)"),
    Quantity("aggrecan", 1.0, "fraction of healthy content", 0, 2,
             "Aggrecan/proteoglycan content; renewable by chondrocytes", _H),
    Quantity("collagen", 1.0, "fraction of healthy content", 0, 1.5,
             "Collagen II network; adult turnover ~0 so losses are effectively permanent",
             "parameters.csv:collagen_II_turnover_adult"),
    Quantity("repair_tissue", 0.0, "fraction of healthy cartilage volume", 0, 1.5,
             "Repair tissue laid down by MSC-derived chondrocyte-like cells", _ZERO),
    Quantity("repair_hyaline", 0.0, "fraction of healthy cartilage volume", 0, 1.5,
             "Hyaline-like part of the repair tissue (quality = repair_hyaline / repair_tissue)", _ZERO),
    # --- synovium --------------------------------------------------------------------------
    Quantity("macrophage_m1", 0.05, "fraction of synovial macrophage capacity", 0, 1,
             "Pro-inflammatory (M1-like) synovial macrophages",
             "assumed: low in healthy synovium; M1/M2 ratio rises with KL grade (Liu 2018, models.md s6)"),
    Quantity("macrophage_m2", 0.05, "fraction of synovial macrophage capacity", 0, 1,
             "Anti-inflammatory (M2-like) synovial macrophages", "assumed: as macrophage_m1"),
    Quantity("effusion", 6.7, "mL", 0, 200,
             "Synovial fluid volume", "parameters.csv:sf_volume_control_knee"),
    # --- joint-fluid mediators (1 = healthy level) -----------------------------------------
    Quantity("il1b", 1.0, "x healthy level", 0, 1e3, "IL-1beta", _H),
    Quantity("tnfa", 1.0, "x healthy level", 0, 1e3, "TNF-alpha", _H),
    Quantity("il6", 1.0, "x healthy level", 0, 1e3, "IL-6", _H),
    Quantity("il1ra", 1.0, "x healthy level", 0, 1e3, "IL-1 receptor antagonist", _H),
    Quantity("il10", 1.0, "x healthy level", 0, 1e3, "IL-10", _H),
    Quantity("tgfb", 1.0, "x healthy level", 0, 1e3, "Active TGF-beta", _H),
    Quantity("prp_factors", 0.0, "ng/mL TGF-beta1 equivalent", 0, 1e4,
             "Platelet-derived growth factors released from injected PRP",
             "parameters.csv:PRPgel_release_TGFb1 (unit)"),
    Quantity("mmp3", 1.0, "x healthy level", 0, 1e3, "MMP-3 (stromelysin-1)", _H),
    Quantity("mmp13", 1.0, "x healthy level", 0, 1e3, "MMP-13 (collagenase-3)", _H),
    Quantity("adamts", 1.0, "x healthy level", 0, 1e3, "ADAMTS-4/5 aggrecanase activity", _H),
    Quantity("fragments", 1.0, "x healthy level", 0, 1e3,
             "Matrix fragments (DAMPs) that feed synovial inflammation (Baker 2017 loop)", _H),
    Quantity("ctx2", 1.0, "x healthy level", 0, 1e3, "CTX-II, collagen II degradation biomarker", _H),
    Quantity("pge2", 1.0, "x healthy level", 0, 1e3, "Prostaglandin E2", _H),
    # --- injected cells (millions) ---------------------------------------------------------
    Quantity("msc_free", 0.0, "1e6 cells", 0, 1e4, "MSCs free in the joint fluid", _ZERO),
    Quantity("msc_adhered", 0.0, "1e6 cells", 0, 1e4,
             "MSCs adhered/engrafted at damaged cartilage and synovium", _ZERO),
    Quantity("msc_differentiated", 0.0, "1e6 cells", 0, 1e4,
             "MSC-derived chondrocyte-like cells", _ZERO),
    Quantity("msc_dead", 0.0, "1e6 cells", 0, 1e4,
             "Apoptotic MSCs awaiting efferocytosis by macrophages", _ZERO),
    Quantity("secretome", 0.0, "secretome units", 0, 1e6,
             "Exosome/secretome pool (1 unit = output of 1e6 MSCs over one day)", _ZERO),
    # --- injected drugs and devices --------------------------------------------------------
    Quantity("ha_linear", 0.0, "mg", 0, 1e4, "Injected linear hyaluronic acid in the joint", _ZERO),
    Quantity("ha_crosslinked", 0.0, "mg", 0, 1e4, "Injected cross-linked hyaluronic acid", _ZERO),
    Quantity("prp_reservoir", 0.0, "mL PRP", 0, 1e3,
             "Platelet reservoir not yet degranulated", _ZERO),
    Quantity("steroid_depot", 0.0, "mg", 0, 1e4,
             "Undissolved corticosteroid crystals (triamcinolone-equivalent)", _ZERO),
    Quantity("steroid", 0.0, "ng/mL", 0, 1e7,
             "Dissolved corticosteroid in the joint fluid", _ZERO),
    Quantity("load_factor", 1.0, "x patient load", 0, 5,
             "Joint load relative to the patient's own pre-surgical load (HTO lowers it)",
             "assumed: unchanged unless surgery alters alignment or meniscus"),
    Quantity("placebo_drive", 0.0, "1", 0, 10,
             "Expectation set by an intervention (contextual response), decaying slowly", _ZERO),
    Quantity("placebo_response", 0.0, "1", 0, 10,
             "Expressed contextual response (follows placebo_drive with a lag)", _ZERO),
    Quantity("antiinflammatory", 0.0, "relative strength", 0, 100,
             "Exposure to a generic anti-inflammatory adjuvant (herbal capsule, ligustrazine, NSAID)",
             _ZERO),
    Quantity("anabolic", 0.0, "relative strength", 0, 100,
             "Exposure to a generic anabolic stimulus (e.g. low-intensity pulsed ultrasound)", _ZERO),
    Quantity("scaffold", 0.0, "relative strength", 0, 100,
             "Pro-differentiation scaffold delivered with cells (e.g. graphene)", _ZERO),
    # --- slow states that carry durable effects ---------------------------------------------
    Quantity("sensitisation", 0.5, "x healthy PGE2 excess", 0, 1e3,
             "Nociceptive sensitisation: follows the joint's nociceptive drive (PGE2 excess) over weeks "
             "to months, so pain relief outlasts a short anti-inflammatory pulse and builds up slowly",
             "central sensitisation falls from 47.5% to 10% of patients within 3 months of removing the "
             "peripheral drive (Sasaki 2022, evidence.md s4 [R28]); start value: a typical KL2-3 drive, "
             "settled by the run-in"),
    Quantity("synovial_memory", 1.0, "x untrained", 0, 1,
             "Inflammatory set point of the synovium (resident macrophage and fibroblast memory); "
             "multiplies M1 recruitment; lowered for months by pro-resolving signals",
             "assumed: 1 = the patient's untreated set point; synovial fibroblasts and resident "
             "macrophages keep an inflammatory memory over months (evidence.md s2.3: no quantitative "
             "source found, so its time scale and gain are calibrated)"),
    Quantity("prp_fibrin", 0.0, "mL PRP", 0, 1e3,
             "Platelets retained in the fibrin clot that injected PRP forms in the joint, releasing "
             "growth factors over days", _ZERO),
)

STATE_NAMES: tuple[str, ...] = tuple(s.name for s in STATES)
STATE_INDEX: dict[str, int] = {s.name: i for i, s in enumerate(STATES)}
N_STATES = len(STATES)


def state_index(name: str) -> int:
    """Index of state ``name`` in ``y``; unknown names raise and list the valid ones."""
    return lookup(STATE_INDEX, name, "state")
