#include "relacy_backend/catalog.hpp"

#include "model/emitter/harness.hpp"  // with relacy_backend/relacy_sync.hpp, last

namespace doublecheck::relacy {

const model::Registry& emitter_suites() {
  static const model::Registry registry = [] {
    model::Registry r;
    model::checks::add_emitter_models<RelacySync>(r);
    return r;
  }();
  return registry;
}

}  // namespace doublecheck::relacy
