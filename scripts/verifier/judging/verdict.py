"""The verdict and verify's exit status: 2 when a checker failed to catch a known bug or the
harness failed one of its self-checks (the explorer and TSan disagree on the model's own
interleaving, or the replay gate's control fails: then no agreement means anything), 1 when a fix
is not proven, 0 when verified (2 wins over 1). A checker whose build failed did not run: that is
1, not 2 (nothing was shown blind)."""

from __future__ import annotations

from typing import Any

from ..matrix import RUNNER
from ..text import plural

EXIT_VERIFIED = 0
EXIT_FIX_NOT_PROVEN = 1
EXIT_CHECKER_BLIND = 2
EXIT_USAGE = 64
EXIT_CANT_CREATE = 73

NOT_BUILT = "not run: the "  # ... default/tsan build failed (...)
# A runner of its own (not the emitter's, whose negative controls the matrix has) with no model
# expected to fail: nothing shows its checker can fail, so nothing it passes is proven.
NO_NEGATIVE = ("registers no negative control (no model expected to fail): nothing shows its "
               "models can catch a bug")
CHECKERS = ("model", "tsan", "static", "mutation", "relacy")
HARNESS_REASON = ("the harness failed a self-check (the explorer and TSan disagree on the model's "
                  "own interleaving, or the replay gate's control failed)")


def built_checkers(builds: dict[str, dict[str, Any]]) -> dict[str, bool]:
    """Which checkers could run: the explorer and mutation need the default build, TSan the tsan
    build, the static checks only a configured tsan build (they compile by themselves)."""
    default_ok = builds.get("default", {}).get("ok") is not False
    return {"model": default_ok, "mutation": default_ok, "relacy": default_ok,
            "tsan": builds.get("tsan", {}).get("ok") is not False,
            "static": builds.get("tsan", {}).get("configured", True) is not False}


def classify(variants: list[dict[str, Any]], built: dict[str, bool],
             ) -> tuple[list[str], list[str], list[str], list[str]]:
    """Every checker's problems as (blind, not proven, caught elsewhere, harness), one line each:
    '<variant> (<checker>): <problem>'."""
    blind: list[str] = []
    not_proven: list[str] = []
    elsewhere: list[str] = []
    harness: list[str] = []
    for v in variants:
        for checker in CHECKERS:
            sub = v.get(checker)
            if not sub or sub.get("ok") or sub.get("ok") is None:  # None: judged nothing
                continue
            for problem in sub.get("problems") or [sub.get("summary", "")]:
                text = f"{v['name']} ({checker}): {problem}"
                if problem.startswith(NOT_BUILT):
                    not_proven.append(text)  # kept short in verdict_of: the build says it all
                elif problem in (sub.get("harness") or []):
                    harness.append(text)
                elif problem in (sub.get("elsewhere") or []) and built[checker]:
                    elsewhere.append(text)
                elif problem in (sub.get("not_caught") or []) and built[checker]:
                    blind.append(text)
                else:
                    not_proven.append(text)
    return blind, not_proven, elsewhere, harness


def shorten_not_built(not_proven: list[str]) -> list[str]:
    """The checker results a failed build left unrun, as one line after the others."""
    listed = [t for t in not_proven if NOT_BUILT not in t]
    hidden = len(not_proven) - len(listed)
    if hidden:
        listed.append(f"(and {plural(hidden, 'checker result')} not run because a build failed)")
    return listed


def verdict_of(variants: list[dict[str, Any]], builds: dict[str, dict[str, Any]],
               model_runs: dict[str, dict[str, Any]], bounded: bool,
               gate: dict[str, Any] | None = None) -> dict[str, Any]:
    """The verdict: exit code, why, and the lines that say what failed. `gate`: the replay
    gate's self-check (judging.tsan.replay_gate_result), whose problems are the harness's."""
    built = built_checkers(builds)
    not_proven = [f"the {name} build failed ({build.get('message', '')})"
                  for name, build in builds.items() if build.get("ok") is False]
    known = {v["source"] for v in variants}
    blind = [f"model runner '{label}': {run.get('message')}" for label, run in model_runs.items()
             if not run.get("ok", True) and built["model"] and label not in known]
    # A runner that failed although its models' rows say why not (its exit status or its own gate,
    # stages.explorer): its rows cannot say it, so the verdict does.
    not_proven += [f"model runner '{label}': {run.get('message')}"
                   for label, run in model_runs.items()
                   if not run.get("ok", True) and built["model"] and label in known]
    blind += [f"model runner '{label}': {NO_NEGATIVE}" for label, run in model_runs.items()
              if label != RUNNER and run.get("models") and label in known
              and not any(v["source"] == label and v["role"] != "fix" for v in variants)]
    more_blind, more_not_proven, elsewhere, harness = classify(variants, built)
    harness += [f"harness: {problem}" for problem in (gate or {}).get("problems", [])]
    blind += more_blind
    # A negative control caught at another line than expected: when a fix is broken too, the
    # variants share its code and race there first, which is a consequence, not a blind checker;
    # with every fix proven, the expectation is stale and the harness is broken.
    not_proven = shorten_not_built(not_proven + more_not_proven)
    caught_elsewhere = elsewhere if not_proven else []
    if not not_proven:
        blind += elsewhere
    if blind or harness:
        code, reason = EXIT_CHECKER_BLIND, "; ".join(
            ([HARNESS_REASON] if harness else [])
            + (["a checker failed to catch a known bug"] if blind else []))
        if not_proven:
            reason += " (and a fix is not proven)"
    elif not_proven:
        code, reason = EXIT_FIX_NOT_PROVEN, "a fix is not proven"
    else:
        code, reason = EXIT_VERIFIED, ""
    return {"exit_code": code, "verdict": "verified" if code == 0 else "not verified",
            "reason": reason, "harness": harness, "checker_blind": blind,
            "not_proven": not_proven,
            "caught_elsewhere": caught_elsewhere, "replay_gate": gate,
            "bounded": bounded and any(v["model"].get("bounded") for v in variants)}
