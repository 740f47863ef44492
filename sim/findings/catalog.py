"""The seed findings F1-F18 of the origin review as declared virtual experiments.

Source: Ma J, Tian Z, Meng X. Advances in Clinical Medicine 2024, doi 10.12677/acm.2024.143705;
reference numbers in ``refs`` are the review's. Animal arms are injected on day 0, four weeks
after the species preset's OA induction (``sim.model.species``). Cell numbers the review does
not give are typical values stated in the arm (rat 1e6, human 4e7 bone-marrow MSCs,
parameters.csv:msc_dose_clinical); ``?`` takes the documented typical amount of
``sim.model.dosing.TYPICAL_AMOUNTS``. Measures the model has no observation model for are
replaced by the closest one; ``notes`` says which.
"""

from __future__ import annotations

from sim.findings.spec import Arm, Finding, Population, Relation as R

_ANIMAL = {"inflammation": 0.3, "alignment_load": 0.1, "k_recruit": 0.3, "k_msc_adhesion": 0.2,
           "k_collagen_mmp13": 0.2}
SHEEP, RAT, RABBIT = (Population(species=s, sd_log=_ANIMAL) for s in ("sheep", "rat", "rabbit"))
HUMAN = Population()

# Regimen building blocks (strings of the regimen grammar).
MSC_RAT = "msc(cells=1e6,source=bm,allogeneic=0)@0"
MSC_H = "msc(cells=4e7,source=bm,allogeneic=0)@0"
SALINE = "saline(ml=?)@0"
HA = "ha(mg=?,form=unknown)@0"
PRP = "prp(ml=?,leukocyte=unknown)@0"
HTO = "surgery(kind=hto)@0"
DEBRIDE = "surgery(kind=debridement)@0"
UC = "msc(cells=2e7,source=uc,allogeneic=1)"


def _each(lhs, op, rhs, measures, days):
    return tuple(R(lhs, op, rhs, m, d) for m in measures for d in days)


FINDINGS: tuple[Finding, ...] = (
    Finding("F1", "Sheep meniscectomy: one month after one injection MSC ~ MSC-exosomes, both better "
            "(lower OARSI) than HA", (5,), SHEEP,
            {"MSC": "msc(cells=1e7,source=bm,allogeneic=0)@0", "EXO": "exo(dose=?,source=bm)@0", "HA": HA},
            (R("MSC", "~", "EXO", "OARSI_histology", 30), R("MSC", "<", "HA", "OARSI_histology", 30),
             R("EXO", "<", "HA", "OARSI_histology", 30)),
            notes="hard-surface walking after meniscectomy not modelled (preset induction only); "
                  "cell and exosome doses not reported (1e7 cells, typical exosome dose)"),
    Finding("F2", "Rat: H19-exosomes improve OARSI scores; the TGF-beta receptor inhibitor SB-431542 "
            "cancels the effect", (3,), RAT,
            {"control": SALINE, "EXO": "exo(dose=?,source=bm)@0",
             "control+SB": Arm(SALINE, {"rel_tgfb_receptor": 0.0}),
             "EXO+SB": Arm("exo(dose=?,source=bm)@0", {"rel_tgfb_receptor": 0.0})},
            (R("EXO", "<", "control", "OARSI_histology", 56), R("EXO+SB", ">", "EXO", "OARSI_histology", 56),
             R("EXO+SB", "~", "control+SB", "OARSI_histology", 56)),
            notes="inhibitor as rel_tgfb_receptor=0 for the whole follow-up, so 'cancels the effect' is "
                  "judged against blocked controls (the blockade also removes endogenous TGF-beta "
                  "signalling); read-out at 8 weeks assumed"),
    Finding("F3", "Rat: MSC + anti-inflammatory herbal capsule gives lower IL-1beta, IL-6 and Mankin "
            "score than MSC alone or the drug alone", (6,), RAT,
            {"control": SALINE, "MSC": MSC_RAT, "drug": "antiinflam(strength=1,days=56)@0",
             "combo": MSC_RAT + ";antiinflam(strength=1,days=56)@0"},
            _each("combo", "<", "MSC", ("IL1b", "IL6", "Mankin"), (56,))
            + _each("combo", "<", "drug", ("IL1b", "IL6", "Mankin"), (56,)),
            notes="oral capsule as the generic anti-inflammatory channel, daily for 8 weeks"),
    Finding("F4", "Rabbit: MSC + ligustrazine: gross cartilage combo ~ MSC, both better than drug; "
            "joint-fluid IL-1beta, IL-6 combo ~ drug, both lower than MSC", (7,), RABBIT,
            {"MSC": "msc(cells=2e6,source=bm,allogeneic=0)@0", "drug": "antiinflam(strength=1,days=42)@0",
             "combo": "msc(cells=2e6,source=bm,allogeneic=0)@0;antiinflam(strength=1,days=42)@0"},
            (R("combo", "~", "MSC", "OARSI_grade", 42), R("MSC", "<", "drug", "OARSI_grade", 42),
             R("combo", "<", "drug", "OARSI_grade", 42))
            + _each("combo", "~", "drug", ("IL1b", "IL6"), (42,))
            + _each("combo", "<", "MSC", ("IL1b", "IL6"), (42,))
            + _each("drug", "<", "MSC", ("IL1b", "IL6"), (42,)),
            notes="gross appearance (surface wear) read as OARSI grade; ligustrazine as the generic "
                  "anti-inflammatory channel for 6 weeks; rabbit dose 2e6 cells assumed"),
    Finding("F5", "Rat: MSC + low-intensity pulsed ultrasound (anabolic) is better than MSC alone", (9,), RAT,
            {"MSC": MSC_RAT, "MSC+LIPUS": MSC_RAT + ";anabolic(strength=1,days=28)@0"},
            (R("MSC+LIPUS", "<", "MSC", "OARSI_histology", 56),),
            notes="ultrasound as the generic anabolic channel, daily for 4 weeks"),
    Finding("F6", "Rat: MSC raises the pain threshold; every dose reduces bone-matrix destruction; only "
            "the high dose lowers CTX-II, PGE2 and TNF-alpha", (11,), RAT,
            {"control": SALINE, "low": "msc(cells=2.5e5,source=bm,allogeneic=0)@0", "mid": MSC_RAT,
             "high": "msc(cells=4e6,source=bm,allogeneic=0)@0"},
            (R("high", "<", "control", "VAS_pain", 56),)
            + tuple(R(d, "<", "control", "OARSI_histology", 56) for d in ("low", "mid", "high"))
            + _each("high", "<", "control", ("CTX_II", "PGE2", "TNFa"), (56,))
            + _each("low", "~", "control", ("CTX_II", "PGE2", "TNFa"), (56,)),
            notes="pain threshold read as (lower) VAS pain; bone-matrix destruction as OARSI histology; "
                  "doses 2.5e5 / 1e6 / 4e6 cells assumed"),
    Finding("F7", "HTO followed by autologous MSC one month later improves cartilage repair and knee "
            "function at one year", (12,), HUMAN,
            {"HTO": HTO, "HTO+MSC": HTO + ";msc(cells=4e7,source=bm,allogeneic=0)@30"},
            _each("HTO+MSC", ">", "HTO", ("MRI_cartilage_volume",), (365,))
            + _each("HTO+MSC", "<", "HTO", ("WOMAC_function", "VAS_pain"), (365,)),
            notes="a case series of 2 knees; HTO as 30% unloading of the diseased compartment"),
    Finding("F8", "MSC vs saline, 12 months: WOMAC lower at 6 and 12 months, Lysholm higher", (13,), HUMAN,
            {"saline": SALINE, "MSC": MSC_H},
            _each("MSC", "<", "saline", ("WOMAC_total",), (182, 365)) + _each("MSC", ">", "saline", ("Lysholm",), (182, 365)),
            notes="'no adverse events' is outside the model"),
    Finding("F9", "Arthroscopic debridement + MSC vs debridement alone: VAS and Lysholm better at 3 and "
            "6 months, lower joint-fluid inflammatory mediators", (14,), HUMAN,
            {"debridement": DEBRIDE, "debridement+MSC": DEBRIDE + ";" + MSC_H},
            _each("debridement+MSC", "<", "debridement", ("VAS_pain",), (91, 182))
            + _each("debridement+MSC", ">", "debridement", ("Lysholm",), (91, 182))
            + _each("debridement+MSC", "<", "debridement", ("IL1b", "IL6"), (91,)),
            notes="inflammatory mediators read as IL-1beta and IL-6 at 3 months"),
    Finding("F10", "Very low MSC dose (BMAC: 34,400 MSCs in 4.6 million nucleated cells) ~ saline for pain",
            (15,), HUMAN,
            {"saline": SALINE, "BMAC": "msc(cells=4.6544e6,source=bmac,allogeneic=0)@0"},
            _each("BMAC", "~", "saline", ("VAS_pain",), (182, 365))),
    Finding("F11", "MSC at 0.5-0.6 x 10^8 and 1.0 x 10^8 cells better than saline (symptoms, cartilage)",
            (16, 17), HUMAN,
            {"saline": SALINE, "AD 5.5e7": "msc(cells=5.5e7,source=ad,allogeneic=0)@0",
             "PL 1e8": "msc(cells=1e8,source=pl,allogeneic=1)@0"},
            _each("AD 5.5e7", "<", "saline", ("WOMAC_total",), (182, 365))
            + _each("PL 1e8", "<", "saline", ("WOMAC_total",), (182, 365))
            + _each("AD 5.5e7", ">", "saline", ("MRI_cartilage_volume",), (365,))
            + _each("PL 1e8", ">", "saline", ("MRI_cartilage_volume",), (365,)),
            notes="[16] autologous adipose, [17] allogeneic placental cells"),
    Finding("F12", "MSC better than HA for function and MRI cartilage", (18, 20, 21), HUMAN,
            {"HA": HA, "MSC": MSC_H},
            (R("MSC", "<", "HA", "WOMAC_function", 365), R("MSC", ">", "HA", "MRI_cartilage_volume", 365))),
    Finding("F13", "UC-MSC at baseline and 6 months: lower pain, better function at 12 months than HA "
            "and than a single MSC injection", (19,), HUMAN,
            {"HA x2": "ha(mg=?,form=unknown)@0;ha(mg=?,form=unknown)@182", "UC x1": UC + "@0",
             "UC x2": UC + "@0;" + UC + "@182"},
            _each("UC x2", "<", "HA x2", ("VAS_pain", "WOMAC_function"), (365,))
            + _each("UC x2", "<", "UC x1", ("VAS_pain", "WOMAC_function"), (365,)),
            notes="2e7 allogeneic UC cells per injection; HA also at baseline and 6 months"),
    Finding("F14", "MSC + PRP better than MSC alone for pain and function", (22, 27), HUMAN,
            {"MSC": MSC_H, "MSC+PRP": MSC_H + ";" + PRP},
            _each("MSC+PRP", "<", "MSC", ("VAS_pain", "WOMAC_function"), (182, 365))),
    Finding("F15", "MSC and MSC + PRP better than corticosteroid on KOOS at 12 months", (28,), HUMAN,
            {"steroid": "steroid(mg=40,drug=triamcinolone)@0", "MSC": MSC_H, "MSC+PRP": MSC_H + ";" + PRP},
            _each("MSC", ">", "steroid", ("KOOS_pain", "KOOS_ADL"), (365,))
            + _each("MSC+PRP", ">", "steroid", ("KOOS_pain", "KOOS_ADL"), (365,))),
    Finding("F16", "PRP better than HA on muscle strength; HTO + PRP better than HTO alone", (12, 26), HUMAN,
            {"HA": HA, "PRP": PRP, "HTO": HTO, "HTO+PRP": HTO + ";" + PRP},
            (R("PRP", "<", "HA", "WOMAC_function", 182),)
            + _each("HTO+PRP", "<", "HTO", ("VAS_pain", "WOMAC_function"), (365,))
            + _each("HTO+PRP", ">", "HTO", ("MRI_cartilage_volume",), (365,)),
            notes="muscle strength has no observation model: read as WOMAC function"),
    Finding("F17", "Graphene scaffolds promote MSC differentiation without changing proliferation", (29,),
            HUMAN,
            {"MSC": MSC_H, "MSC+scaffold": MSC_H + ";scaffold(strength=1)@0"},
            (R("MSC+scaffold", ">", "MSC", "msc_differentiated_fraction", 28),
             R("MSC+scaffold", "~", "MSC", "msc_proliferation_per_cell", 28)),
            margin_rel=0.05,
            notes="equivalence margin at least 5% of the MSC-alone value; an in-vitro finding read in the knee: differentiated share and per-cell "
                  "proliferation rate of retained MSCs at 4 weeks"),
    Finding("F18", "Overall: MSC better than PRP and HA; combinations better still", (18, 19, 22, 27, 28), HUMAN,
            {"HA": HA, "PRP": PRP, "MSC": MSC_H, "MSC+PRP": MSC_H + ";" + PRP, "MSC+HA": MSC_H + ";" + HA},
            _each("MSC", "<", "PRP", ("WOMAC_total",), (365,)) + _each("MSC", "<", "HA", ("WOMAC_total",), (365,))
            + _each("MSC+PRP", "<", "MSC", ("WOMAC_total",), (365,))
            + _each("MSC+HA", "<", "MSC", ("WOMAC_total",), (365,))),
)

FINDINGS_BY_ID = {f.id: f for f in FINDINGS}


def get_findings(ids=None) -> tuple[Finding, ...]:
    """Findings by id (all when ``ids`` is None); unknown ids raise and list the valid ones."""
    if ids is None:
        return FINDINGS
    out = []
    for i in ids:
        key = i.strip().upper()
        if key not in FINDINGS_BY_ID:
            raise ValueError(f"findings: unknown finding {i!r}; allowed: {', '.join(FINDINGS_BY_ID)}")
        out.append(FINDINGS_BY_ID[key])
    return tuple(out)
