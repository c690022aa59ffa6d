// The engine on its own: this program is compiled with only seam/ and model/ on its include path
// (tests/layering/CMakeLists.txt stages them), linked with the engine's objects, Boost.Context and
// nothing else, and it explores two models through the engine's API: a data race on plain shared
// data that must be found, and the same accesses under a mutex that must pass exhaustively. Exit 0
// only when both verdicts are right.
#include <cstdio>
#include <mutex>

#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"

namespace {

using doublecheck::model::Explorer;
using doublecheck::model::FailureKind;
using doublecheck::model::ModelSync;

// Two threads add to one plain variable; `locked` puts both additions under one mutex.
void two_adders(bool locked) {
  ModelSync::Mutex mutex("m");
  ModelSync::Shared<int> total(0, "total");
  const auto add = [&] {
    if (locked) {
      const std::lock_guard guard(mutex);
      total.store(total.load() + 1);
    } else {
      total.store(total.load() + 1);
    }
  };
  doublecheck::model::thread other(add);
  add();
  other.join();
}

}  // namespace

int main() {
  const auto racy = Explorer().run("layering/racy", [] { two_adders(false); });
  const auto locked = Explorer().run("layering/locked", [] { two_adders(true); });
  const bool race_found =
      !racy.failures.empty() && racy.failures.front().kind == FailureKind::kDataRace;
  const bool lock_proven = locked.passed() && locked.exhaustive;
  std::printf("%s\n%s\n", format_verdict(racy).c_str(), format_verdict(locked).c_str());
  if (!race_found) std::printf("FAIL: the engine alone did not find the data race\n");
  if (!lock_proven) std::printf("FAIL: the engine alone did not prove the locked version\n");
  return race_found && lock_proven ? 0 : 1;
}
