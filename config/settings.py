"""The one table of settings: key, type, default, description, environment variable.

Settings are read once, at the edges (the CLI, the app factory, the demo), and passed down as a
`Settings` object. Precedence, lowest first: the defaults below, a TOML file (``SHAREHUB_CONFIG``
names it, else ``sharehub.toml`` in the working directory if present), ``SHAREHUB_*`` variables.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

ENV_PREFIX = "SHAREHUB_"
CONFIG_FILE_ENV = "SHAREHUB_CONFIG"
DEFAULT_CONFIG_FILE = "sharehub.toml"


class SettingsError(ValueError):
    """A setting has a value its type cannot take."""


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _parse_networks(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    networks = []
    for item in items:
        item = str(item).strip()
        if item:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
    return tuple(networks)


def _parse_str(value: Any) -> str:
    return str(value).strip()


@dataclass(frozen=True)
class Setting:
    key: str
    type: str
    default: Any
    description: str
    secret: bool = False   # `sharehub config` shows that it is set, never the value

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.key.upper()

    def parse(self, value: Any) -> Any:
        try:
            return _PARSERS[self.type](value)
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"config: {self.env}: {exc}") from None


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "str": _parse_str,
    "int": int,
    "float": float,
    "bool": _parse_bool,
    "cidr-list": _parse_networks,
}

SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "str", "./var",
            "Folder for local state: the SQLite catalog, the embedded search index, the secret key."),
    Setting("database_url", "str", "",
            "SQLAlchemy URL of the catalog; empty = SQLite file catalog.sqlite3 in data_dir. "
            "Example: postgresql+psycopg://user:pw@host/sharehub"),
    Setting("search_url", "str", "",
            "Search engine: empty = embedded SQLite FTS5 in data_dir; an http(s) URL = Elasticsearch 9."),
    Setting("search_index", "str", "sharehub",
            "Elasticsearch alias for this catalog's index, so several catalogs can share a cluster."),
    Setting("allow_private_networks", "cidr-list", (),
            "Comma list of CIDRs the crawler may fetch although they are not public "
            "(e.g. 127.0.0.0/8 for local tests); empty = only public addresses."),
    Setting("contact_url", "str", "https://sharehub.seoul.example/crawler",
            "Page about the crawler, sent in the User-Agent so partners can reach us."),
    Setting("user_agent", "str", "SharingHubBot/0.1 (+{contact_url})",
            "User-Agent of the crawler; {contact_url} is replaced."),
    Setting("download_timeout", "int", 30, "Seconds one HTTP request may take."),
    Setting("crawl_timeout", "int", 600, "Seconds one crawl of one source may take in all."),
    Setting("max_response_bytes", "int", 10 * 1024 * 1024,
            "Largest response body (after decompression) the crawler reads, in bytes."),
    Setting("per_host_concurrency", "int", 2, "Requests in flight to one host at once."),
    Setting("per_host_delay", "float", 0.5, "Seconds between requests to one host."),
    Setting("crawl_processes", "int", 0,
            "Crawl processes run at once; the sources of one host always share a process, so "
            "per-host politeness holds. 0 = one per CPU core."),
    Setting("concurrent_crawls", "int", 16,
            "Sources one crawl process crawls at once; bounds its memory and open connections."),
    Setting("max_pages_per_crawl", "int", 500,
            "Documents one crawl of one source may fetch (sitemap pages, listing pages, API pages)."),
    Setting("retry_after_max", "int", 120,
            "Longest Retry-After (seconds) a crawl waits for on 429/503; longer ends the crawl as failed."),
    Setting("gone_after_missed_crawls", "int", 3,
            "A listing missing from this many successful crawls in a row is gone (leaves search)."),
    Setting("dead_link_sample", "int", 5,
            "Item pages of a feed source checked per crawl for 404/410 (dead links make listings gone)."),
    Setting("default_interval_minutes", "int", 60, "How often a new source is crawled, in minutes."),
    Setting("page_size", "int", 20, "Results per page when the request does not say."),
    Setting("max_page_size", "int", 100, "Largest page of results a request may ask for."),
    Setting("stale_source_days", "int", 7,
            "Search hides the listings of a source whose last successful crawl is older than this"
            " (0 = never hide); `--include-stale` / `include_stale=true` shows them."),
    Setting("default_radius_km", "float", 3.0, "Radius of a `near` search that does not give one, in km."),
    Setting("web_host", "str", "127.0.0.1", "Address the web app listens on."),
    Setting("web_port", "int", 5000, "Port the web app listens on."),
    Setting("web_workers", "int", 0,
            "Worker processes of `sharehub serve` (gunicorn); 0 = two per CPU core."),
    Setting("web_threads", "int", 1,
            "Threads per worker process of `sharehub serve`: 1 = gunicorn's sync workers, one request"
            " per process (put a buffering proxy such as nginx in front, for slow clients); more ="
            " threaded workers, worth it when searches wait on a remote Elasticsearch node."),
    Setting("rate_limit", "str", "120 per minute; 2000 per hour",
            "Requests one client may make to the search pages, feeds and the public API "
            "(Flask-Limiter syntax, `;` between limits); empty = no limit."),
    Setting("rate_limit_storage", "str", "memory://",
            "Where rate-limit counters live (Flask-Limiter storage URI). memory:// is per process: "
            "under `sharehub serve`'s N workers a client may get up to N times the limit; "
            "redis://host:6379 shares the counters between processes and hosts."),
    Setting("trusted_proxies", "int", 0,
            "Reverse proxies in front of the web app whose X-Forwarded-For is believed (0 = none), "
            "so that rate limiting sees the client's address."),
    Setting("secret_key", "str", "",
            "Flask secret key; empty = one generated once and kept in data_dir/secret_key.", secret=True),
    Setting("log_level", "str", "INFO", "Logging level: DEBUG, INFO, WARNING, ERROR."),
    Setting("log_format", "str", "text",
            "text = one readable line per event; json = one JSON object per line (with source_id and"
            " run_id on every crawl line), for a log collector."),
    # The worker: when each source is crawled.
    Setting("worker_name", "str", "",
            "Name of this `sharehub worker` in crawl leases and its own APScheduler job table; empty ="
            " the host name. Workers sharing one catalog need different names."),
    Setting("worker_tick_seconds", "int", 30,
            "How often the worker looks for due sources (and for `crawl-now`, pause, resume and"
            " interval changes made meanwhile)."),
    Setting("worker_concurrent_crawls", "int", 2, "Sources one worker crawls at the same time, at most."),
    Setting("schedule_floor_minutes", "int", 15,
            "The adaptive interval never goes below this (nor below a source's own set interval)."),
    Setting("schedule_ceiling_minutes", "int", 1440,
            "The adaptive interval never goes above this (nor above a source's own set interval)."),
    Setting("schedule_jitter", "float", 0.1,
            "Each next run moves by up to this fraction of its interval, at random, so that sources"
            " registered together are not crawled together."),
    Setting("backoff_cap_minutes", "int", 1440,
            "Longest wait after failed crawls (the wait doubles per failure in a row, from the interval)."),
    Setting("failing_after", "int", 3,
            "Failed crawls in a row after which a source reads failing rather than degraded."),
    Setting("run_retention_days", "int", 90,
            "Crawl runs (and their item diagnostics) older than this are pruned, but each source keeps"
            " its last `run_retention_keep` runs."),
    Setting("run_retention_keep", "int", 50, "Crawl runs every source keeps, however old."),
    # Alerts: rules, and where they go.
    Setting("alert_failing_minutes", "int", 360,
            "Alert when a source has been failing for longer than this (0 = never)."),
    Setting("alert_drop_percent", "float", 50.0,
            "Alert when a successful crawl sees this many percent fewer items than the median of the"
            " source's last `alert_drop_runs` successful crawls (0 = never)."),
    Setting("alert_drop_runs", "int", 5, "Successful crawls the item-count median is taken over."),
    Setting("alert_stale_factor", "float", 3.0,
            "Alert when a source has had no successful crawl for longer than this many times its"
            " interval (0 = never)."),
    Setting("alert_recovered", "bool", True, "Alert when a failing source recovers."),
    Setting("alert_webhook_url", "str", "", "Alerts are POSTed here as JSON; empty = no webhook."),
    Setting("alert_email_to", "str", "", "Alerts are e-mailed here (comma-separated); empty = no e-mail."),
    Setting("smtp_host", "str", "localhost", "SMTP server for alert and account e-mail."),
    Setting("smtp_port", "int", 25, "SMTP port."),
    Setting("smtp_user", "str", "", "SMTP login; empty = none."),
    Setting("smtp_password", "str", "", "SMTP password.", secret=True),
    Setting("smtp_starttls", "bool", False, "Upgrade the SMTP connection with STARTTLS."),
    Setting("mail_from", "str", "sharehub@localhost", "Sender address of the hub's e-mail."),
    # Admin area.
    Setting("admin_password_hash", "str", "",
            "Hash of the /admin password (`sharehub admin hash-password` makes one); empty = the"
            " admin area is closed.", secret=True),
)

_BY_KEY = {s.key: s for s in SETTINGS}


class Settings(Mapping[str, Any]):
    """Effective settings; attribute and mapping access; immutable."""

    def __init__(self, values: Mapping[str, Any], origins: Mapping[str, str] | None = None):
        unknown = set(values) - set(_BY_KEY)
        if unknown:
            raise SettingsError(f"config: unknown setting(s): {', '.join(sorted(unknown))}")
        merged = {s.key: s.default for s in SETTINGS}
        merged.update({k: _BY_KEY[k].parse(v) for k, v in values.items()})
        object.__setattr__(self, "_values", merged)
        object.__setattr__(self, "_origins", dict(origins or {}))

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        raise AttributeError("settings are immutable; use replace()")

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def origin(self, key: str) -> str:
        return self._origins.get(key, "default")

    def shown(self, key: str) -> Any:
        """The value as `sharehub config` may print it: secrets hidden, passwords cut out of URLs."""
        value = self._values[key]
        if _BY_KEY[key].secret:
            return "(set, hidden)" if value else ""
        if isinstance(value, str) and "://" in value and "@" in value:
            scheme, _, rest = value.partition("://")
            credentials, _, host = rest.partition("@")
            if ":" in credentials:
                return f"{scheme}://{credentials.partition(':')[0]}:***@{host}"
        return value

    def replace(self, **changes: Any) -> "Settings":
        values = dict(self._values)
        values.update(changes)
        origins = dict(self._origins)
        origins.update({k: "override" for k in changes})
        return Settings(values, origins)

    # Derived values: kept here so every component derives them the same way.
    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_path / 'catalog.sqlite3'}"

    @property
    def effective_crawl_processes(self) -> int:
        return max(1, self.crawl_processes or os.cpu_count() or 1)

    @property
    def effective_user_agent(self) -> str:
        return self.user_agent.replace("{contact_url}", self.contact_url)


def load_settings(environ: Mapping[str, str] | None = None, config_file: str | os.PathLike | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """Defaults < TOML file < environment < explicit overrides."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    path = config_file or environ.get(CONFIG_FILE_ENV)
    if not path and Path(DEFAULT_CONFIG_FILE).is_file():
        path = DEFAULT_CONFIG_FILE
    if path:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            raise SettingsError(f"config: file not found: {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config: {path}: {exc}") from None
        data = data.get("sharehub", data)
        for key, value in data.items():
            if key not in _BY_KEY:
                raise SettingsError(f"config: {path}: unknown setting {key!r}")
            values[key] = value
            origins[key] = f"file {path}"
    for setting in SETTINGS:
        if setting.env in environ:
            values[setting.key] = environ[setting.env]
            origins[setting.key] = f"env {setting.env}"
    for key, value in (overrides or {}).items():
        values[key] = value
        origins[key] = "override"
    return Settings(values, origins)


def settings_table_markdown(settings: Iterable[Setting] = SETTINGS) -> str:
    """The README's settings table, generated so that it cannot drift from the code."""
    rows = ["| key | type | default | environment variable | description |",
            "|---|---|---|---|---|"]
    for s in settings:
        default = ",".join(s.default) if isinstance(s.default, tuple) else s.default
        default = f"`{default}`" if default not in ("", ()) else "(empty)"
        rows.append(f"| {s.key} | {s.type} | {default} | `{s.env}` | {s.description} |")
    return "\n".join(rows)
