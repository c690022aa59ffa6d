"""The progress lines: one per stage, "[2/6] explorer: ... 33 models as expected (0s)", with notes
between them when something a person should know happens mid-stage."""

from __future__ import annotations

import time

TOTAL_STAGES = 7


class Progress:
    """Prints a stage's title when it starts and its result on the same line when it ends; a note
    breaks the line, and the title is printed again with the result."""

    def __init__(self) -> None:
        self.open = False
        self.title = ""

    def start(self, stage: int, text: str) -> float:
        self.title = f"[{stage}/{TOTAL_STAGES}] {text}"
        print(f"{self.title} ...", end="", flush=True)
        self.open = True
        return time.monotonic()

    def end(self, text: str, started: float) -> None:
        print(f"{'' if self.open else self.title + ' ...'} {text} "
              f"({time.monotonic() - started:.0f}s)", flush=True)
        self.open = False

    def note(self, text: str) -> None:
        if self.open:
            print(flush=True)
            self.open = False
        print(f"      note: {text}", flush=True)
