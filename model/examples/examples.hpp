// The example models' catalogue (model/examples/), for the example runner and its tests.
#pragma once

#include "model/registry.hpp"

namespace doublecheck::examples {

// Every model of model/examples/, registered like model/checks/ registers the emitter's.
const model::Registry& example_models();

}  // namespace doublecheck::examples
