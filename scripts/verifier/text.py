"""Wording shared by the console and the reports, so both say a thing the same way."""

from __future__ import annotations

from typing import Any


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 model', '2 models', '1,234 executions'."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def tail(text: str, count: int) -> str:
    """The last `count` lines of `text`, saying how many were left out (a failure's end is where
    its reason is)."""
    lines = text.splitlines()
    if len(lines) <= count:
        return text
    return "\n".join([f"... ({len(lines) - count} earlier lines omitted)"] + lines[-count:])


def head(text: str, count: int) -> str:
    """The first `count` lines of `text`, saying how many were left out."""
    lines = text.splitlines()
    if len(lines) <= count:
        return text
    return "\n".join(lines[:count] + [f"... ({len(lines) - count} more lines omitted)"])


def describe_exit(code: int) -> str:
    """A process's end, as a person says it: a signal is not an exit status."""
    return f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"


def failed_test_lines(test: dict[str, Any]) -> list[str]:
    """A failed test as the console and junit.xml show it: its name and status, then its failure
    text (failures) indented; [] for a test that carries none (it passed, or said nothing)."""
    failure = test.get("failure") or ""
    if not failure:
        return []
    return ([f"{test['name']} [{test.get('status')}]:"]
            + ["    " + line for line in failure.splitlines()])
