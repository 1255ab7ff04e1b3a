"""Settings of the embedded Videos API server: `ServerConfig` and the fault-injection `FaultConfig`.

Plain dataclasses (no I/O, no heavy imports) so the CLI, `embedded.ensure_server` and tests build
them cheaply. `FaultConfig.parse` reads the CLI's `--faults` spec, e.g.
`"429=0.1,500=0.05,503=0.05,slow=0.05,drop=0.05@create+read,seed=7"`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

#: fault modes, in the order a request's random draw is matched against them
FAULT_MODES = ("429", "500", "503", "slow", "drop", "late", "cut")
#: groups of API operations a fault mode may strike (see `operation_of` in faults.py)
FAULT_OPERATIONS = ("create", "read", "content", "delete")
DEFAULT_MAX_BODY = 50 * 1024 * 1024


def _frozen(mapping: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class FaultConfig:
    """Which faults the server injects into `/v1` API requests, and how often. Off by default.

    - `rates`: mode -> probability per request (modes: 429, 500, 503, slow, drop, late, cut); the
      rates are exclusive slices of one random draw, so they must add up to at most 1. `late` holds
      the answer back `slow_seconds` *after* the handler ran (on a create: the job exists while the
      client's read times out); `cut` sends half of a response body, then drops the connection
      (a download cut mid-way).
    - `operations`: mode -> the operation groups it may strike (`create`, `read`, `content`,
      `delete`); a mode not listed strikes all of them, an empty set exempts everything.
    - `seed`: makes the sequence of faults reproducible (None = random).
    - `after_create`: the share of 500/503/drop faults on create-like POSTs that strike *after* the
      job was created (the response is lost, not the job), which is what idempotency keys are for.
    - `slow_seconds`: how long a `slow` response is held back.
    - `retry_after`: seconds advertised by 429 responses (`Retry-After`, rounded up to a whole
      second as the header requires, and the exact value in `retry-after-ms`).
    """

    rates: Mapping[str, float] = field(default_factory=dict)
    operations: Mapping[str, frozenset[str]] = field(default_factory=dict)
    seed: int | None = None
    after_create: float = 0.5
    slow_seconds: float = 1.0
    retry_after: float = 1.0

    def __post_init__(self) -> None:
        for mode, rate in self.rates.items():
            if mode not in FAULT_MODES:
                raise ValueError(f"unknown fault mode {mode!r}; modes: {', '.join(FAULT_MODES)}")
            if not 0.0 <= float(rate) <= 1.0:
                raise ValueError(f"fault rate for {mode} must be between 0 and 1, got {rate}")
        if sum(float(r) for r in self.rates.values()) > 1.0 + 1e-9:
            raise ValueError("fault rates add up to more than 1")
        for mode, ops in self.operations.items():
            if mode not in FAULT_MODES:
                raise ValueError(f"unknown fault mode {mode!r}; modes: {', '.join(FAULT_MODES)}")
            unknown = set(ops) - set(FAULT_OPERATIONS)
            if unknown:
                raise ValueError(f"unknown operation(s) {sorted(unknown)}; operations: {', '.join(FAULT_OPERATIONS)}")
        if not 0.0 <= self.after_create <= 1.0:
            raise ValueError("after_create must be between 0 and 1")
        if self.slow_seconds < 0 or self.retry_after < 0:
            raise ValueError("slow_seconds and retry_after must not be negative")
        # Frozen views so a shared config cannot be changed behind the injector's back.
        object.__setattr__(self, "rates", _frozen({k: float(v) for k, v in self.rates.items()}))
        object.__setattr__(self, "operations", _frozen({k: frozenset(v) for k, v in self.operations.items()}))

    @property
    def enabled(self) -> bool:
        return any(rate > 0 for rate in self.rates.values())

    def strikes(self, mode: str, operation: str) -> bool:
        """True when `mode` may strike requests of `operation`."""
        ops = self.operations.get(mode)
        return ops is None or operation in ops

    @classmethod
    def parse(cls, spec: str | None) -> FaultConfig:
        """Read `"429=0.1,drop=0.05@create+read,seed=7,slow_s=0.5"`; '' or None means no faults.

        Keys: a mode (`429`, `500`, `503`, `slow`, `drop`, `late`, `cut`) = rate, optionally `@op+op` (or `@all`,
        `@none`); `seed`, `after_create`, `slow_s`, `retry_after`.
        """
        rates: dict[str, float] = {}
        operations: dict[str, frozenset[str]] = {}
        extra: dict[str, float] = {}
        for item in (spec or "").split(","):
            item = item.strip()
            if not item:
                continue
            key, sep, value = item.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not value:
                raise ValueError(f"fault spec item {item!r} is not key=value")
            if key in FAULT_MODES:
                rate_text, _, ops_text = value.partition("@")
                rates[key] = _number(key, rate_text)
                if ops_text:
                    operations[key] = _parse_ops(ops_text)
            elif key in ("seed", "after_create", "slow_s", "retry_after"):
                extra[key] = _number(key, value)
            else:
                raise ValueError(
                    f"unknown fault spec key {key!r}; use {', '.join(FAULT_MODES)}, seed, after_create, "
                    "slow_s or retry_after"
                )
        seed = extra.get("seed")
        return cls(
            rates=rates,
            operations=operations,
            seed=None if seed is None else int(seed),
            after_create=extra.get("after_create", 0.5),
            slow_seconds=extra.get("slow_s", 1.0),
            retry_after=extra.get("retry_after", 1.0),
        )

    def to_spec(self) -> str:
        """The inverse of `parse` (for logs and the CLI banner)."""
        parts = []
        for mode in FAULT_MODES:
            if mode in self.rates:
                ops = self.operations.get(mode)
                suffix = "" if ops is None else "@" + ("+".join(sorted(ops)) or "none")
                parts.append(f"{mode}={self.rates[mode]:g}{suffix}")
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        return ",".join(parts) or "off"


def _number(key: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"fault spec {key}={text!r}: not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"fault spec {key}={text!r}: not a finite number")
    return value


def _parse_ops(text: str) -> frozenset[str]:
    if text == "all":
        return frozenset(FAULT_OPERATIONS)
    if text == "none":
        return frozenset()
    return frozenset(op.strip() for op in text.split("+") if op.strip())


@dataclass
class ServerConfig:
    """How one embedded server behaves. Only `data_dir` is required.

    - `api_key`: when set, requests need `Authorization: Bearer <api_key>` (None = no auth).
    - `generation_time`: the least wall-clock seconds a job takes, so tests can emulate minutes-long
      jobs in seconds; 0 = as fast as rendering allows.
    - `poll_after_ms`: the `openai-poll-after-ms` hint; None derives it from `generation_time`.
    - `blocked_words`: case-insensitive words/phrases that make a job fail with `moderation_blocked`.
    - `render_workers`: renders running at once (a thread pool beside the event loop).
    - `expires_after`: seconds a completed job's files stay downloadable (`expires_at`).
    """

    data_dir: Path
    api_key: str | None = field(default=None, repr=False)
    generation_time: float = 1.5
    poll_after_ms: int | None = None
    blocked_words: tuple[str, ...] = ()
    faults: FaultConfig = field(default_factory=FaultConfig)
    render_workers: int = 2
    expires_after: int = 3600
    max_body_bytes: int = DEFAULT_MAX_BODY

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser()
        if self.generation_time < 0 or not math.isfinite(self.generation_time):
            raise ValueError("generation_time must be a finite number >= 0")
        if self.render_workers < 1:
            raise ValueError("render_workers must be at least 1")
        if self.expires_after < 1:
            raise ValueError("expires_after must be at least 1 second")
        if self.api_key is not None and not self.api_key.strip():
            self.api_key = None
        self.blocked_words = _clean_words(self.blocked_words)

    @property
    def poll_hint_ms(self) -> int:
        """The poll hint: about a fifth of a job's duration, kept between 100 ms and 1 s."""
        if self.poll_after_ms is not None:
            return max(1, int(self.poll_after_ms))
        return max(100, min(1000, round(self.generation_time * 1000 / 5)))


def _clean_words(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w.strip().lower() for w in words if w and w.strip()))
