// The emitter's models as Relacy test suites: the catalogue's models (model/emitter/), by the same
// names, with the same bodies and expectations, instantiated on RelacySync.
#pragma once

#include "model/catalogue/registry.hpp"

namespace doublecheck::relacy {

const model::Registry& emitter_suites();

}  // namespace doublecheck::relacy
