"""Errors meant for the person who asked: a catalog key and its parameters, rendered in their language."""

from __future__ import annotations


class UserError(Exception):
    """Something the person can fix or should know (a club name that matches nothing, a refused action).

    Services raise it; handlers render `t(lang, error.key, **error.params)` privately to the person.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.params!r})"
