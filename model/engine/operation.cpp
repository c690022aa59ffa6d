#include "model/engine/operation.hpp"

#include <bit>

namespace doublecheck::model {

std::string_view op_name(OpKind kind) {
  switch (kind) {
    case OpKind::kSpawn:
      return "spawn";
    case OpKind::kJoin:
      return "join";
    case OpKind::kFinish:
      return "finish";
    case OpKind::kLock:
      return "lock";
    case OpKind::kTryLock:
      return "try_lock";
    case OpKind::kUnlock:
      return "unlock";
    case OpKind::kLoad:
      return "load";
    case OpKind::kStore:
      return "store";
    case OpKind::kRmw:
      return "rmw";
    case OpKind::kFence:
      return "fence";
    case OpKind::kYield:
      return "yield";
    case OpKind::kCallOnce:
    case OpKind::kOnceDone:
      return "call_once";
    case OpKind::kRead:
      return "read";
    case OpKind::kWrite:
      return "write";
    case OpKind::kAssume:
      return "assume";
    case OpKind::kCheck:
      return "check";
    case OpKind::kDestroy:
      return "destroy";
    case OpKind::kCrash:
      return "crash";
    case OpKind::kWait:
      return "wait";
    case OpKind::kWake:
      return "wake";
    case OpKind::kNotify:
      return "notify";
    case OpKind::kLockShared:
      return "lock_shared";
    case OpKind::kTryLockShared:
      return "try_lock_shared";
    case OpKind::kUnlockShared:
      return "unlock_shared";
    case OpKind::kSleep:
      return "wait";
  }
  return "?";
}

std::string_view order_name(std::memory_order order) {
  switch (order) {
    case std::memory_order_relaxed:
      return "relaxed";
    case std::memory_order_consume:
      return "consume";
    case std::memory_order_acquire:
      return "acquire";
    case std::memory_order_release:
      return "release";
    case std::memory_order_acq_rel:
      return "acq_rel";
    case std::memory_order_seq_cst:
      return "seq_cst";
  }
  return "?";
}

std::string holders_text(const MutexState& mutex) {
  if (mutex.owner != kNoThread) return "held by " + thread_name(mutex.owner);
  if (mutex.readers == 0) return "held by no thread";
  std::string text = "held shared by";
  const char* separator = " ";
  for (MutexState::Threads s = mutex.readers; s != 0; s &= s - 1) {
    text += separator + thread_name(static_cast<ThreadId>(std::countr_zero(s)));
    separator = ", ";
  }
  return text;
}

std::string thread_name(ThreadId t) { return "T" + std::to_string(t); }

std::string display_name(const ObjectHeader& object) {
  if (!object.name.empty()) return std::string(object.name);
  return std::string(object.kind.empty() ? "object" : object.kind) + "#" +
         std::to_string(object.id);
}

}  // namespace doublecheck::model
