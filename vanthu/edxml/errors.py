"""The one error the edXML library raises for input it cannot accept."""

from __future__ import annotations


class EdxmlError(ValueError):
    """A package (or a value for one) that cannot be parsed or built.

    The message is a single line meant for a log or a CLI: callers show it as is.
    """

    def __init__(self, reason: str):
        # Messages from libxml2 or base64 can carry newlines; a one-line reason keeps
        # logs greppable and CLI output predictable.
        reason = " ".join(reason.split())
        super().__init__(reason)
        self.reason = reason
