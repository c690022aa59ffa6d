// The models of the single-producer single-consumer ring (spsc_ring.hpp): a producer pushes a
// few items through the two slots while a consumer pops them. Two items fill the ring without
// reusing a slot (only the tail's release/acquire is at stake); three make the producer wait for
// the consumer to hand slot 0 back (the head's too). Release/acquire indexes pass; relaxed ones
// race on a slot, and so does a relaxed head alone once a slot is reused.
//
// Properties:
//   R1  no data race on a slot (the explorer checks it)
//   R2  the consumer gets every item, in order
#include <functional>
#include <initializer_list>
#include <string>

#include "model/engine/model_sync.hpp"
#include "model/examples/examples.hpp"
#include "model/examples/spsc_ring.hpp"

namespace doublecheck::examples {
namespace {

using model::check;
using model::Expectation;
using model::FailureKind;
using model::SourceLines;

template <RingOrders Orders>
std::function<void()> producer_consumer(int items) {
  return [items] {
    SpscRing<Orders> ring;
    model::thread producer([&] {
      for (int item = 1; item <= items; ++item) ring.push(item * 10);
    });
    model::thread consumer([&] {
      for (int item = 1; item <= items; ++item) {
        const int got = ring.pop();
        if (got != item * 10) {
          check(false, "R2 item " + std::to_string(item) + " popped as " + std::to_string(got));
        }
      }
    });
    producer.join();
    consumer.join();
  };
}

// Caught: a data race on a slot, at the producer's write or the consumer's read of it.
Expectation races_on_a_slot() {
  constexpr const char* kRing = "model/examples/spsc_ring.hpp";
  return Expectation::fails(FailureKind::kDataRace,
                            {SourceLines::containing(kRing, "slot(tail).store(value);"),
                             SourceLines::containing(kRing, "slot(head).load();")});
}

template <RingOrders Orders>
void add(model::Registry& registry, const std::string& orders, const std::string& how,
         const Expectation& expected, std::initializer_list<int> shapes = {2, 3}) {
  for (const int items : shapes) {
    registry.add({"spsc/" + orders + "/" + std::to_string(items) + "_items",
                  "spsc_" + orders,
                  "R1, R2",
                  how + "; " + std::to_string(items) + " items through a ring of 2" +
                      (items > 2 ? " (slot reuse)" : ""),
                  {},
                  expected,
                  producer_consumer<Orders>(items)});
  }
}

}  // namespace

void add_spsc_ring_models(model::Registry& registry) {
  add<kRingReleaseAcquire>(registry, "release_acquire", "indexes published release, read acquire",
                           Expectation::passes());
  add<kRingRelaxed>(registry, "relaxed", "relaxed indexes", races_on_a_slot());
  // Two items would pass: no slot is reused, and the tail is right.
  add<kRingRelaxedHead>(registry, "relaxed_head", "tail release/acquire, head relaxed",
                        races_on_a_slot(), {3});
}

}  // namespace doublecheck::examples
