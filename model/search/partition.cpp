#include "model/search/partition.hpp"

namespace doublecheck::model {

bool SubtreeOwner::owns(const std::string& key) const {
  if (count_ > 1) {
    // FNV-1a: the same subtree goes to the same shard on every machine.
    std::uint64_t hash = 1469598103934665603ULL;
    for (const char c : key) hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    if (hash % count_ != index_) return false;
  }
  return !claim_ || claim_(key);
}

bool PartitionedScheduler::mine() {
  // The subtree's key is the replay token of the choices that lead to it.
  const std::string key = schedule_token(MemoryModel::kRc11, prefix_);
  if (owned_.contains(key)) return true;
  if (foreign_.contains(key)) return false;
  const bool ours = owner_.owns(key);
  (ours ? owned_ : foreign_).insert(key);
  return ours;
}

Pick PartitionedScheduler::pick(const Choice& choice) {
  if (prefix_.size() == depth_ && !mine()) return {Pick::Kind::kRedundant, 0};
  const Pick pick = inner_.pick(choice);
  if (pick.kind == Pick::Kind::kRun && prefix_.size() < depth_) {
    prefix_.push_back(ScheduleChoice::thread(pick.thread));
  }
  return pick;
}

// A value choice above the split is part of the subtree's key as a thread's is: two subtrees that
// differ only in what a load read are different parts.
Pick PartitionedScheduler::choose_value(std::uint32_t options) {
  if (prefix_.size() == depth_ && !mine()) return {Pick::Kind::kRedundant, 0};
  const Pick chosen = inner_.choose_value(options);
  if (chosen.kind == Pick::Kind::kRun && prefix_.size() < depth_) {
    prefix_.push_back(ScheduleChoice::alternative(chosen.thread));
  }
  return chosen;
}

}  // namespace doublecheck::model
