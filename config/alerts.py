"""The `[alerts]` section of radar.toml: channels, rules, the optional LLM summariser, retry limits.

Part of the settings object (`Settings.alerts`, config/settings.py); kept in its own module because it
is large. Secrets (Slack bot token, webhook URL, SMTP password, LLM API key) are never in the file:
the file names an environment variable (`*_env`) or a Prefect Secret block (`*_secret`) that holds
them, and `config.secrets.resolve_secret` reads it once per run.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
TEXT_FIELDS = ("title", "blurb", "abstract")


class SecretRef(BaseModel):
    """Where a secret lives: an environment variable's name or a Prefect Secret block's name."""

    model_config = ConfigDict(extra="forbid")

    env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    secret: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")

    @model_validator(mode="after")
    def _one(self) -> SecretRef:
        if (self.env is None) == (self.secret is None):
            raise ValueError("give exactly one of `env` (a variable's name) or `secret` (a Prefect Secret block)")
        return self

    def describe(self) -> str:
        return f"environment variable {self.env}" if self.env else f"Prefect Secret block {self.secret!r}"


class ChannelConfig(BaseModel):
    """One place messages go: a Slack channel (bot token), a Slack incoming webhook, or email recipients."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(pattern=NAME, max_length=80)
    kind: Literal["slack", "slack_webhook", "email"]
    # slack: the channel id (C0123...) or name; token = the bot token (xoxb-...)
    slack_channel: str | None = None
    token: SecretRef | None = None
    slack_base_url: str | None = None  # tests point this at a local fake of the Web API
    # slack_webhook: the incoming-webhook URL is itself a secret
    webhook_url: SecretRef | None = None
    # email
    smtp_host: str | None = None
    smtp_port: int | None = Field(default=None, gt=0, lt=65536)
    security: Literal["starttls", "ssl", "plain"] = "starttls"
    ca_file: Path | None = None  # a CA bundle for a relay with a private CA (absolute path); default: system CAs
    username: str | None = None
    password: SecretRef | None = None
    from_addr: str | None = Field(default=None, alias="from")
    to: list[str] = []
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    fold_after: int | None = Field(default=None, ge=1)  # this channel's own `[alerts] fold_after`

    @model_validator(mode="after")
    def _complete(self) -> ChannelConfig:
        needed = {"slack": ("slack_channel", "token"), "slack_webhook": ("webhook_url",),
                  "email": ("smtp_host", "from_addr", "to")}[self.kind]
        missing = [("from" if n == "from_addr" else n) for n in needed if not getattr(self, n)]
        if missing:
            raise ValueError(f"a {self.kind} channel needs {', '.join(missing)}")
        for address in [self.from_addr or "", *self.to]:
            if re.search(r"[\r\n]", address):
                raise ValueError("email addresses may not contain line breaks")
        return self

    @property
    def port(self) -> int:
        return self.smtp_port or {"ssl": 465, "starttls": 587, "plain": 25}[self.security]


class MetricCondition(BaseModel):
    """A paper passes when one of its metrics has a name containing `name` and a value in range."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""  # case-insensitive substring of the metric's name, e.g. "swe-bench"
    min: float | None = None
    max: float | None = None
    unit: str | None = None  # "%", "x", "params", ...; None: any unit


class RuleConfig(BaseModel):
    """Which papers to alert on, where, and how: every condition given must hold (AND)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME, max_length=80)
    keywords: list[str] = []  # any of them, case-insensitive, as words, in `fields`
    regex: str | None = None  # a Python regex searched (case-insensitive) in `fields`
    fields: list[Literal["title", "blurb", "abstract"]] = list(TEXT_FIELDS)
    categories: list[str] = []  # any of them (arXiv categories; "cs.*" matches a whole archive)
    authors: list[str] = []  # any of them, case-insensitive substring of an author's name
    has_code: bool | None = None
    min_sources: int = Field(default=0, ge=0)  # distinct newsletters that mentioned it (trending)
    metrics: list[MetricCondition] = []  # all of them
    routes: list[str] = Field(min_length=1)  # channel names
    mode: Literal["instant", "digest"] = "instant"
    digest_cron: str = "0 8 * * *"  # when a digest of this rule's papers goes out
    timezone: str = "UTC"
    max_per_run: int = Field(default=10, ge=1)  # beyond this, one "and N more" message
    enabled: bool = True

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as e:
                raise ValueError(f"not a valid regular expression: {e}") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/Berlin)") from None
        return value

    @field_validator("digest_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        try:
            CronSim(value, datetime(2026, 1, 1))
        except CronSimError as e:
            raise ValueError(f"not a valid cron expression: {e}") from None
        return value


class SourceHealthRule(BaseModel):
    """Failing or stale newsletter sources, routed like a rule (usually to an ops channel)."""

    model_config = ConfigDict(extra="forbid")

    routes: list[str] = []
    min_consecutive_failures: int = Field(default=2, ge=1)
    stale_days: float = Field(default=14, gt=0)


class LlmSettings(BaseModel):
    """An OpenAI-compatible chat endpoint for TL;DRs. Off by default; the extractive summary is the fallback."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = False
    url: str = "http://127.0.0.1:8000/v1"  # the base URL; /chat/completions is appended
    model: str = ""
    api_key: SecretRef | None = None
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)


class AlertSettings(BaseModel):
    """Everything alert delivery needs: see radar.example.toml for a commented example."""

    model_config = ConfigDict(extra="forbid")

    channels: list[ChannelConfig] = []
    rules: list[RuleConfig] = []
    source_health: SourceHealthRule = SourceHealthRule()
    ops_channel: str | None = None  # failed deliveries are reported here
    llm: LlmSettings = LlmSettings()
    max_attempts: int = Field(default=5, ge=1, le=100)
    alert_first_poll: bool = False  # alert on what a new source's first poll brings (its archive)
    slack_history_limit: int = Field(default=200, ge=1, le=1000)  # messages searched for a crashed send
    #: A run with more paper alerts than this on one channel becomes one message listing them, with the
    #: details in its thread (Slack bot token) or below the list (webhook, email).
    fold_after: int = Field(default=5, ge=1)

    @model_validator(mode="after")
    def _routes_exist(self) -> AlertSettings:
        names = [c.name for c in self.channels]
        if len(set(names)) != len(names):
            raise ValueError("channels: two channels have the same name")
        rule_names = [r.name for r in self.rules]
        if len(set(rule_names)) != len(rule_names):
            raise ValueError("rules: two rules have the same name")
        for where, routes in [*((f"rules.{r.name}", r.routes) for r in self.rules),
                              ("source_health", self.source_health.routes),
                              ("ops_channel", [self.ops_channel] if self.ops_channel else [])]:
            unknown = [r for r in routes if r not in names]
            if unknown:
                raise ValueError(f"{where}: no channel named {', '.join(map(repr, unknown))}")
        return self

    def channel(self, name: str) -> ChannelConfig:
        return next(c for c in self.channels if c.name == name)

    def fold_after_for(self, channel: ChannelConfig) -> int:
        return channel.fold_after or self.fold_after
