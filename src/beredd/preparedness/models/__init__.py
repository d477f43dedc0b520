"""Everyday preparedness: continuity plans, RSA, exercises and training, provider clauses, heat waves, binders."""

from beredd.preparedness.models.continuity import ContinuityPlan, PlanContact, PlanDependency, UnitProfile
from beredd.preparedness.models.exercises import Exercise, LessonLearned, TrainingRecord
from beredd.preparedness.models.heat import BinderSnapshot, HeatActivation, HeatNotice
from beredd.preparedness.models.providers import ProviderContract, ProviderDeclaration
from beredd.preparedness.models.rsa import RiskAction, RiskAnalysis, RiskItem

__all__ = [
    "BinderSnapshot",
    "ContinuityPlan",
    "Exercise",
    "HeatActivation",
    "HeatNotice",
    "LessonLearned",
    "PlanContact",
    "PlanDependency",
    "ProviderContract",
    "ProviderDeclaration",
    "RiskAction",
    "RiskAnalysis",
    "RiskItem",
    "TrainingRecord",
    "UnitProfile",
]
