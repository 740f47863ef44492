"""Vocabularies and column lists of the trial-data schema, declared once as data.

Everything here is transcribed from ``sim/data/trials/README.md`` (sections "Schema" and
"Vocabularies"); a test checks that the measure and statistic vocabularies still match that file.
Measures whose meaning starts with ``EXTENSION`` were added by the data set where no base name fits.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "ARMS_COLUMNS",
    "OUTCOMES_COLUMNS",
    "POOLED_COLUMNS",
    "RETENTION_COLUMNS",
    "PARAMETERS_COLUMNS",
    "MEASURES",
    "STATISTICS",
    "POOLED_STATISTICS",
    "SPREAD_TYPES",
    "CONFIDENCE",
    "POOLED_CONFIDENCE",
    "RETENTION_CONFIDENCE",
    "SPECIES",
    "DESIGNS",
]

ARMS_COLUMNS = ("study_id", "arm_id", "arm_label", "species", "design", "n_arm", "population", "kl_min",
                "kl_max", "age_mean", "regimen", "citation", "doi_or_pmid", "source_url", "notes")
OUTCOMES_COLUMNS = ("arm_id", "measure", "scale_min", "scale_max", "higher_is_better", "timepoint_days",
                    "statistic", "value", "spread_type", "spread", "vs_arm_id", "n", "confidence",
                    "source_url", "notes")
POOLED_COLUMNS = ("study_id", "comparison", "measure", "scale_min", "scale_max", "timepoint_days",
                  "statistic", "value", "ci_low", "ci_high", "n_studies", "n_patients", "subgroup",
                  "citation", "doi_or_pmid", "source_url", "notes")
RETENTION_COLUMNS = ("study_id", "citation", "source_url", "species", "cell_type", "cells_injected", "day",
                     "fraction_remaining", "spread", "notes", "confidence")
PARAMETERS_COLUMNS = ("name", "description", "value", "unit", "range_low", "range_high", "species",
                      "context", "source_citation", "source_url", "notes")

#: Outcome measures (outcomes.csv and pooled.csv): name -> meaning, in README order.
MEASURES = MappingProxyType({
    'WOMAC_total': 'WOMAC total score (version/scale in scale_min/scale_max)',
    'WOMAC_pain': 'WOMAC pain subscale',
    'WOMAC_stiffness': 'WOMAC stiffness subscale',
    'WOMAC_function': 'WOMAC physical-function subscale',
    'VAS_pain': 'pain visual analogue scale (0-10 or 0-100 as given)',
    'NRS_pain': 'overall knee pain numeric rating scale',
    'KOOS_pain': 'KOOS pain subscale (0-100, higher = better)',
    'KOOS_symptoms': 'KOOS symptoms subscale',
    'KOOS_ADL': 'KOOS activities of daily living subscale',
    'KOOS_sport': 'KOOS sport/recreation subscale',
    'KOOS_QOL': 'KOOS quality-of-life subscale',
    'Lysholm': 'Lysholm knee score (0-100)',
    'IKDC': 'IKDC subjective knee score (0-100)',
    'Tegner': 'Tegner activity scale (0-10)',
    'Lequesne': 'Lequesne index',
    'KSS': 'Knee Society Score',
    'MRI_cartilage_volume': 'MRI cartilage volume',
    'MRI_cartilage_volume_change_pct': 'MRI cartilage volume, % change (region in notes)',
    'OARSI_histology': 'OARSI histology grade/score',
    'responder_rate': '% of patients meeting a responder definition (definition in notes)',
    'cartilage_coverage': '% of patients with the stated cartilage coverage at second-look arthroscopy',
    'hyaline_fraction': '% of repair/cartilage area that is hyaline cartilage (histology)',
    'WOMAC_unspecified': 'EXTENSION: WOMAC score whose subscale (pain or total) and version are not stated',
    'KOOS_unspecified': 'EXTENSION: KOOS score whose subscale (or total) is not stated',
    'KOOS_total': 'EXTENSION: KOOS total score',
    'VAS_pain_right_knee': 'EXTENSION: VAS pain of the right knee (bilateral patients)',
    'VAS_pain_left_knee': 'EXTENSION: VAS pain of the left knee (bilateral patients)',
    'NRS_pain_walking': 'EXTENSION: knee pain on walking, numeric rating scale',
    'AQoL4D': 'EXTENSION: AQoL-4D utility score',
    'MRI_cartilage_volume_medial_tibial':
        'EXTENSION: MRI cartilage volume of the medial tibial plateau (mm3)',
    'MRI_cartilage_volume_lateral_tibial':
        'EXTENSION: MRI cartilage volume of the lateral tibial plateau (mm3)',
    'MRI_cartilage_volume_patella': 'EXTENSION: MRI cartilage volume of the patella (mm3)',
    'XR_JSW': 'EXTENSION: radiographic joint-space width (units and sign in notes)',
    'XR_OA_score_Innes': 'EXTENSION: radiographic OA score (Innes), animal studies',
    'lameness_score': 'EXTENSION: clinical lameness score, animal studies',
    'fibrocartilage_fraction': 'EXTENSION: % of repair/cartilage area that is fibrocartilage (histology)',
    'responder_rate_WOMAC_pain_30pct': 'EXTENSION: % of patients with >=30% reduction in WOMAC pain',
    'responder_rate_WOMAC_stiffness_30pct':
        'EXTENSION: % of patients with >=30% reduction in WOMAC stiffness',
    'responder_rate_meniscal_volume_gt15pct':
        'EXTENSION: % of patients with >15% increase in meniscal volume on MRI',
    'pain_any': 'EXTENSION (pooled): pain pooled across instruments (SMD/ES)',
    'function_any': 'EXTENSION (pooled): function pooled across instruments (SMD)',
    'clinical_score_unspecified':
        'EXTENSION (pooled): standardised clinical score whose instrument is not stated',
    'SF36_PF': 'EXTENSION (pooled): SF-36 physical functioning (0-100)',
    'AE_any': 'EXTENSION (pooled): any adverse event',
    'AE_knee_pain_swelling': 'EXTENSION (pooled): knee pain or swelling adverse event',
    'PCE_pain':
        'EXTENSION (pooled): % of the active-arm pain improvement attributable to contextual (placebo) effects',
    'PCE_function':
        'EXTENSION (pooled): % of the active-arm function improvement attributable to contextual effects',
})

#: Arm-level statistics (outcomes.csv): name -> meaning.
STATISTICS = MappingProxyType({
    "mean": "arm mean at the timepoint",
    "median": "arm median at the timepoint",
    "mean_change_from_baseline": "arm mean of (follow-up minus baseline)",
    "median_change_from_baseline": "arm median change from baseline (sign convention in notes)",
    "mean_difference_vs_control": "between-arm difference (this arm minus vs_arm_id)",
    "median_pct_improvement": "median % improvement from baseline (positive = better)",
    "mean_pct_change_from_baseline": "mean % change from baseline (sign as reported)",
    "percent": "% of patients (responders, coverage)",
})

#: Pooled statistics (pooled.csv): name -> meaning.
POOLED_STATISTICS = MappingProxyType({
    "MD": "mean difference (unstandardised; scale in scale_min/scale_max)",
    "SMD": "standardised mean difference",
    "ES": "effect size as reported by the authors (standardised)",
    "mean_change_from_baseline": "pooled within-arm change from baseline",
    "RR": "risk ratio",
    "percent": "percentage",
})

SPREAD_TYPES = ("SD", "SE", "IQR", "CI95", "none")
CONFIDENCE = ("table", "secondary", "abstract")
POOLED_CONFIDENCE = ("table", "abstract")
RETENTION_CONFIDENCE = ("abstract", "table", "derived")
SPECIES = ("human", "sheep")
DESIGNS = ("rct", "nonrandomised", "cohort", "animal")
