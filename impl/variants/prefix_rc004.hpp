// Pre-fix RC-004: init_telemetry() builds a new emitter and replaces the global on every call, with
// no lock. Concurrent callers get different instances (P4) and race on the global pointer (P6).
#pragma once

#include "impl/emitter_store.hpp"

namespace doublecheck::variants {

template <class Sync, class Emitter>
class ReplaceEveryCall {
 public:
  template <class Make>
  Emitter& init(EmitterStore<Sync, Emitter>& store, Make&& make) {
    // The store keeps replaced instances alive (as the Python garbage collector did); its mutex
    // is taken before the racy store below, so it orders nothing that matters here.
    Emitter* fresh = store.adopt(make());
    instance_.store(fresh);    // racy write of the global
    return *instance_.load();  // may already be another caller's instance
  }

  Emitter* get() { return instance_.load(); }  // racy read of the global

 private:
  typename Sync::template Shared<Emitter*> instance_{nullptr, "global.instance"};
};

}  // namespace doublecheck::variants
