"""Reading the secrets the config names: an environment variable, or a Prefect Secret block.

Called once per run by the delivery code, never by helpers. Error messages name where the secret
was looked for, never its value.
"""

from __future__ import annotations

import os

from config.alerts import SecretRef


class SecretError(Exception):
    """A secret the config names is not set or cannot be loaded."""


def resolve_secret(ref: SecretRef) -> str:
    if ref.env:
        value = os.environ.get(ref.env, "")
        if not value.strip():
            raise SecretError(f"{ref.describe()} is not set")
        return value.strip()
    try:
        from prefect.blocks.system import Secret

        value = Secret.load(ref.secret).get()
    except Exception as e:  # a missing block, an unreachable server: name the block, not the value
        raise SecretError(f"cannot load {ref.describe()}: {type(e).__name__}") from None
    if not isinstance(value, str) or not value.strip():
        raise SecretError(f"{ref.describe()} is empty or not a string")
    return value.strip()
