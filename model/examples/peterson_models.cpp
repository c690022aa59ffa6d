// The models of Peterson's lock (peterson.hpp): two threads each increment a plain counter inside
// the lock. Under the C++ memory model (RC11, the explorer's default) the seq_cst lock and the
// fenced one are mutexes; the release/acquire and the relaxed ones let both threads into the
// critical section, which the explorer reports as a data race on the counter.
//
// Properties:
//   M1  no data race on the counter: the critical sections are ordered (the explorer checks it)
//   M2  every increment is counted
#include <functional>
#include <string>

#include "model/engine/model_sync.hpp"
#include "model/examples/examples.hpp"
#include "model/examples/peterson.hpp"

namespace doublecheck::examples {
namespace {

using model::check;
using model::Expectation;
using model::FailureKind;
using model::ModelSync;
using model::SourceLines;

constexpr const char* kFile = "model/examples/peterson_models.cpp";

// Threads 0 and 1 each enter the critical section once.
template <PetersonOrders Orders>
std::function<void()> two_threads_increment() {
  return [] {
    PetersonLock<Orders> lock;
    ModelSync::Shared<int> counter(0, "counter");
    auto worker = [&](int me) {
      lock.lock(me);
      counter.add(1);  // the critical section
      lock.unlock(me);
    };
    model::thread a([&] { worker(0); });
    model::thread b([&] { worker(1); });
    a.join();
    b.join();
    check(counter.load() == 2, "M2 every increment is counted");
  };
}

// Caught: both threads in the critical section, a data race at the increment.
Expectation races_on_the_counter() {
  return Expectation::fails(FailureKind::kDataRace,
                            {SourceLines::containing(kFile, "counter.add(1);  // the critical")});
}

template <PetersonOrders Orders>
void add(model::Registry& registry, const std::string& orders, const std::string& summary,
         const Expectation& expected) {
  registry.add({"peterson/" + orders + "/2x1",
                "peterson_" + orders,
                "M1, M2",
                summary + "; 2 threads enter once each",
                {},
                expected,
                two_threads_increment<Orders>()});
}

}  // namespace

void add_peterson_models(model::Registry& registry) {
  add<kPetersonSeqCst>(registry, "seq_cst", "every access seq_cst: a mutex", Expectation::passes());
  add<kPetersonReleaseAcquire>(registry, "release_acquire",
                               "release stores, acquire loads: both may enter (store-load)",
                               races_on_the_counter());
  add<kPetersonRelaxed>(registry, "relaxed", "relaxed, no fence: both may enter",
                        races_on_the_counter());
  add<kPetersonFenced>(registry, "fenced",
                       "relaxed flag, turn exchanged, seq_cst fence, acquire wait, release exit: "
                       "a mutex",
                       Expectation::passes());
  add<kPetersonFencedTurnStore>(registry, "fenced_turn_store",
                                "fenced, but the turn given by a plain store: both may enter",
                                races_on_the_counter());
}

}  // namespace doublecheck::examples
