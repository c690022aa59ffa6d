// The global emitter: init_telemetry() / get_telemetry() over a lazy-initialisation strategy.
//
// The strategy is a template parameter so the RC-004 fix (MutexInit, below) and the teaching
// variants of impl/variants/ (the pre-fix replace-on-every-call and the double-checked-locking
// family) are the same class with one part swapped. Production uses MutexInit through
// impl/telemetry.hpp; models and tests build their own BasicGlobalTelemetry objects.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <utility>

#include "impl/emitter_store.hpp"
#include "seam/scoped_lock.hpp"
#include "impl/telemetry_emitter.hpp"
#include "seam/thread_annotations.hpp"

namespace doublecheck {

// The RC-004 fix: one module-level mutex; inside it the emitter is created only while the global
// is still empty, so the first call wins (P4). get() reads under the same mutex: in C++ a plain
// read racing with the initialising write is a data race (P5), unlike in Python. The pointer is
// read once: every access in the section is one the fix needs (dc_model --mutate cuts the section
// at each access and moves each out of it, and every such mutant must break a property).
template <class Sync, class Emitter>
class MutexInit {
 public:
  template <class Make>
  Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    const ScopedLock guard(mutex_);
    Emitter* current = instance_.load();
    if (current == nullptr) {
      current = store.adopt(make());
      instance_.store(current);
    }
    return *current;
  }

  Emitter* get() {
    const ScopedLock guard(mutex_);
    return instance_.load();
  }

 private:
  typename Sync::Mutex mutex_{"global.init_mutex"};
  typename Sync::template Shared<Emitter*> instance_ DC_GUARDED_BY(mutex_){nullptr,
                                                                           "global.instance"};
};

template <class Sync, template <class, class> class Init = MutexInit, class Locking = LockedMetrics>
class BasicGlobalTelemetry {
 public:
  using Emitter = BasicTelemetryEmitter<Sync, Locking>;
  using Factory =
      std::function<std::unique_ptr<Emitter>(bool enabled, const std::filesystem::path& dir)>;

  // `make` builds an emitter for a winning init() (default: a file-writing emitter).
  explicit BasicGlobalTelemetry(Factory make = default_factory())
      : make_(std::move(make)), state_(std::make_unique<State>()) {}

  // The global emitter, created by the first call with that call's configuration; later calls
  // return the same instance and ignore their arguments. Throws as the emitter's constructor does
  // (an empty output_dir is std::invalid_argument), leaving the global empty.
  Emitter& init(bool enabled, const std::filesystem::path& output_dir) {
    return state_->init.init(state_->store, [&] { return make_(enabled, output_dir); });
  }

  // The global emitter, or null before the first init().
  Emitter* get() { return state_->init.get(); }

  // Emitters the strategy kept since the last reset. P4 is about emitters *constructed*, which
  // this cannot see (a strategy may build one per caller and keep the first): the tests count the
  // factory's runs instead (reset_for_testing).
  std::size_t adopted() { return state_->store.size(); }

  // Forgets the global and destroys the emitters it made; later init()s build with `make`. For
  // tests only: it must not run concurrently with init() or get(), and references handed out
  // before it dangle after it.
  void reset_for_testing(Factory make = default_factory()) {
    state_ = std::make_unique<State>();
    make_ = std::move(make);
  }

  // The factory init() uses by default: a file-writing emitter.
  static Factory default_factory() {
    return [](bool enabled, const std::filesystem::path& dir) {
      return std::make_unique<Emitter>(enabled, dir);
    };
  }

 private:
  struct State {
    EmitterStore<Sync, Emitter> store;  // declared first: outlives the pointers in `init`
    Init<Sync, Emitter> init;
  };

  Factory make_;                  // replaced only by reset_for_testing()
  std::unique_ptr<State> state_;  // replaced only by reset_for_testing()
};

}  // namespace doublecheck
