"""The shared calculation module: plain models (frozen dataclasses), pure functions; no I/O, Textual or SQLite.

The names below load on first use (PEP 562): `from calc import diagnose` imports calc.diagnostics (and the
models under it) only when asked, so importing one light submodule (calc.formatting, calc.vocabulary) builds no
model class. Each name's home is the submodule listed here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from calc.lazy_names import lazy_names

_HOMES: dict[str, tuple[str, ...]] = {
    "calc.build": ("ACR_KINDS", "KINDS_WITH_AMOUNT", "BuildResult", "build_acr"),
    "calc.checklist": ("ACK_IDS", "ACKNOWLEDGEMENTS", "Checklist", "ChecklistItem", "evaluate_checklist"),
    "calc.diagnostic": ("Diagnostic",),
    "calc.diagnostics": ("diagnose", "diagnostic_codes"),
    "calc.margin": ("MarginFigures", "account_margin", "call_distance", "daily_interest", "security_maintenance",
                    "sleeve_call_distance", "trigger_value"),
    "calc.models": ("Account", "CalcSettings", "CustodianReport", "Model", "Order", "Price", "Sleeve",
                    "price_map", "trusted", "updated"),
    "calc.money": ("cents_int", "dec", "from_cents", "to_cents"),
    "calc.risk": ("DEFAULT_MOVES", "RiskReport", "RiskScenario", "proposed_risk", "risk_report", "stress"),
    "calc.targets": ("actual_leverage", "invested_ratio", "market_value", "sleeve_equity", "target_quantities",
                     "target_values"),
    "calc.vocabulary": ("DIAGNOSTIC_CODES", "DIAGNOSTIC_FIXES", "DIAGNOSTIC_TITLES", "FAILURE_FIXES",
                        "FAILURE_REASONS"),
    "calc.whatif": ("WhatIf", "whatif_leverage", "whatif_totals"),
}
__all__ = [  # the same names as _HOMES (tests/unit/test_calc_imports.py)
    "ACK_IDS", "ACKNOWLEDGEMENTS", "ACR_KINDS", "DIAGNOSTIC_CODES", "DIAGNOSTIC_FIXES", "DIAGNOSTIC_TITLES",
    "FAILURE_FIXES", "FAILURE_REASONS", "KINDS_WITH_AMOUNT", "Account", "BuildResult", "CalcSettings",
    "Checklist", "ChecklistItem", "CustodianReport", "Diagnostic", "MarginFigures", "Model", "Order", "Price",
    "Sleeve", "WhatIf",
    "account_margin", "actual_leverage", "build_acr", "call_distance", "cents_int", "daily_interest", "dec",
    "diagnose", "diagnostic_codes", "evaluate_checklist", "from_cents", "invested_ratio", "market_value",
    "price_map", "security_maintenance", "sleeve_call_distance", "sleeve_equity", "target_quantities",
    "target_values", "to_cents", "trigger_value", "trusted", "updated", "whatif_leverage", "whatif_totals",
    "DEFAULT_MOVES", "RiskReport", "RiskScenario", "proposed_risk", "risk_report", "stress",
]
__getattr__, __dir__ = lazy_names(globals(), _HOMES)

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from calc.build import ACR_KINDS, KINDS_WITH_AMOUNT, BuildResult, build_acr
    from calc.checklist import ACK_IDS, ACKNOWLEDGEMENTS, Checklist, ChecklistItem, evaluate_checklist
    from calc.diagnostic import Diagnostic
    from calc.diagnostics import diagnose, diagnostic_codes
    from calc.margin import (
        MarginFigures,
        account_margin,
        call_distance,
        daily_interest,
        security_maintenance,
        sleeve_call_distance,
        trigger_value,
    )
    from calc.models import (
        Account,
        CalcSettings,
        CustodianReport,
        Model,
        Order,
        Price,
        Sleeve,
        price_map,
        trusted,
        updated,
    )
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
    from calc.vocabulary import (
        DIAGNOSTIC_CODES,
        DIAGNOSTIC_FIXES,
        DIAGNOSTIC_TITLES,
        FAILURE_FIXES,
        FAILURE_REASONS,
    )
    from calc.whatif import WhatIf, whatif_leverage, whatif_totals
