"""Settings: flags over the environment (prefix MARGIN_CONSOLE_) over the TOML config file over defaults."""
from __future__ import annotations

import getpass
import os
import tomllib
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir
from pydantic import Field, PrivateAttr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from store import config_file
from store.config_file import CONFIG_ENV, ConfigError, config_path
from store.engines import book_location

if TYPE_CHECKING:
    from calc.models import CalcSettings

ORIGINS = ("default", "file", "env", "flag")  # lowest to highest precedence
# Control, format (e.g. right-to-left overrides) and line/paragraph separators: they forge or hide audit lines.
CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def default_db_path() -> Path:
    """The store's default file in the user data dir."""
    return Path(user_data_dir("margin-console", appauthor=False)) / "book.db"


def login_name() -> str:
    """The login name of the process's user, from the OS: the identity every write is checked against.

    getpass.getuser() reads LOGNAME, USER, LNAME and USERNAME first, so anyone could set them to become another
    operator; on POSIX the uid's password entry is the identity (the SSH user on an ops host).
    """
    try:
        import pwd
    except ImportError:  # Windows has no pwd: the platform's own answer is all there is
        try:
            return getpass.getuser()
        except OSError:  # no login name anywhere (a service without a session)
            return "unknown"
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid with no password entry (some containers)
        return f"uid-{os.getuid()}"


def operator_name_problem(name: str) -> str | None:
    """Why `name` cannot be an operator's name (the audit log records it), or None."""
    if not name.strip():
        return "the operator name is blank"
    if any(unicodedata.category(c) in CONTROL_CATEGORIES for c in name):
        return f"the operator name {name!r} contains control characters"
    return None


class Settings(BaseSettings):
    """Where the book lives, who the operator is, the rule thresholds, and how the console looks and behaves."""

    model_config = SettingsConfigDict(env_prefix="MARGIN_CONSOLE_", extra="ignore")

    db: Path | str = Field(default_factory=default_db_path,
                           description="The book: a SQLite file (a path or sqlite:///PATH) or postgresql://... "
                                       "on a server several hosts share.")
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
    live_seconds: float = Field(default=1.0, ge=0, le=60,
                                description="How often the console looks for other operators' writes (0: never).")
    read_only: bool = Field(default=False, description="Open the book without any write path (viewers).")
    theme: str = Field(default="textual-dark", description="The console's Textual theme.")
    keys: dict[str, str] = Field(default_factory=dict,
                                 description="Action id -> keys (comma-separated), over the registry's defaults.")
    config: Path | None = Field(default=None, description="The TOML config file these settings were read from.")

    _origins: dict[str, str] = PrivateAttr(default_factory=dict)

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags (init arguments), then the environment, then the config file; no .env, no secrets dir."""
        flag = getattr(init_settings, "init_kwargs", {}).get("config")
        return init_settings, env_settings, ConfigFileSource(settings_cls, config_path(flag)[0])

    @classmethod
    def load(cls, config: Path | None = None, **flags: Any) -> Settings:
        """The effective settings and where each came from; a bad one is one ConfigError naming where it was set.

        `flags` are the command line's options that were given (None means not given).
        """
        flags = {name: value for name, value in flags.items() if value is not None}
        path, config_origin = config_path(config)
        file = ConfigFileSource(cls, path)
        env = EnvSettingsSource(cls)()
        origins = {name: "flag" if name in flags else "env" if name in env else "file" if name in file.values
                   else "default" for name in cls.model_fields}
        origins["config"] = config_origin
        try:
            settings = cls(**flags, config=path)
        except ValidationError as error:
            first = error.errors()[0]
            loc = [str(part) for part in first.get("loc", ())] or ["config"]
            located = _where(origins.get(loc[0], "default"), file, loc[0], loc[1] if len(loc) > 1 else None)
            more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
            raise ConfigError(f"{located}: {first['msg']}{more}") from None
        settings._origins = origins
        return settings

    def claimed_operator(self) -> str | None:
        """The operator name this session claims (flag, environment or config file); None: the login name."""
        return self.operator if self.origin("operator") != "default" else None

    def as_viewer(self) -> Settings:
        """These settings read-only, because the book gives this login the viewer role."""
        viewer = self.model_copy(update={"read_only": True})
        viewer._origins = {**self._origins, "read_only": "role"}
        return viewer

    def origin(self, name: str) -> str:
        """Where a setting's value came from: default, file, env or flag."""
        return self._origins.get(name, "default")

    def where(self, name: str, table_key: str | None = None) -> str:
        """Where a setting was set, for an error message: `FILE: line N: key`, `MARGIN_CONSOLE_X`, `--x`."""
        return _where(self.origin(name), ConfigFileSource(type(self), self.config), name, table_key)

    @field_validator("db", mode="before")
    @classmethod
    def _book_location(cls, value: Any) -> Path | str:
        """A server URL stays a URL (a Path would fold its `//`); anything else is a file, `~` expanded."""
        location = book_location(value if isinstance(value, Path) else str(value))
        return location.expanduser() if isinstance(location, Path) else location

    @field_validator("config")
    @classmethod
    def _home_expanded(cls, path: Path | None) -> Path | None:
        """`~/books/book.db` in a config file means the operator's home, as it would in a shell."""
        return path.expanduser() if path is not None else None

    @field_validator("operator")
    @classmethod
    def _operator_is_a_name(cls, name: str) -> str:
        """The one check of an operator name (--operator, MARGIN_CONSOLE_OPERATOR): the audit log records it."""
        problem = operator_name_problem(name)
        if problem:
            raise ValueError(problem)
        return name

    def calc_settings(self, annual_rate: Decimal = Decimal(0)) -> CalcSettings:
        from calc.models import CalcSettings  # the rule models are built when a calculation first needs them

        return CalcSettings(
            min_trade=self.min_trade,
            max_price_age_days=self.max_price_age_days,
            call_distance_warning=self.call_distance_warning,
            drift_tolerance=self.drift_tolerance,
            annual_rate=annual_rate,
            reconcile_cash_tolerance=self.reconcile_cash_tolerance,
        )


class ConfigFileSource(TomlConfigSettingsSource):
    """pydantic-settings' TOML source over one file; a syntax error or an unknown key names the file and line."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        self.path = path
        super().__init__(settings_cls, toml_file=path)
        config_file.check_keys(self.toml_data, set(settings_cls.model_fields) - {"config"}, path)  # no nesting

    def _read_file(self, file_path: Any) -> dict[str, Any]:
        try:
            return super()._read_file(file_path)
        except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as error:
            raise config_file.unreadable(file_path, error) from None

    @property
    def values(self) -> dict[str, Any]:
        """The settings the file sets, by name."""
        return dict(self.toml_data)

    def where(self, key: str, table_key: str | None = None) -> str:
        return config_file.where(self.path, key, table_key)


def _where(origin: str, file: ConfigFileSource, name: str, table_key: str | None) -> str:
    if origin == "file":
        return file.where(name, table_key)
    if origin == "env":
        return CONFIG_ENV if name == "config" else f"MARGIN_CONSOLE_{name.upper()}"
    if origin == "flag":
        return f"--{name.replace('_', '-')}"
    if origin == "role":
        return "this login's role in the book (a viewer, or not an operator)"
    return f"the {name} setting"
