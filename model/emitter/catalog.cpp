// The catalogue of the emitter's models, in DESIGN.md's order of paths.
#include "model/emitter/harness.hpp"

namespace doublecheck::model {

const Registry& emitter_models() {
  static const Registry registry = [] {
    Registry r;
    checks::add_increment_models(r);
    checks::add_snapshot_models(r);
    checks::add_stop_models(r);
    checks::add_init_models(r);
    checks::add_get_models(r);
    // What each passing variant's fix synchronises (dc_model --mutate). The emitter store's mutex
    // is bookkeeping (impl/emitter_store.hpp), not part of any fix: its mutants are reported only.
    r.set_fix_objects("fixed", {"metrics_mutex", "global.init_mutex"});
    r.set_fix_objects("acq_rel_dcl", {"global.init_mutex", "global.instance"});
    r.set_fix_objects("call_once", {"global.instance"});
    return r;
  }();
  return registry;
}

}  // namespace doublecheck::model
