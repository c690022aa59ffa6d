// The catalogue of the emitter's models, in DESIGN.md's order of paths.
#include "model/emitter/catalog.hpp"

#include "model/emitter/harness.hpp"
#include "model/emitter/matrix.hpp"

namespace doublecheck::model {

const Registry& emitter_models() {
  static const Registry registry = [] {
    Registry r;
    checks::add_emitter_models<ModelSync>(r);
    // What each fix synchronises, and which fix --mutate must show necessary: the matrix's. The
    // emitter store's mutex is bookkeeping (impl/emitter_store.hpp), not part of any fix: its
    // mutants are reported only.
    for (const checks::MatrixVariant& variant : checks::matrix()) {
      if (!variant.fix_objects.empty()) r.set_fix_objects(variant.id, variant.fix_objects);
      if (variant.mutate) r.gate(variant.id);
    }
    return r;
  }();
  return registry;
}

const Registry& emitter_replays() {
  static const Registry registry = [] {
    Registry r;
    checks::add_emitter_models<ScheduledSync>(r);
    return r;
  }();
  return registry;
}

}  // namespace doublecheck::model
