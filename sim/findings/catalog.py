"""The seed findings F1-F18 of the origin review as replica studies.

Source: Ma J, Tian Z, Meng X. Advances in Clinical Medicine 2024, doi 10.12677/acm.2024.143705;
reference numbers in ``refs`` are the review's. Animal arms are injected on day 0, four weeks
after the species preset's OA induction (``sim.model.species``). Cell numbers the review does
not give are typical values stated in the arm (rat 1e6, human 4e7 bone-marrow MSCs,
parameters.csv:msc_dose_clinical); ``?`` takes the documented typical amount of
``sim.regimen.products.TYPICAL_AMOUNTS``. Measures the model has no observation model for are
replaced by the closest one; ``notes`` says which. Each design says where its ``n`` comes
from: the review's text, a study of ``sim/data/trials/arms.csv``, or an assumption with its
reason.
"""

from __future__ import annotations

from sim.findings.design import Arm, Finding
from sim.findings.design import Relation as R
from sim.findings.design import StudyDesign as D
from sim.population import PopulationSpec
from sim.regimen.products import TYPICAL_AMOUNTS, TYPICAL_EXOSOME_SOURCE_CELLS

# Animals start healthy and are induced by their species preset (KL grade unused; age and BMI are
# human covariates the knee model ignores for animals, sim.model.patient).
SHEEP, RAT, RABBIT = (PopulationSpec(species=s, kl_grades=(0,)) for s in ("sheep", "rat", "rabbit"))
# KL 2-4 with most knees at KL 3, age ~58: typical of the MSC trials pooled in sim/data/trials.
HUMAN = PopulationSpec(kl_grades=(2, 3, 4), kl_weights=(0.3, 0.5, 0.2), age_mean=58.0, age_min=35.0)

def exosomes_of(cells: float) -> str:
    """Exosome dose matched to a cell dose: a week of the cells' output, the definition of the
    typical dose (``sim.regimen.products.TYPICAL_AMOUNTS``, 200 units for 3e7 cells). An animal
    study's unreported dose takes the species' usual cell number instead of the human amount,
    which a rat's knee (a fraction of a percent of a human's fluid) would hold hundreds of times
    more concentrated.
    """
    return f"exo(dose={TYPICAL_AMOUNTS[('exo', 'dose')] * cells / TYPICAL_EXOSOME_SOURCE_CELLS:.6g},source=bm)@0"


# Regimen building blocks (strings of the regimen grammar).
MSC_RAT = "msc(cells=1e6,source=bm,allogeneic=0)@0"
MSC_H = "msc(cells=4e7,source=bm,allogeneic=0)@0"
SALINE = "saline(ml=?)@0"
HA = "ha(mg=?,form=unknown)@0"
PRP = "prp(ml=?,leukocyte=unknown)@0"
HTO = "surgery(kind=hto)@0"
DEBRIDE = "surgery(kind=debridement)@0"
UC = "msc(cells=2e7,source=uc,allogeneic=1)"

_RAT_N = "assumed: 6 per group, usual for rat OA histology studies (the review gives no n)"
_T_ANIMAL = "assumed: such animal studies report mean +- SD and compare groups by t test / ANOVA"
_T_HUMAN = "assumed: two-sample t test on the follow-up score, the usual analysis of these trials"


def _each(lhs, op, rhs, measures, days):
    return tuple(R(lhs, op, rhs, m, d) for m in measures for d in days)


FINDINGS: tuple[Finding, ...] = (
    Finding("F1", "Sheep meniscectomy: one month after one injection MSC ~ MSC-exosomes, both better "
            "(lower OARSI) than HA", (5,), SHEEP,
            {"MSC": "msc(cells=1e7,source=bm,allogeneic=0)@0", "EXO": exosomes_of(1e7), "HA": HA},
            (R("MSC", "~", "EXO", "OARSI_histology", 30), R("MSC", "<", "HA", "OARSI_histology", 30),
             R("EXO", "<", "HA", "OARSI_histology", 30)),
            D(6, "seed review [5]: 18 sheep in three groups", "mann_whitney",
              test_source="assumed: ordinal OARSI scores of six sheep per group"),
            notes="hard-surface walking after meniscectomy not modelled (preset induction only); "
                  "cell and exosome doses not reported (1e7 cells, exosomes of a week of their output)"),
    Finding("F2", "Rat: H19-exosomes improve OARSI scores; the TGF-beta receptor inhibitor SB-431542 "
            "cancels the effect", (3,), RAT,
            {"control": SALINE, "EXO": exosomes_of(1e6),
             "control+SB": Arm(SALINE, {"rel_tgfb_receptor": 0.0}),
             "EXO+SB": Arm(exosomes_of(1e6), {"rel_tgfb_receptor": 0.0})},
            (R("EXO", "<", "control", "OARSI_histology", 56), R("EXO+SB", ">", "EXO", "OARSI_histology", 56),
             R("EXO+SB", "~", "control+SB", "OARSI_histology", 56)),
            D(6, _RAT_N, test_source=_T_ANIMAL),
            notes="inhibitor as rel_tgfb_receptor=0 for the whole follow-up, so 'cancels the effect' is "
                  "judged against blocked controls (the blockade also removes endogenous TGF-beta "
                  "signalling); read-out at 8 weeks assumed; exosome dose not reported (a week of the output "
                  "of 1e6 cells, the usual rat dose)"),
    Finding("F3", "Rat: MSC + anti-inflammatory herbal capsule gives lower IL-1beta, IL-6 and Mankin "
            "score than MSC alone or the drug alone", (6,), RAT,
            {"control": SALINE, "MSC": MSC_RAT, "drug": "antiinflam(strength=1,days=56)@0",
             "combo": MSC_RAT + ";antiinflam(strength=1,days=56)@0"},
            _each("combo", "<", "MSC", ("IL1b", "IL6", "Mankin"), (56,))
            + _each("combo", "<", "drug", ("IL1b", "IL6", "Mankin"), (56,)),
            D(6, _RAT_N, test_source=_T_ANIMAL),
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
            D(8, "assumed: 8 per group, usual for rabbit OA studies (the review gives no n)", test_source=_T_ANIMAL),
            notes="gross appearance (surface wear) read as OARSI grade; ligustrazine as the generic "
                  "anti-inflammatory channel for 6 weeks; rabbit dose 2e6 cells assumed"),
    Finding("F5", "Rat: MSC + low-intensity pulsed ultrasound (anabolic) is better than MSC alone", (9,), RAT,
            {"MSC": MSC_RAT, "MSC+LIPUS": MSC_RAT + ";anabolic(strength=1,days=28)@0"},
            (R("MSC+LIPUS", "<", "MSC", "OARSI_histology", 56),),
            D(6, _RAT_N, test_source=_T_ANIMAL),
            notes="ultrasound as the generic anabolic channel, daily for 4 weeks"),
    Finding("F6", "Rat: MSC raises the pain threshold; every dose reduces bone-matrix destruction; only "
            "the high dose lowers CTX-II, PGE2 and TNF-alpha", (11,), RAT,
            {"control": SALINE, "low": "msc(cells=2.5e5,source=bm,allogeneic=0)@0", "mid": MSC_RAT,
             "high": "msc(cells=4e6,source=bm,allogeneic=0)@0"},
            (R("high", "<", "control", "VAS_pain", 56),)
            + tuple(R(d, "<", "control", "OARSI_histology", 56) for d in ("low", "mid", "high"))
            + _each("high", "<", "control", ("CTX_II", "PGE2", "TNFa"), (56,))
            + _each("low", "~", "control", ("CTX_II", "PGE2", "TNFa"), (56,)),
            D(8, "assumed: 8 per group, usual for rat dose-finding studies (the review gives no n)",
              test_source=_T_ANIMAL),
            notes="pain threshold read as (lower) VAS pain; bone-matrix destruction as OARSI histology; "
                  "doses 2.5e5 / 1e6 / 4e6 cells assumed"),
    Finding("F7", "HTO followed by autologous MSC one month later improves cartilage repair and knee "
            "function at one year", (12,), HUMAN,
            {"HTO": HTO, "HTO+MSC": HTO + ";msc(cells=4e7,source=bm,allogeneic=0)@30"},
            _each("HTO+MSC", ">", "HTO", ("MRI_cartilage_volume",), (365,))
            + _each("HTO+MSC", "<", "HTO", ("WOMAC_function", "VAS_pain"), (365,)),
            D(2, "seed review [12]: a case series of 2 knees; the HTO-alone comparison gets the same size"),
            notes="a case series without a control arm; HTO as 30% unloading of the diseased compartment"),
    Finding("F8", "MSC vs saline, 12 months: WOMAC lower at 6 and 12 months, Lysholm higher", (13,), HUMAN,
            {"saline": SALINE, "MSC": MSC_H},
            _each("MSC", "<", "saline", ("WOMAC_total",), (182, 365))
            + _each("MSC", ">", "saline", ("Lysholm",), (182, 365)),
            D({"saline": 24, "MSC": 19}, "assumed: 24/19 as in arms.csv EMADEDIN2018, the 4e7 BM-MSC vs saline "
              "RCT of the trial data (reference [13] itself is not in the data)", test_source=_T_HUMAN),
            notes="'no adverse events' is outside the model"),
    Finding("F9", "Arthroscopic debridement + MSC vs debridement alone: VAS and Lysholm better at 3 and "
            "6 months, lower joint-fluid inflammatory mediators", (14,), HUMAN,
            {"debridement": DEBRIDE, "debridement+MSC": DEBRIDE + ";" + MSC_H},
            _each("debridement+MSC", "<", "debridement", ("VAS_pain",), (91, 182))
            + _each("debridement+MSC", ">", "debridement", ("Lysholm",), (91, 182))
            + _each("debridement+MSC", "<", "debridement", ("IL1b", "IL6"), (91,)),
            D(25, "assumed: 25 per arm as the debridement + MSC cohort of arms.csv KOH2012 (reference [14] "
              "is not in the trial data)", test_source=_T_HUMAN),
            notes="inflammatory mediators read as IL-1beta and IL-6 at 3 months"),
    Finding("F10", "Very low MSC dose (BMAC: 34,400 MSCs in 4.6 million nucleated cells) ~ saline for pain",
            (15,), HUMAN,
            {"saline": SALINE, "BMAC": "msc(cells=4.6544e6,source=bmac,allogeneic=0)@0"},
            _each("BMAC", "~", "saline", ("VAS_pain",), (182, 365)),
            D(25, "arms.csv SHAPIRO2017: 25 patients, BMAC in one knee and saline in the other", "paired_t",
              paired=True, test_source="assumed: paired comparison of the two knees of each patient")),
    Finding("F11", "MSC at 0.5-0.6 x 10^8 and 1.0 x 10^8 cells better than saline (symptoms, cartilage)",
            (16, 17), HUMAN,
            {"saline": SALINE, "AD 1e8": "msc(cells=1e8,source=ad,allogeneic=0)@0",
             "PL 5.5e7": "msc(cells=5.5e7,source=pl,allogeneic=1)@0"},
            _each("AD 1e8", "<", "saline", ("WOMAC_total",), (182,))
            + _each("PL 5.5e7", "<", "saline", ("WOMAC_total",), (182,))
            + _each("AD 1e8", ">", "saline", ("MRI_cartilage_volume",), (182,))
            + _each("PL 5.5e7", ">", "saline", ("MRI_cartilage_volume",), (182,)),
            D({"saline": 12, "AD 1e8": 12, "PL 5.5e7": 10},
              "arms.csv LEE2019 (1e8 autologous AD-MSC vs saline, 12/12) and KHALIFEH2019 (5-6e7 allogeneic "
              "placental MSC vs saline, 20 patients: 10 per arm assumed); one saline arm of 12 stands for both",
              test_source=_T_HUMAN),
            notes="[16] autologous adipose 1e8, [17] allogeneic placental 5-6e7; both trials followed "
                  "patients for 6 months, so the relations are read at day 182"),
    Finding("F12", "MSC better than HA for function and MRI cartilage", (18, 20, 21), HUMAN,
            {"HA": HA, "MSC": MSC_H},
            (R("MSC", "<", "HA", "WOMAC_function", 365), R("MSC", ">", "HA", "MRI_cartilage_volume", 365)),
            D(15, "arms.csv VEGA2015: 4e7 allogeneic BM-MSC vs HA, 15/15, 12 months", test_source=_T_HUMAN)),
    Finding("F13", "UC-MSC at baseline and 6 months: lower pain, better function at 12 months than HA "
            "and than a single MSC injection", (19,), HUMAN,
            {"HA x2": "ha(mg=?,form=unknown)@0;ha(mg=?,form=unknown)@182", "UC x1": UC + "@0",
             "UC x2": UC + "@0;" + UC + "@182"},
            _each("UC x2", "<", "HA x2", ("VAS_pain", "WOMAC_function"), (365,))
            + _each("UC x2", "<", "UC x1", ("VAS_pain", "WOMAC_function"), (365,)),
            D(9, "assumed: 9 per arm, the size of the small three-arm phase I/II MSC trials in arms.csv "
              "(reference [19] is not in the trial data)", test_source=_T_HUMAN),
            notes="2e7 allogeneic UC cells per injection; HA also at baseline and 6 months"),
    Finding("F14", "MSC + PRP better than MSC alone for pain and function", (22, 27), HUMAN,
            {"MSC": MSC_H, "MSC+PRP": MSC_H + ";" + PRP},
            _each("MSC+PRP", "<", "MSC", ("VAS_pain", "WOMAC_function"), (182, 365)),
            D({"MSC": 16, "MSC+PRP": 14}, "arms.csv BASTOS2020: MSC 16, MSC + PRP 14", test_source=_T_HUMAN)),
    Finding("F15", "MSC and MSC + PRP better than corticosteroid on KOOS at 12 months", (28,), HUMAN,
            {"steroid": "steroid(mg=40,drug=triamcinolone)@0", "MSC": MSC_H, "MSC+PRP": MSC_H + ";" + PRP},
            _each("MSC", ">", "steroid", ("KOOS_pain", "KOOS_ADL"), (365,))
            + _each("MSC+PRP", ">", "steroid", ("KOOS_pain", "KOOS_ADL"), (365,)),
            D({"steroid": 17, "MSC": 16, "MSC+PRP": 14}, "arms.csv BASTOS2020: corticosteroid 17, MSC 16, "
              "MSC + PRP 14", test_source=_T_HUMAN),
            notes="40 mg triamcinolone assumed (the trial's drug and dose are not stated)"),
    Finding("F16", "PRP better than HA on muscle strength; HTO + PRP better than HTO alone", (12, 26), HUMAN,
            {"HA": HA, "PRP": PRP, "HTO": HTO, "HTO+PRP": HTO + ";" + PRP},
            (R("PRP", "<", "HA", "WOMAC_function", 182),)
            + _each("HTO+PRP", "<", "HTO", ("VAS_pain", "WOMAC_function"), (365,))
            + _each("HTO+PRP", ">", "HTO", ("MRI_cartilage_volume",), (365,)),
            D({"HA": 30, "PRP": 30, "HTO": 23, "HTO+PRP": 23},
              "assumed: PRP vs HA 30 per arm, the size of the PRP-vs-HA RCTs of arms.csv (JOT2018 33/32, "
              "TAVASSOLI2019 28/27); HTO arms 23 as KOH2014's HTO + PRP arm", test_source=_T_HUMAN),
            notes="muscle strength has no observation model: read as WOMAC function"),
    Finding("F17", "Graphene scaffolds promote MSC differentiation without changing proliferation", (29,),
            HUMAN,
            {"MSC": MSC_H, "MSC+scaffold": MSC_H + ";scaffold(strength=1)@0"},
            (R("MSC+scaffold", ">", "MSC", "msc_differentiated_fraction", 28),
             R("MSC+scaffold", "~", "MSC", "msc_proliferation_per_cell", 28)),
            D(3, "assumed: triplicate cultures, usual for in-vitro differentiation assays",
              test_source="assumed: t test between culture conditions"),
            notes="an in-vitro finding read in the knee: differentiated share and per-cell "
                  "proliferation rate of retained MSCs at 4 weeks"),
    Finding("F18", "Overall: MSC better than PRP and HA; combinations better still", (18, 19, 22, 27, 28), HUMAN,
            {"HA": HA, "PRP": PRP, "MSC": MSC_H, "MSC+PRP": MSC_H + ";" + PRP, "MSC+HA": MSC_H + ";" + HA},
            _each("MSC", "<", "PRP", ("WOMAC_total",), (365,)) + _each("MSC", "<", "HA", ("WOMAC_total",), (365,))
            + _each("MSC+PRP", "<", "MSC", ("WOMAC_total",), (365,))
            + _each("MSC+HA", "<", "MSC", ("WOMAC_total",), (365,)),
            D(30, "assumed: 30 per arm, a typical size of the two-arm injection RCTs in arms.csv (the "
              "finding summarises several trials)", test_source=_T_HUMAN)),
)

FINDINGS_BY_ID = {f.id: f for f in FINDINGS}


def get_findings(ids=None) -> tuple[Finding, ...]:
    """Findings by id (all when ``ids`` is None); unknown ids raise and list the valid ones.

    Parameters
    ----------
    ids : iterable of str, optional
        Finding ids such as ``"F8"`` (case and surrounding spaces ignored).

    Returns
    -------
    tuple of Finding
        In the order of ``ids`` (catalogue order when None).

    Raises
    ------
    ValueError
        For an unknown id.
    """
    if ids is None:
        return FINDINGS
    out = []
    for i in ids:
        key = i.strip().upper()
        if key not in FINDINGS_BY_ID:
            raise ValueError(f"findings: unknown finding {i!r}; allowed: {', '.join(FINDINGS_BY_ID)}")
        out.append(FINDINGS_BY_ID[key])
    return tuple(out)
