#!/usr/bin/env python3
"""docs/API.md names every public name of the installed package (label docs; issue 13).

    api_reference_test.py --cxx CLANG++ [--include DIR]... [unittest args]

The public surface is defined here once, as PUBLIC_HEADERS and the rule below, and the names are
read out of the headers themselves on every run, so a public member added without an entry in
docs/API.md fails this test, which prints each missing name with its header:line.

What counts as public (docs/API.md, "What is public", says the same):
  * every declaration in one of PUBLIC_HEADERS, in namespace doublecheck: classes and class
    templates, enums and their enumerators, functions and function templates, variables, type
    aliases; and, recursively, the public members of every class that counts (member functions,
    data members (an options struct's fields), nested classes, static members, type aliases,
    enumerators), plus the friend functions a class defines (found by argument-dependent lookup:
    SourceLoc's operator==);
  * every macro the public headers #define (the DC_* annotations);
  * not: private or protected members; anything in a namespace named `detail`; declarations the
    compiler makes implicitly; constructors, destructors and deleted functions (an entry for the
    class covers how it is made); template instantiations; out-of-line redefinitions;
  * not: a function a user cannot call because one of its parameters is of an engine type, a class
    or enum of namespace doublecheck declared outside PUBLIC_HEADERS (Execution&, ObjectHeader&,
    MemoryGraph&, ...: only the engine has one). That is how model_sync.hpp's engine helpers
    (intercepted, lock_mutex_state, begin_destruction, ...) stay out while check/assume/yield count.
A header outside the list (execution.hpp, memory_graph.hpp, dpor.hpp, ...) is implementation, even
though an umbrella header includes it.

A name is written relative to namespace doublecheck, template arguments dropped:
`StdSync::Atomic::load`, `model::ModelSync::Mutex::lock`, `model::gtest::proves`, `DC_GUARDED_BY`.
Overloads are one name. docs/API.md documents a name when an entry *leads* with it: the first thing
of a heading, of a list item or of a table row's first cell is a `code span` whose text, with
template argument lists and everything from the first '(' or space removed, is the name — or, for a
list item or table row, the name relative to the nearest heading's lead (`load(order, loc)` under
the heading `model::ModelSync::Atomic<T>`). A name merely mentioned in prose does not count.

Why clang's AST and not Doxygen: the names come from the compiler that builds the project (the
project already needs clang for -Wthread-safety; nothing to install), parsing the umbrella header
exactly as a consumer's build does, so access specifiers, nested classes, templates, default
arguments and C++20 syntax are C++'s own rules rather than a second parser's approximation; Doxygen
would need its own preprocessor configuration to see through `class DC_CAPABILITY("mutex") Mutex`
and every DC_* attribute, a second list to keep true. The macros come from the same compiler's
preprocessor (-E -dD), with the file and line of each #define. The cost is clang's JSON format,
whose locations give a file and a line only when they change from the previous location printed:
the walk below keeps track of both, in the order the dump prints them.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True

ROOT = Path(__file__).resolve().parents[2]
API_MD = ROOT / "docs" / "API.md"

# The public surface: the headers whose declarations a user of the installed package writes
# (through <doublecheck/sync.hpp>, <doublecheck/model.hpp>, <doublecheck/gtest.hpp>).
PUBLIC_HEADERS = (
    "seam/source_loc.hpp",
    "seam/thread_annotations.hpp",
    "seam/std_sync.hpp",
    "seam/scoped_lock.hpp",
    "model/engine/model_sync.hpp",
    "model/engine/explorer.hpp",
    "model/engine/failure.hpp",
    "model/engine/memory_model.hpp",
    "model/engine/source_path.hpp",
    "model/catalogue/registry.hpp",
    "model/catalogue/cli.hpp",
    "model/gtest/model_test.hpp",
)
# The one translation unit parsed: the widest umbrella header (it includes the other two).
UMBRELLA = "doublecheck/gtest.hpp"

DEFAULT_INCLUDES = ("/usr/include", "/usr/local/include")
TYPE_KINDS = {"CXXRecordDecl", "ClassTemplateDecl", "EnumDecl"}
SKIPPED_KINDS = {"CXXConstructorDecl", "CXXDestructorDecl", "CXXConversionDecl",
                 "ClassTemplateSpecializationDecl", "ClassTemplatePartialSpecializationDecl",
                 "AccessSpecDecl", "StaticAssertDecl", "UsingDirectiveDecl"}


def place_decls(node: object, state: list, places: dict[int, tuple[str, int]]) -> None:
    """Records in `places` the file and line of every declaration's name (its "loc"; inside a
    macro, the expansion, which comes last), walking every location of the dump in its order."""
    if isinstance(node, list):
        for item in node:
            place_decls(item, state, places)
        return
    if not isinstance(node, dict):
        return
    if "offset" in node or "col" in node:  # a bare location
        state[0] = node.get("file", state[0])
        state[1] = node.get("line", state[1])
    for key, value in node.items():
        if key == "includedFrom":  # the including file: not a location the dump tracks
            continue
        place_decls(value, state, places)
        if key == "loc" and "kind" in node:
            places[id(node)] = (state[0], state[1])


def relative(file: str) -> str:
    try:
        return str(Path(file).resolve().relative_to(ROOT))
    except ValueError:
        return file


def clang(cxx: str, includes: list[str], mode: list[str]) -> str:
    with tempfile.TemporaryDirectory() as work:
        unit = Path(work) / "api.cpp"
        unit.write_text(f'#include "{UMBRELLA}"\n')
        command = [cxx, "-std=c++20", "-x", "c++", f"-I{ROOT}", f"-I{ROOT / 'include'}"]
        command += [f"-I{d}" for d in includes] + mode + [str(unit)]
        try:
            run = subprocess.run(command, capture_output=True, text=True, check=False)
        except FileNotFoundError as error:
            raise RuntimeError(f"{cxx} not found ({error}): scripts/setup installs clang") from None
        if run.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{run.stderr[-4000:]}")
        return run.stdout


def ast_objects(cxx: str, includes: list[str]) -> list[dict]:
    """The top-level declarations whose qualified name holds "doublecheck" (every `namespace
    doublecheck` block of every header), as clang's JSON dump prints them one after another."""
    text = clang(cxx, includes, ["-fsyntax-only", "-Xclang", "-ast-dump=json",
                                 "-Xclang", "-ast-dump-filter=doublecheck"])
    decoder = json.JSONDecoder()
    objects, at = [], 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return objects
        obj, at = decoder.raw_decode(text, at)
        objects.append(obj)


class Extractor:
    def __init__(self, objects: list[dict]) -> None:
        self.places: dict[int, tuple[str, int]] = {}
        place_decls(objects, ["", 0], self.places)
        self.names: dict[str, str] = {}       # name -> header:line of its first declaration
        self.defined: set[str] = set()        # names whose header:line is their definition
        self.types: dict[str, bool] = {}      # class or enum -> declared in a public header
        self.functions: list[tuple[str, str, list[str]]] = []  # name, where, parameter types
        for obj in objects:
            self.visit(obj, [], True)

    def where(self, decl: dict) -> tuple[str, bool]:
        file, line = self.places.get(id(decl), ("", 0))
        header = relative(file)
        return f"{header}:{line}", header in PUBLIC_HEADERS

    def visit(self, decl: dict, scope: list[str], public: bool) -> None:
        """`decl` in `scope` (the enclosing namespaces and classes); `public`: a user reaches it
        (no private or protected member, no detail namespace on the way)."""
        kind = decl.get("kind", "")
        name = decl.get("name", "")
        where, in_public_header = self.where(decl)
        if kind == "NamespaceDecl":
            for child in decl.get("inner", ()):
                self.visit(child, scope + [name], public and name != "detail")
            return
        if decl.get("isImplicit", False) or kind in SKIPPED_KINDS:
            return
        if kind in TYPE_KINDS and name:
            # Public when a public header defines it (a forward declaration there is not enough).
            pattern = decl if kind != "ClassTemplateDecl" else next(
                (c for c in decl.get("inner", ()) if c.get("kind") == "CXXRecordDecl"), {})
            defined = kind == "EnumDecl" or pattern.get("completeDefinition", False)
            key = qualified(scope + [name])
            self.types[key] = self.types.get(key, False) or (defined and in_public_header)
        counts = (public and in_public_header and name != "" and "parentDeclContextId" not in decl
                  and not decl.get("explicitlyDeleted", False))

        if kind in ("CXXRecordDecl", "ClassTemplateDecl"):
            # A class template's members are its pattern's, the record inside it.
            record = decl if kind == "CXXRecordDecl" else next(
                (c for c in decl.get("inner", ()) if c.get("kind") == "CXXRecordDecl"), {})
            if counts:  # named where it is defined, not where it is declared ahead
                self.add(scope + [name], where, record.get("completeDefinition", False))
            # A struct's members start public, a class's private; each access specifier changes it.
            access_public = record.get("tagUsed") != "class"
            for member in record.get("inner", ()):
                if member.get("kind") == "AccessSpecDecl":
                    access_public = member.get("access") == "public"
                else:
                    self.visit(member, scope + [name], public and access_public)
            return
        if kind == "EnumDecl":
            if counts:
                self.add(scope + [name], where)
            for child in decl.get("inner", ()):
                self.visit(child, scope + [name], public)
            return
        if kind == "FriendDecl":
            # A friend function defined in a public class (found by ADL); not a friend class.
            for child in decl.get("inner", ()):
                friend_where, friend_public = self.where(child)
                if (child.get("kind") in ("FunctionDecl", "FunctionTemplateDecl") and public
                        and friend_public):
                    self.add(scope + [child["name"]], friend_where)
            return
        if kind in ("FunctionDecl", "CXXMethodDecl", "FunctionTemplateDecl"):
            function = decl
            if kind == "FunctionTemplateDecl":  # its pattern, the function inside it
                function = next((c for c in decl.get("inner", ()) if c.get("kind") in (
                    "FunctionDecl", "CXXMethodDecl", "CXXConstructorDecl",
                    "CXXDestructorDecl")), decl)
            if function.get("kind") in SKIPPED_KINDS or function.get("explicitlyDeleted", False):
                return
            if counts and not name.startswith("operator="):
                params = [c.get("type", {}).get("qualType", "")
                          for c in function.get("inner", ()) if c.get("kind") == "ParmVarDecl"]
                self.functions.append((qualified(scope + [name]), where, params))
            return
        if counts and kind in ("FieldDecl", "VarDecl", "TypeAliasDecl", "TypedefDecl",
                               "EnumConstantDecl", "TypeAliasTemplateDecl"):
            self.add(scope + [name], where)

    def add(self, scope: list[str], where: str, definition: bool = True) -> None:
        name = display(qualified(scope))
        if name not in self.names or (definition and name not in self.defined):
            self.names[name] = where
        if definition:
            self.defined.add(name)

    def finish(self) -> dict[str, str]:
        """The names, less the functions that take an engine type."""
        internal = {t for t, public in self.types.items() if not public}
        for name, where, params in self.functions:
            used = {m.group(0) for p in params for m in re.finditer(r"doublecheck(?:::\w+)+", p)}
            if used & internal:
                continue
            self.names.setdefault(display(name), where)
        return self.names


def qualified(scope: list[str]) -> str:
    return "::".join(scope)


def display(name: str) -> str:
    """Relative to namespace doublecheck."""
    return name.removeprefix("doublecheck::")


def public_macros(cxx: str, includes: list[str]) -> dict[str, str]:
    """Every macro a public header #defines, with its header:line (the preprocessor's output with
    -dD keeps each #define in place, between line markers)."""
    text = clang(cxx, includes, ["-E", "-dD"])
    macros: dict[str, str] = {}
    file, line = "", 0
    for raw in text.splitlines():
        marker = re.match(r'# (\d+) "([^"]*)"', raw)
        if marker:
            line, file = int(marker.group(1)), marker.group(2)
            continue
        define = re.match(r"#define (\w+)", raw)
        if define and relative(file) in PUBLIC_HEADERS:
            macros.setdefault(define.group(1), f"{relative(file)}:{line}")
        line += 1
    return macros


LEAD = re.compile(r"^(?:#{1,6}\s+|\s*[-*+]\s+|\s*\d+\.\s+|\|\s*)`([^`]+)`")


def lead_name(span: str) -> str:
    """`Atomic<T>::load(order, loc)` -> "Atomic::load"."""
    previous = None
    while previous != span:  # nested template argument lists, innermost first
        previous = span
        span = re.sub(r"<[^<>]*>", "", span)
    span = span.strip()
    operator = re.match(r"[\w:]*operator(?:\(\)|\[\]|[^\w\s(]+)", span)  # operator==, ()
    span = operator.group(0) if operator else re.split(r"[( ]", span, maxsplit=1)[0]
    return display(span)


def documented_names(text: str) -> set[str]:
    names: set[str] = set()
    parent = ""
    in_code = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        match = LEAD.match(line)
        if line.startswith("#"):
            parent = lead_name(match.group(1)) if match else ""
            if parent:
                names.add(parent)
            continue
        if match:
            name = lead_name(match.group(1))
            names.add(name)
            if parent:
                names.add(f"{parent}::{name}")
    return names


def public_names(cxx: str, includes: list[str]) -> dict[str, str]:
    names = Extractor(ast_objects(cxx, includes)).finish()
    names.update(public_macros(cxx, includes))
    return names


def missing(names: dict[str, str], text: str) -> list[str]:
    documented = documented_names(text)
    return sorted(f"{where}: {name}" for name, where in names.items() if name not in documented)


class ApiReferenceTest(unittest.TestCase):
    cxx = "clang++"
    includes: list[str] = []
    names: dict[str, str] = {}

    @classmethod
    def setUpClass(cls) -> None:
        cls.names = public_names(cls.cxx, cls.includes)

    def test_every_public_name_is_documented(self):
        gaps = missing(self.names, API_MD.read_text())
        print(f"\n{len(self.names)} public names in {len(PUBLIC_HEADERS)} headers; "
              f"{len(self.names) - len(gaps)} documented in docs/API.md", file=sys.stderr)
        self.assertEqual(gaps, [], "public names docs/API.md has no entry for (header:line: name)"
                         ":\n  " + "\n  ".join(gaps))

    def test_the_extraction_sees_the_surface(self):
        """The rule's edges, on names that must be in and names that must stay out."""
        for name in ("StdSync::Mutex::lock", "StdSync::Atomic::wait", "StdSync::OnceFlag",
                     "ScopedLock", "SourceLoc::current", "SourceLoc::operator==", "DC_GUARDED_BY",
                     "model::ModelSync::Atomic::fetch_add", "model::check", "model::thread::join",
                     "model::ExploreOptions::max_steps", "model::FailureKind::kDataRace",
                     "model::gtest::proves", "model::run_catalogue", "model::Registry::gate"):
            self.assertIn(name, self.names)
        for name in ("model::intercepted", "model::lock_mutex_state", "model::begin_destruction",
                     "model::gtest::detail::test_name", "StdSync::Mutex::mutex_",
                     "model::thread::id_", "model::ModelSync::run_once", "model::Execution",
                     "model::ModelSync::Mutex::Mutex", "model::Registry::models_",
                     "model::ModelSync::Atomic::load_step"):
            self.assertNotIn(name, self.names)

    def test_a_missing_entry_fails(self):
        """Deleting an entry (here: the list item of StdSync::Mutex::lock) is seen, with where the
        name is declared; a mention in prose does not document a name."""
        text = API_MD.read_text()
        cut = re.sub(r"^- `lock\(.*$", "- the lock", text, count=1, flags=re.MULTILINE)
        self.assertNotEqual(cut, text)
        gaps = set(missing(self.names, cut)) - set(missing(self.names, text))
        self.assertEqual(len(gaps), 1, gaps)
        self.assertRegex(gaps.pop(), r"^seam/std_sync\.hpp:\d+: StdSync::Mutex::lock$")
        self.assertNotIn("model::check", documented_names("Call `model::check(x)` in a model."))
        self.assertIn("model::ModelSync::Atomic::load",
                      documented_names("### `model::ModelSync::Atomic<T>`\n- `load(order)` reads"))


def main() -> None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--cxx", default="clang++")
    parser.add_argument("--include", action="append", default=[])
    args, rest = parser.parse_known_args()
    ApiReferenceTest.cxx = args.cxx
    # The build's include directories, less the compiler's own (-I/usr/include would break
    # libstdc++'s #include_next) and repeats.
    includes: list[str] = []
    for directory in args.include:
        if directory and directory not in includes and directory not in DEFAULT_INCLUDES:
            includes.append(directory)
    ApiReferenceTest.includes = includes
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
