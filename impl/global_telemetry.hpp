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
#include "impl/scoped_lock.hpp"
#include "impl/telemetry_emitter.hpp"
#include "impl/thread_annotations.hpp"

namespace doublecheck {

// The RC-004 fix: one module-level mutex; inside it the emitter is created only while the global
// is still empty, so the first call wins (P4). get() reads under the same mutex: in C++ a plain
// read racing with the initialising write is a data race (P5), unlike in Python.
template <class Sync, class Emitter>
class MutexInit {
 public:
  template <class Make>
  Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    const ScopedLock guard(mutex_);
    if (instance_.load() == nullptr) instance_.store(store.adopt(make()));
    return *instance_.load();
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

  // Emitters constructed since the last reset (exactly one after any number of init()s: P4).
  std::size_t constructed() { return state_->store.size(); }

  // Forgets the global and destroys the emitters it made. For tests only: it must not run
  // concurrently with init() or get(), and references handed out before it dangle after it.
  void reset_for_testing() { state_ = std::make_unique<State>(); }

 private:
  struct State {
    EmitterStore<Sync, Emitter> store;  // declared first: outlives the pointers in `init`
    Init<Sync, Emitter> init;
  };

  static Factory default_factory() {
    return [](bool enabled, const std::filesystem::path& dir) {
      return std::make_unique<Emitter>(enabled, dir);
    };
  }

  Factory make_;                  // immutable after construction
  std::unique_ptr<State> state_;  // replaced only by reset_for_testing()
};

}  // namespace doublecheck
