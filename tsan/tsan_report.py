"""Parse ThreadSanitizer reports out of a program's output.

A report looks like this (LLVM 14; addresses and build ids shortened):

    ==================
    WARNING: ThreadSanitizer: data race (pid=8448)
      Write of size 8 at 0x7b0c00000010 by thread T2:
        #0 doublecheck::StdSync::Shared<long>::add /src/seam/std_sync.hpp:86:53 (exe+0xd4)
        #1 doublecheck::BasicTelemetryEmitter<...>::record_call /src/impl/x.hpp:180:17 (exe+0xd4)
        ...

      Previous write of size 8 at 0x7b0c00000010 by thread T1:
        #0 ...

      Location is heap block of size 352 at 0x7b4c00000000 allocated by main thread:
        #0 ...

      Thread T2 (tid=8470, running) created by main thread at:
        #0 pthread_create <null> (exe+0x5342d)

    SUMMARY: ThreadSanitizer: data race /src/seam/std_sync.hpp:86:53 in ...
    ==================

The sections that describe the racing *accesses* ("Write of size", "Previous read of size",
"Atomic write ...") are the ones whose stacks say where the race is; the location's allocation
stack and the thread-creation stacks are context and are not searched for the racing line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

_WARNING = re.compile(r"^WARNING: ThreadSanitizer: (?P<kind>[^(\n]+?)(?: \(pid=\d+\))?\s*$")
_SUMMARY = re.compile(r"^SUMMARY: ThreadSanitizer: ")
_SECTION = re.compile(r"^  (?P<title>\S.*):\s*$")
_FRAME = re.compile(r"^\s+#(?P<index>\d+)\s+(?P<rest>.*)$")
# "... /path/file.hpp:86:53 (module+0x1234)" -- the last "path:line[:col] (" of the frame.
_LOCATION = re.compile(r"\s(?P<file>[^\s:]+):(?P<line>\d+)(?::\d+)?\s+\(")
_ACCESS_TITLE = re.compile(r"^(previous )?(atomic )?(read|write)\b", re.IGNORECASE)


@dataclass
class Frame:
    index: int
    text: str                 # the frame as printed, without "#N "
    file: str | None = None   # None for frames without line info ("<null> <null> (libc.so...)")
    line: int | None = None


@dataclass
class Section:
    title: str                # e.g. "Write of size 8 at 0x... by thread T2"
    frames: list[Frame] = field(default_factory=list)

    @property
    def is_access(self) -> bool:
        return bool(_ACCESS_TITLE.match(self.title))


@dataclass
class Report:
    kind: str                 # "data race", "heap-use-after-free", "thread leak", ...
    sections: list[Section] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # the report's text, for printing

    def access_sections(self) -> list[Section]:
        return [section for section in self.sections if section.is_access]


def parse_reports(output: str) -> list[Report]:
    """Every ThreadSanitizer report in `output`, in order."""
    reports: list[Report] = []
    current: Report | None = None
    for raw in output.splitlines():
        warning = _WARNING.match(raw)
        if warning:
            current = Report(kind=warning.group("kind").strip(), lines=[raw])
            reports.append(current)
            continue
        if current is None:
            continue
        current.lines.append(raw)
        if _SUMMARY.match(raw):
            current = None
            continue
        section = _SECTION.match(raw)
        if section:
            current.sections.append(Section(title=section.group("title")))
            continue
        frame = _FRAME.match(raw)
        if frame and current.sections:
            rest = frame.group("rest")
            found = None
            for found in _LOCATION.finditer(" " + rest):
                pass
            current.sections[-1].frames.append(
                Frame(index=int(frame.group("index")), text=rest,
                      file=found.group("file") if found else None,
                      line=int(found.group("line")) if found else None))
    return reports


def same_source(frame_file: str, relative: str) -> bool:
    """True when the frame's file is `relative` (a path from the source root, e.g.
    "impl/variants/naive_dcl.hpp"), whatever absolute prefix the build used."""
    normal = os.path.normpath(frame_file).replace(os.sep, "/")
    wanted = os.path.normpath(relative).replace(os.sep, "/")
    return normal == wanted or normal.endswith("/" + wanted)


def lines_matching(path: str, pattern: str) -> list[int]:
    """The 1-based numbers of the lines of `path` that match the regular expression `pattern`."""
    regex = re.compile(pattern)
    with open(path, encoding="utf-8") as source:
        return [number for number, text in enumerate(source, start=1) if regex.search(text)]
