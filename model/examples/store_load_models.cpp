// The models of the store-then-load handshake (store_load.hpp), in its two best-known uses:
// Dekker's entry and the publication of a hazard pointer. seq_cst, and relaxed with a seq_cst
// fence between the store and the load, keep the promise; release/acquire breaks it, which the
// models' checks report (an assertion: the values are atomics, there is no plain data to race on).
//
// Properties:
//   S1  Dekker's entry: at most one thread misses the other's flag (else both would enter)
//   H1  hazard pointers: no use after retire — the reader keeps using node 1 only if the
//       reclaimer, having unlinked it, sees the reader's hazard on it and does not free it
#include <functional>
#include <string>

#include "model/engine/model_sync.hpp"
#include "model/examples/examples.hpp"
#include "model/examples/store_load.hpp"

namespace doublecheck::examples {
namespace {

using model::check;
using model::Expectation;
using model::FailureKind;
using model::ModelSync;
using model::SourceLines;

constexpr const char* kFile = "model/examples/store_load_models.cpp";

// Each thread raises its flag, then reads the other's: 0 means it missed it and would enter.
template <StoreLoadOrders Orders>
std::function<void()> dekker_entry() {
  return [] {
    ModelSync::Atomic<int> flag0(0, "dekker.flag0");
    ModelSync::Atomic<int> flag1(0, "dekker.flag1");
    bool missed0 = false;  // each written by its thread only, read after the joins
    bool missed1 = false;
    model::thread a([&] { missed0 = announce_then_look<Orders>(flag0, 1, flag1) == 0; });
    model::thread b([&] { missed1 = announce_then_look<Orders>(flag1, 1, flag0) == 0; });
    a.join();
    b.join();
    check(!(missed0 && missed1), "S1 both threads missed the other's flag: both would enter");
  };
}

// The shared pointer `head` names node 1; the reclaimer replaces it by node 2 and frees node 1
// unless a hazard slot names it. The reader protects what it read: it publishes it as its hazard,
// then reads `head` again, and uses the node only if `head` still names it (else it would retry).
// Nodes are numbers: the property is about which node each side decides on.
template <StoreLoadOrders Orders>
std::function<void()> hazard_publish() {
  return [] {
    ModelSync::Atomic<int> head(1, "hp.head");
    ModelSync::Atomic<int> hazard(0, "hp.hazard");
    int used = 0;  // the node the reader goes on to use (0: none, it would retry)
    bool freed1 = false;
    model::thread reader([&] {
      const int node = head.load(std::memory_order_acquire);
      if (announce_then_look<Orders>(hazard, node, head) == node) used = node;
    });
    model::thread reclaimer([&] {
      // head.store(2) is the unlink; the hazard slots are scanned after it.
      freed1 = announce_then_look<Orders>(head, 2, hazard) != 1;
    });
    reader.join();
    reclaimer.join();
    check(!(used == 1 && freed1), "H1 the reader uses node 1 after the reclaimer freed it");
  };
}

// A passing model passes; a failing one fails the check of `property` (the line of check(...)
// whose message starts with it).
Expectation expect(bool pass, const std::string& property) {
  if (pass) return Expectation::passes();
  return Expectation::fails(FailureKind::kAssertion,
                            {SourceLines{kFile, "^ *check[(].*\"" + property + " "}});
}

template <StoreLoadOrders Orders>
void add(model::Registry& registry, const std::string& orders, const std::string& how, bool pass) {
  registry.add({"dekker/" + orders + "/entry",
                "dekker_" + orders,
                "S1",
                "Dekker's entry (flag up, then the other's flag?), " + how,
                {},
                expect(pass, "S1"),
                dekker_entry<Orders>()});
  registry.add(
      {"hazard/" + orders + "/publish",
       "hazard_" + orders,
       "H1",
       "hazard pointer published then the pointer re-read, against unlink then scan, " + how,
       {},
       expect(pass, "H1"),
       hazard_publish<Orders>()});
}

}  // namespace

void add_store_load_models(model::Registry& registry) {
  add<kStoreLoadSeqCst>(registry, "seq_cst", "seq_cst", true);
  add<kStoreLoadReleaseAcquire>(registry, "release_acquire",
                                "release store, acquire load: both may miss", false);
  add<kStoreLoadFenced>(registry, "fenced", "relaxed with a seq_cst fence between", true);
}

}  // namespace doublecheck::examples
