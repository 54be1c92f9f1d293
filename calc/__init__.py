"""The shared calculation module: pydantic models and pure functions; no I/O, no Textual, no SQLite."""
from __future__ import annotations

from calc.build import (
    ACR_KINDS,
    FAILURE_FIXES,
    FAILURE_REASONS,
    KINDS_WITH_AMOUNT,
    BuildResult,
    build_acr,
)
from calc.checklist import ACK_IDS, ACKNOWLEDGEMENTS, Checklist, ChecklistItem, evaluate_checklist
from calc.diagnostics import (
    DIAGNOSTIC_CODES,
    DIAGNOSTIC_FIXES,
    Diagnostic,
    diagnose,
    diagnostic_codes,
)
from calc.margin import (
    MarginFigures,
    account_margin,
    call_distance,
    daily_interest,
    security_maintenance,
    sleeve_call_distance,
    trigger_value,
)
from calc.models import Account, CalcSettings, Model, Order, Price, Sleeve, price_map
from calc.money import cents_int, dec, from_cents, to_cents
from calc.risk import DEFAULT_MOVES, RiskReport, RiskScenario, proposed_risk, risk_report, stress
from calc.targets import (
    actual_leverage,
    invested_ratio,
    market_value,
    sleeve_equity,
    target_quantities,
    target_values,
)
from calc.vocabulary import DIAGNOSTIC_TITLES
from calc.whatif import WhatIf, whatif_leverage, whatif_totals

__all__ = [
    "ACK_IDS", "ACKNOWLEDGEMENTS", "ACR_KINDS", "DIAGNOSTIC_CODES", "DIAGNOSTIC_FIXES", "DIAGNOSTIC_TITLES",
    "FAILURE_FIXES", "FAILURE_REASONS", "KINDS_WITH_AMOUNT", "Account", "BuildResult", "CalcSettings",
    "Checklist", "ChecklistItem", "Diagnostic", "MarginFigures", "Model", "Order", "Price", "Sleeve", "WhatIf",
    "account_margin", "actual_leverage", "build_acr", "call_distance", "cents_int", "daily_interest", "dec",
    "diagnose", "diagnostic_codes", "evaluate_checklist", "from_cents", "invested_ratio", "market_value",
    "price_map", "security_maintenance", "sleeve_call_distance", "sleeve_equity", "target_quantities",
    "target_values", "to_cents", "trigger_value", "whatif_leverage", "whatif_totals",
    "DEFAULT_MOVES", "RiskReport", "RiskScenario", "proposed_risk", "risk_report", "stress",
]
