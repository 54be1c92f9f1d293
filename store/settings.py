"""Settings from the environment (prefix MARGIN_CONSOLE_), with platform defaults for paths."""
from __future__ import annotations

import getpass
import os
import unicodedata
from decimal import Decimal
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from calc.models import CalcSettings

# Control, format (e.g. right-to-left overrides) and line/paragraph separators: they forge or hide audit lines.
CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def default_db_path() -> Path:
    """The store's default file in the user data dir."""
    return Path(user_data_dir("margin-console", appauthor=False)) / "book.db"


def login_name() -> str:
    """The operator's login name, or 'unknown' where the platform cannot tell."""
    try:
        return getpass.getuser()
    except Exception:  # getuser raises when no login name can be found (containers, CI)
        return os.environ.get("USER") or "unknown"


class Settings(BaseSettings):
    """Where the book lives, who the operator is, and the rule thresholds."""

    model_config = SettingsConfigDict(env_prefix="MARGIN_CONSOLE_", extra="ignore")

    db: Path = Field(default_factory=default_db_path, description="SQLite file of the book.")
    operator: str = Field(default_factory=login_name, description="Who every write is attributed to.")
    min_trade: Decimal = Field(default=Decimal(0), ge=0, description="Orders below this notional are skipped.")
    max_price_age_days: int = Field(default=5, ge=0, description="Prices older than this are stale.")
    call_distance_warning: Decimal = Field(default=Decimal("0.20"), ge=0, le=1,
                                           description="LOW_CALL_DISTANCE below this fraction.")
    drift_tolerance: Decimal = Field(default=Decimal("0.05"), ge=0, description="DRIFT beyond this leverage gap.")
    fill_price_band: Decimal = Field(default=Decimal("0.50"), ge=0,
                                     description="A fill price may differ from its order's price by this fraction.")
    price_move_band: Decimal = Field(default=Decimal("0.50"), ge=0,
                                     description="A loaded price may move from the stored one by this fraction "
                                                 "unless the moves are accepted.")
    reconcile_cash_tolerance: Decimal = Field(default=Decimal("1.00"), ge=0,
                                              description="Custodian and sleeve cash may differ by this much.")
    busy_timeout_ms: int = Field(default=5000, ge=0, description="How long a write waits for a lock.")

    @field_validator("operator")
    @classmethod
    def _operator_is_a_name(cls, name: str) -> str:
        """The one check of an operator name (--operator, MARGIN_CONSOLE_OPERATOR): the audit log records it."""
        if not name.strip():
            raise ValueError("the operator name is blank")
        if any(unicodedata.category(c) in CONTROL_CATEGORIES for c in name):
            raise ValueError(f"the operator name {name!r} contains control characters")
        return name

    def calc_settings(self, annual_rate: Decimal = Decimal(0)) -> CalcSettings:
        return CalcSettings(
            min_trade=self.min_trade,
            max_price_age_days=self.max_price_age_days,
            call_distance_warning=self.call_distance_warning,
            drift_tolerance=self.drift_tolerance,
            annual_rate=annual_rate,
            reconcile_cash_tolerance=self.reconcile_cash_tolerance,
        )
