// P5, the get path: get_telemetry() racing with init_telemetry() returns either nothing or the
// fully constructed instance (reading its fields is ordered after their construction).
#include <string>

#include "impl/variants/acq_rel_dcl.hpp"
#include "impl/variants/call_once_init.hpp"
#include "impl/variants/naive_dcl.hpp"
#include "impl/variants/relaxed_dcl.hpp"
#include "model/emitter/harness.hpp"

namespace doublecheck::model::checks {
namespace {

template <class Sync, template <class, class> class Init>
std::function<void()> get_racing_init() {
  return [] {
    using Thread = typename Sync::Thread;
    using Global = BasicGlobalTelemetry<Sync, Init>;
    using Emitter = typename Global::Emitter;
    std::atomic<std::uint64_t> ids{0};
    Global global([&](bool enabled, const std::filesystem::path& dir) {
      return std::make_unique<Emitter>(enabled, std::make_shared<DiscardingSink>(),
                                       deterministic_environment(ids), dir);
    });
    const auto observe = [](const Emitter& emitter) {
      return properties::Seen{&emitter, emitter.session_id(), emitter.enabled(),
                              emitter.output_dir()};
    };
    properties::Seen initialised;
    properties::Seen got;  // stays empty when get() returned nothing
    Thread initialiser([&] { initialised = observe(global.init(true, "/m/init")); });
    Thread getter([&] {
      if (Emitter* emitter = global.get()) got = observe(*emitter);
    });
    initialiser.join();
    getter.join();
    require<Sync>(properties::check_published(got, initialised));
    Emitter* after = global.get();
    Sync::check(after != nullptr && after == initialised.instance,
                "P5 after init, get_telemetry() returns the initialised instance");
  };
}

template <class Sync, template <class, class> class Init>
void add_get(Registry& registry, const std::string& variant, Expectation expected) {
  registry.add({"get/" + variant + "/1init+1get",
                variant,
                "P5",
                "get_telemetry() racing init_telemetry(): nothing or the whole instance",
                {},
                std::move(expected),
                get_racing_init<Sync, Init>()});
}

}  // namespace

template <class Sync>
void add_get_models(Registry& registry) {
  for_each_init_variant("get", [&]<template <class, class> class Init>(const MatrixVariant& v) {
    add_get<Sync, Init>(registry, v.id, expected_of(v));
  });
}

template void add_get_models<ModelSync>(Registry& registry);
template void add_get_models<ScheduledSync>(Registry& registry);
#ifdef DC_WITH_RELACY  // the Relacy backend's build (relacy_backend/CMakeLists.txt)
template void add_get_models<RelacySync>(Registry& registry);
#endif

}  // namespace doublecheck::model::checks
