"""Settings: flags over the environment (prefix MARGIN_CONSOLE_) over the TOML config file over defaults.

A stdlib loader rather than pydantic-settings: every command and the console load the settings before anything
else, and pydantic-settings with the pydantic under it cost ~100 ms of every start (issue 17). The fields of
`Settings` below are the one table of settings (name, type, default, bounds, description) that the loader, the
`config` command and its help read; store/setting_kinds.py checks and converts each value, wherever it was set.
"""
from __future__ import annotations

import dataclasses
import getpass
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir

from store import config_file, setting_kinds
from store.config_file import CONFIG_ENV, ConfigError, config_path
from store.setting_kinds import Invalid, Kind

if TYPE_CHECKING:
    from calc.models import CalcSettings

ENV_PREFIX = "MARGIN_CONSOLE_"
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


@dataclass(frozen=True)
class Spec:
    """One setting's row of the table: how its value is read and checked, its bounds and what it is for."""

    kind: Kind
    description: str
    ge: Any = None
    le: Any = None
    shown_default: str | None = None  # the default in words, where its value depends on the machine or the user

    def check(self, value: Any) -> Any:
        """The value converted to the setting's type and inside its bounds; Invalid says what is wrong."""
        value = self.kind.parse(value)
        if self.ge is not None and value < self.ge:
            raise Invalid(f"must be at least {self.ge} (got {setting_kinds.shown(value)})")
        if self.le is not None and value > self.le:
            raise Invalid(f"must be at most {self.le} (got {setting_kinds.shown(value)})")
        return value


def setting(kind: Kind, description: str, default: Any = None, factory: Callable[[], Any] | None = None,
            ge: Any = None, le: Any = None, shown_default: str | None = None) -> Any:
    """A field of Settings with its Spec: a default (or a factory for one computed at load), bounds, a description."""
    spec = {"spec": Spec(kind, description, ge, le, shown_default)}
    if factory is not None:
        return field(default_factory=factory, metadata=spec)
    return field(default=default, metadata=spec)


def _operator(value: Any) -> str:
    """The one check of an operator name (--operator, MARGIN_CONSOLE_OPERATOR): the audit log records it."""
    name = setting_kinds.parse_text(value)
    problem = operator_name_problem(name)
    if problem:
        raise Invalid(problem)
    return name


OPERATOR = Kind("an operator name", _operator)


@dataclass(frozen=True)
class Settings:
    """Where the book lives, who the operator is, the rule thresholds, and how the console looks and behaves.

    `Settings(name=value, ...)` is those values over the defaults, each checked (ConfigError if one is bad), and
    reads neither the environment nor a file; `Settings.load` is what a command or the console starts with.
    """

    db: Path | str = setting(setting_kinds.BOOK, "The book: a SQLite file (a path or sqlite:///PATH) or "
                             "postgresql://... on a server several hosts share.", factory=default_db_path)
    operator: str = setting(OPERATOR, "Who every write is attributed to.", factory=login_name,
                            shown_default="the login name")
    min_trade: Decimal = setting(setting_kinds.DECIMAL, "Orders below this notional are skipped.",
                                 Decimal(0), ge=0)
    max_price_age_days: int = setting(setting_kinds.INTEGER, "Prices older than this are stale.", 5, ge=0)
    call_distance_warning: Decimal = setting(setting_kinds.DECIMAL, "LOW_CALL_DISTANCE below this fraction.",
                                             Decimal("0.20"), ge=0, le=1)
    drift_tolerance: Decimal = setting(setting_kinds.DECIMAL, "DRIFT beyond this leverage gap.",
                                       Decimal("0.05"), ge=0)
    fill_price_band: Decimal = setting(setting_kinds.DECIMAL, "A fill price may differ from its order's price by "
                                       "this fraction.", Decimal("0.50"), ge=0)
    price_move_band: Decimal = setting(setting_kinds.DECIMAL, "A loaded price may move from the stored one by "
                                       "this fraction unless the moves are accepted.", Decimal("0.50"), ge=0)
    reconcile_cash_tolerance: Decimal = setting(setting_kinds.DECIMAL, "Custodian and sleeve cash may differ by "
                                                "this much.", Decimal("1.00"), ge=0)
    busy_timeout_ms: int = setting(setting_kinds.INTEGER, "How long a write waits for a lock.", 5000, ge=0)
    live_seconds: float = setting(setting_kinds.NUMBER, "How often the console looks for other operators' "
                                  "writes (0: never).", 1.0, ge=0, le=60)
    read_only: bool = setting(setting_kinds.BOOLEAN, "Open the book without any write path (viewers).", False)
    theme: str = setting(setting_kinds.TEXT, "The console's Textual theme.", "textual-dark")
    keys: dict[str, str] = setting(setting_kinds.KEYMAP, "Action id -> keys (comma-separated), over the "
                                   "registry's defaults.", factory=dict)
    config: Path | None = setting(setting_kinds.CONFIG_FILE, "The TOML config file these settings were read from.",
                                  shown_default="config.toml in the user config dir, if there is one")

    _origins: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Every value checked and converted, in the table's order; all that are bad are counted in one error."""
        found: list[tuple[str, Invalid]] = []
        for name, spec in SPECS.items():
            try:
                object.__setattr__(self, name, spec.check(getattr(self, name)))
            except Invalid as problem:
                found.append((name, problem))
        if found:
            raise InvalidSettings(found)

    @classmethod
    def load(cls, config: Path | None = None, **flags: Any) -> Settings:
        """The effective settings and where each came from; a bad one is one ConfigError naming where it was set.

        `flags` are the command line's options that were given (None means not given).
        """
        flags = {name: value for name, value in flags.items() if value is not None}
        path, config_origin = config_path(config)
        file = config_file.read(path, set(SPECS) - {"config"})
        env = environment()
        if "keys" in env and "keys" in file:
            env["keys"] = _merged_keys(file["keys"], env["keys"])
        origins = {name: "flag" if name in flags else "env" if name in env else "file" if name in file
                   else "default" for name in SPECS}
        origins["config"] = config_origin
        try:
            settings = cls(**{**file, **env, **flags, "config": path})
        except InvalidSettings as error:
            name, problem = error.found[0]
            located = _where(origins[name], path, name, problem.table_key)
            more = f" (and {len(error.found) - 1} more)" if len(error.found) > 1 else ""
            raise ConfigError(f"{located}: {problem}{more}") from None
        object.__setattr__(settings, "_origins", origins)
        return settings

    def replace(self, **changes: Any) -> Settings:
        """A copy with `changes` (each checked), remembering where every setting came from."""
        copy = dataclasses.replace(self, **changes)
        object.__setattr__(copy, "_origins", dict(self._origins))
        return copy

    def claimed_operator(self) -> str | None:
        """The operator name this session claims (flag, environment or config file); None: the login name."""
        return self.operator if self.origin("operator") != "default" else None

    def as_viewer(self) -> Settings:
        """These settings read-only, because the book gives this login the viewer role."""
        viewer = self.replace(read_only=True)
        viewer._origins["read_only"] = "role"
        return viewer

    def origin(self, name: str) -> str:
        """Where a setting's value came from: default, file, env or flag."""
        return self._origins.get(name, "default")

    def where(self, name: str, table_key: str | None = None) -> str:
        """Where a setting was set, for an error message: `FILE: line N: key`, `MARGIN_CONSOLE_X`, `--x`."""
        return _where(self.origin(name), self.config, name, table_key)

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


SPECS: dict[str, Spec] = {f.name: f.metadata["spec"] for f in dataclasses.fields(Settings) if "spec" in f.metadata}


class InvalidSettings(ConfigError):
    """Settings given bad values: `found` is each bad setting with its problem, in the table's order."""

    def __init__(self, found: list[tuple[str, Invalid]]) -> None:
        name, problem = found[0]
        named = f"[{name}] {problem.table_key}" if problem.table_key is not None else name
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        super().__init__(f"{named}: {problem}{more}")
        self.found = found


def env_name(name: str) -> str:
    """The environment variable that sets a setting: MARGIN_CONSOLE_ and the name in capitals."""
    return CONFIG_ENV if name == "config" else f"{ENV_PREFIX}{name.upper()}"


def environment() -> dict[str, str]:
    """The settings the environment sets, by name; MARGIN_CONSOLE_CONFIG is the file's (config_path) and any
    other MARGIN_CONSOLE_ variable is ignored. The names match in any case, as pydantic-settings matched them."""
    wanted = {env_name(name).lower(): name for name in SPECS if name != "config"}
    return {wanted[key.lower()]: value for key, value in os.environ.items() if key.lower() in wanted}


def _merged_keys(file_keys: Any, env_keys: Any) -> Any:
    """MARGIN_CONSOLE_KEYS over the file's [keys], action by action (as pydantic-settings merged them): one key
    rebound in the environment keeps the file's others. Either one unreadable: the environment's as it is, so its
    error (or the file's, once the environment is fixed) names where it was set."""
    try:
        return {**setting_kinds.parse_keymap(file_keys), **setting_kinds.parse_keymap(env_keys)}
    except Invalid:
        return env_keys


def _where(origin: str, path: Path | None, name: str, table_key: str | None) -> str:
    if origin == "file":
        return config_file.where(path, name, table_key)
    if origin == "env":
        return env_name(name)
    if origin == "flag":
        return f"--{name.replace('_', '-')}"
    if origin == "role":
        return "this login's role in the book (a viewer, or not an operator)"
    return f"the {name} setting"
