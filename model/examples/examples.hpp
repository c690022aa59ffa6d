// The example models' catalogue (model/examples/), for the example runner and its tests.
#pragma once

#include "model/catalogue/registry.hpp"

namespace doublecheck::examples {

// Every model of model/examples/, registered like model/emitter/ registers the emitter's.
const model::Registry& example_models();

// The config cache's models (a user's class) again, by the same names, on ScheduledSync: what
// dc_examples_replay runs to replay the explorer's schedules of them on real threads (README.md,
// "Replaying a counterexample under ThreadSanitizer").
const model::Registry& example_replays();

// Each file of models adds its own (example_models() calls them, in this order).
void add_peterson_models(model::Registry& registry);
void add_store_load_models(model::Registry& registry);
void add_spsc_ring_models(model::Registry& registry);
void add_refcount_models(model::Registry& registry);

}  // namespace doublecheck::examples
