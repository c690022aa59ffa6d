#include "replay/schedule.hpp"

#include <charconv>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace doublecheck::replay {
namespace {

void write_place(std::ostream& out, const Place& place) { out << place.file << ':' << place.line; }

[[noreturn]] void bad(const std::string& name, std::size_t line, const std::string& what) {
  throw std::invalid_argument(name + ":" + std::to_string(line) + ": " + what);
}

// "<file>:<line>" (the file may hold ':' itself: the last one splits).
std::optional<Place> parse_place(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return {};
  Place place{std::string(text.substr(0, colon)), 0};
  const std::string_view digits = text.substr(colon + 1);
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), place.line);
  if (error != std::errc{} || end != digits.data() + digits.size()) return {};
  return place;
}

std::optional<std::uint32_t> parse_number(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return {};
  return value;
}

}  // namespace

void write_schedule(std::ostream& out, const Schedule& schedule) {
  out << "schedule " << schedule.model << '\n';
  if (!schedule.origin.empty()) out << "origin " << schedule.origin << '\n';
  out << "symptom " << (schedule.symptom ? 1 : 0) << '\n';
  if (schedule.race) {
    out << "race ";
    write_place(out, schedule.race->first);
    out << ' ';
    write_place(out, schedule.race->second);
    out << '\n';
  }
  for (const ScheduledStep& step : schedule.steps) {
    out << "step " << step.thread << ' ' << step.kind << ' ';
    write_place(out, step.place);
    out << '\n';
  }
  out << "end\n";
}

std::vector<Schedule> read_schedules(std::istream& in, const std::string& name) {
  std::vector<Schedule> schedules;
  std::optional<Schedule> open;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string word;
    words >> word;
    std::string rest;
    std::getline(words >> std::ws, rest);
    if (word == "schedule") {
      if (open) bad(name, number, "a schedule starts before the one before it ended ('end')");
      if (rest.empty()) bad(name, number, "'schedule' needs the model's name");
      open = Schedule{};
      open->model = rest;
      continue;
    }
    if (!open)
      bad(name, number,
          "'" + word + "' outside a schedule (a file starts with 'schedule <model>')");
    if (word == "origin") {
      open->origin = rest;
    } else if (word == "symptom") {
      if (rest != "0" && rest != "1") bad(name, number, "'symptom' is 0 or 1, not '" + rest + "'");
      open->symptom = rest == "1";
    } else if (word == "race") {
      std::istringstream places(rest);
      std::string first;
      std::string second;
      places >> first >> second;
      const auto a = parse_place(first);
      const auto b = parse_place(second);
      if (!a || !b) bad(name, number, "'race' needs two places <file>:<line>, got '" + rest + "'");
      open->race = std::pair{*a, *b};
    } else if (word == "step") {
      std::istringstream fields(rest);
      std::string thread;
      std::string kind;
      std::string where;
      std::string extra;
      fields >> thread >> kind >> where >> extra;
      const auto id = parse_number(thread);
      const auto place = parse_place(where);
      if (!id || kind.empty() || !place || !extra.empty()) {
        bad(name, number, "a step is 'step <thread> <kind> <file>:<line>', got '" + line + "'");
      }
      open->steps.push_back(ScheduledStep{*id, kind, *place});
    } else if (word == "end") {
      schedules.push_back(std::move(*open));
      open.reset();
    } else {
      bad(name, number, "unknown keyword '" + word + "'");
    }
  }
  if (open)
    bad(name, number, "the schedule of " + open->model + " has no 'end' (the file is cut short)");
  if (schedules.empty()) bad(name, number, "no schedule in it");
  return schedules;
}

std::vector<Schedule> read_schedule_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the schedule file " + path);
  return read_schedules(in, path);
}

bool same_file(std::string_view compiled, std::string_view relative) {
  if (compiled == relative) return true;
  return compiled.size() > relative.size() && compiled.ends_with(relative) &&
         compiled[compiled.size() - relative.size() - 1] == '/';
}

}  // namespace doublecheck::replay
