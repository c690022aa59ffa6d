// The catalogue of the emitter's models, in DESIGN.md's order of paths.
#include "model/checks/harness.hpp"

namespace doublecheck::model {

const Registry& emitter_models() {
  static const Registry registry = [] {
    Registry r;
    checks::add_increment_models(r);
    checks::add_snapshot_models(r);
    checks::add_stop_models(r);
    checks::add_init_models(r);
    checks::add_get_models(r);
    return r;
  }();
  return registry;
}

}  // namespace doublecheck::model
