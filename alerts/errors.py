"""Delivery errors, mapped from slack_sdk, urllib and smtplib where they are caught (send_*.py).

    DeliveryError        a message was not delivered; the message names the channel
      `retryable`        False for errors a retry cannot fix (bad token, unknown channel, bot not
                         in channel, recipients refused): the route fails for this run at once
                         instead of looping; the next run tries again until `max_attempts`

Messages never contain secrets: not the token, not the webhook URL, not the SMTP password.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """One message to one channel failed. `retryable`: worth trying the channel's next message."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable

    def __reduce__(self):  # Prefect pickles task exceptions
        return (_rebuild, (str(self), self.retryable))


def _rebuild(message: str, retryable: bool) -> DeliveryError:
    return DeliveryError(message, retryable=retryable)
