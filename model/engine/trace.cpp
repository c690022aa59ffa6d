#include "model/engine/trace.hpp"

#include <algorithm>

#include "model/engine/failure.hpp"

namespace doublecheck::model {
namespace {

constexpr std::size_t kColumnWidth = 46;

std::string fit(std::string text, std::size_t width) {
  if (text.size() > width) {
    text.resize(width - 1);
    text += "~";
  }
  text.append(width - text.size(), ' ');
  return text;
}

}  // namespace

std::string describe(const TraceEvent& event) {
  std::string cell(op_name(event.kind));
  if (!event.object.empty()) cell += " " + event.object;
  if (!event.detail.empty()) cell += " " + event.detail;
  if (event.loc.line != 0) cell += "  " + location_text(event.loc);
  return cell;
}

std::vector<TraceEvent> Trace::events() const {
  if (ring_.size() < kMaxEvents) return ring_;
  std::vector<TraceEvent> ordered;
  ordered.reserve(ring_.size());
  const std::size_t oldest = (next_row_ - 1) % kMaxEvents;
  for (std::size_t i = 0; i < ring_.size(); ++i)
    ordered.push_back(ring_[(oldest + i) % kMaxEvents]);
  return ordered;
}

std::string Trace::render(std::uint32_t thread_count) const {
  const std::vector<TraceEvent> kept = events();
  std::string out = "  step   ";
  for (ThreadId t = 0; t < thread_count; ++t) {
    out += fit(t == 0 ? "T0 (main)" : "T" + std::to_string(t), kColumnWidth);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out += "\n";
  if (!kept.empty() && kept.front().row > 1) {
    out += "   ... " + std::to_string(kept.front().row - 1) + " earlier steps not shown\n";
  }
  for (const TraceEvent& event : kept) {
    std::string row = event.highlight ? ">> " : "   ";
    std::string number = std::to_string(event.row);
    row += std::string(number.size() < 4 ? 4 - number.size() : 0, ' ') + number;
    row += event.preemption ? " ~ " : "   ";
    row += std::string(event.thread * kColumnWidth, ' ');
    row += describe(event);
    out += row + "\n";
  }
  out += "  (one column per thread; >> marks the accesses the failure is about, ~ a preemption)\n";
  return out;
}

}  // namespace doublecheck::model
