#include "model/engine/operation_hook.hpp"

namespace doublecheck::model {

std::string_view site_op_name(SiteOp op) {
  switch (op) {
    case SiteOp::kLock:
      return "lock";
    case SiteOp::kTryLock:
      return "try_lock";
    case SiteOp::kLoad:
      return "load";
    case SiteOp::kStore:
      return "store";
    case SiteOp::kExchange:
      return "exchange";
    case SiteOp::kCompareExchange:
      return "compare_exchange";
    case SiteOp::kFetchAdd:
      return "fetch_add";
    case SiteOp::kFetchSub:
      return "fetch_sub";
    case SiteOp::kFetchOr:
      return "fetch_or";
    case SiteOp::kFetchAnd:
      return "fetch_and";
    case SiteOp::kFetchXor:
      return "fetch_xor";
    case SiteOp::kFence:
      return "fence";
    case SiteOp::kCallOnce:
      return "call_once";
    case SiteOp::kRead:
      return "read";
    case SiteOp::kWrite:
      return "write";
    case SiteOp::kAdd:
      return "add";
    case SiteOp::kUnlock:
      return "unlock";
    case SiteOp::kLockShared:
      return "lock_shared";
    case SiteOp::kTryLockShared:
      return "try_lock_shared";
    case SiteOp::kUnlockShared:
      return "unlock_shared";
    case SiteOp::kWait:
      return "wait";
    case SiteOp::kNotify:
      return "notify";
  }
  return "?";
}

OpKind op_kind(SiteOp op) {
  switch (op) {
    case SiteOp::kLock:
      return OpKind::kLock;
    case SiteOp::kTryLock:
      return OpKind::kTryLock;
    case SiteOp::kUnlock:
      return OpKind::kUnlock;
    case SiteOp::kLockShared:
      return OpKind::kLockShared;
    case SiteOp::kTryLockShared:
      return OpKind::kTryLockShared;
    case SiteOp::kUnlockShared:
      return OpKind::kUnlockShared;
    case SiteOp::kLoad:
    case SiteOp::kWait:
      return OpKind::kLoad;
    case SiteOp::kStore:
      return OpKind::kStore;
    case SiteOp::kExchange:
    case SiteOp::kCompareExchange:
    case SiteOp::kFetchAdd:
    case SiteOp::kFetchSub:
    case SiteOp::kFetchOr:
    case SiteOp::kFetchAnd:
    case SiteOp::kFetchXor:
      return OpKind::kRmw;
    case SiteOp::kFence:
      return OpKind::kFence;
    case SiteOp::kCallOnce:
      return OpKind::kCallOnce;
    case SiteOp::kNotify:
      return OpKind::kNotify;
    case SiteOp::kRead:
      return OpKind::kRead;
    case SiteOp::kWrite:
    case SiteOp::kAdd:
      return OpKind::kWrite;
  }
  return OpKind::kYield;
}

}  // namespace doublecheck::model
