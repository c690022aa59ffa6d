// The models of the reference-counted handle (refcount.hpp): two threads each own a copy of one
// handle, read the payload through it and drop it; whichever drops the last one deletes the block.
// An acq_rel decrement passes; a relaxed one races: the delete (the payload's destruction, a
// write) does not follow the other thread's read of the payload in happens-before.
//
// Properties:
//   H1  every handle reads the payload the block was made with
//   H2  no data race on the block, its destruction included, and no use of it after the delete
//       (the explorer checks it)
#include <functional>
#include <optional>
#include <string>

#include "model/engine/model_sync.hpp"
#include "model/examples/examples.hpp"
#include "model/examples/refcount.hpp"

namespace doublecheck::examples {
namespace {

using model::check;
using model::Expectation;
using model::FailureKind;
using model::SourceLines;

template <std::memory_order Decrement>
std::function<void()> two_owners() {
  return [] {
    using Handle = RefHandle<Decrement>;
    // The threads' handles live in the main thread's frame, so each thread drops its own with
    // reset() and the main thread, after the joins, finds both empty.
    std::optional<Handle> first(std::in_place, 42);
    std::optional<Handle> second(*first);
    const auto own = [](std::optional<Handle>& mine) {
      check(mine->read() == 42, "H1 a handle reads the payload the block was made with");
      mine.reset();
    };
    model::thread a([&] { own(first); });
    model::thread b([&] { own(second); });
    a.join();
    b.join();
  };
}

void add(model::Registry& registry, const std::string& order, const std::string& how,
         const Expectation& expected, const std::function<void()>& body) {
  registry.add({"refcount/" + order + "/2_owners",
                "refcount_" + order,
                "H1, H2",
                how + "; two threads each read through their own handle and drop it",
                {},
                expected,
                body});
}

}  // namespace

void add_refcount_models(model::Registry& registry) {
  add(registry, "acq_rel", "acq_rel decrement", Expectation::passes(),
      two_owners<std::memory_order_acq_rel>());
  // Caught: the delete races with the other thread's read of the payload.
  add(registry, "relaxed", "relaxed decrement",
      Expectation::fails(
          FailureKind::kDataRace,
          {SourceLines::containing("model/examples/refcount.hpp", "delete block_;")}),
      two_owners<std::memory_order_relaxed>());
}

}  // namespace doublecheck::examples
