"""Reading the secrets the config names: an environment variable, or a Prefect Secret block.

Called once per run by the delivery orchestrator (flows/pipeline/delivery.py), never by helpers.
Reading a Prefect Secret block needs Prefect, which this leaf does not import: the caller passes
`load_block` (flows/prefect_runtime.py gives one). Error messages name where the secret was looked
for, never its value.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from config import redact
from config.alerts import SecretRef

#: Reads a Prefect Secret block's value by the block's name.
BlockLoader = Callable[[str], object]


class SecretError(Exception):
    """A secret the config names is not set or cannot be loaded."""


def resolve_secret(ref: SecretRef, load_block: BlockLoader | None = None) -> str:
    """The secret's value, registered with config/redact.py first so no log record can carry it."""
    value = _read(ref, load_block)
    redact.register(value)
    return value


def _read(ref: SecretRef, load_block: BlockLoader | None) -> str:
    if ref.env:
        value = os.environ.get(ref.env, "")
        if not value.strip():
            raise SecretError(f"{ref.describe()} is not set")
        return value.strip()
    if load_block is None:
        raise SecretError(f"cannot load {ref.describe()}: this run has no Prefect API to read blocks from")
    try:
        value = load_block(ref.secret)
    except Exception as e:  # a missing block, an unreachable server: name the block, not the value
        raise SecretError(f"cannot load {ref.describe()}: {type(e).__name__}") from None
    if not isinstance(value, str) or not value.strip():
        raise SecretError(f"{ref.describe()} is empty or not a string")
    return value.strip()
