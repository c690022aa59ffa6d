// libFuzzer target for the event formatter (impl/event_format.hpp), built in the asan preset with
// -fsanitize=fuzzer,address,undefined (tests/fuzz/CMakeLists.txt; scripts/fuzz runs it longer).
//
// An input is fields separated by the byte 0x1E (ASCII record separator), missing ones empty:
//
//   tool RS status RS error RS session_id RS version RS protocol_version RS reason RS numbers RS
//   metadata
//
// The seven strings are bytes as they are (any byte but 0x1E: ill-formed UTF-8, control
// characters, quotes). `numbers` is up to six decimal integers separated by spaces: duration_ms,
// bytes_in, bytes_out, tool_calls, errors and the time in nanoseconds since the epoch (missing or
// malformed ones are 0). `metadata` is the rest of the input, 0x1E included, parsed by nlohmann
// without exceptions; it is the metadata and the client_info when it is an object no deeper than
// kMaxJsonDepth (the emitter refuses anything else before formatting), with the raw `error` string
// added as its member "raw" when it is not empty, so ill-formed UTF-8 reaches nlohmann's dump too.
//
// Every line of the four format_* functions must: end in '\n' and hold no other raw newline, parse
// with nlohmann's strict parser (so it is valid UTF-8), and give back every field: each string as
// nlohmann's own serializer repairs it (each ill-formed subpart one U+FFFD), every number, the
// metadata, the timestamp (checked against std::chrono's calendar). append_json_string must also
// write each string byte for byte as nlohmann's dump does (its header's promise). A violation
// prints "format_fuzzer: property violated: <what>" and the line, and aborts: libFuzzer saves the
// input as a crash artifact.
//
// With DC_FUZZ_PLANTED_BUG (the negative control, dc_format_fuzzer_planted) the tool_call line is
// passed through a planted bug before the checks: a newline in the tool name written raw, the kind
// of mistake the checks exist for. The committed corpus has a tool name with a newline, so the
// control must fail on its very first pass over the corpus.
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "impl/event_format.hpp"
#include "impl/json_limits.hpp"

namespace doublecheck {
namespace {

constexpr char kSeparator = '\x1E';

struct Input {
  std::string_view tool, status, error, session_id, version, protocol_version, reason;
  std::array<std::int64_t, 6> numbers{};  // duration_ms bytes_in bytes_out tool_calls errors ns
  std::string_view metadata;
};

// The next field of `rest` up to the separator (consumed), or all of it when there is none. A
// missing field is std::string_view(), whose data() is null: valid input to the emitter, which
// once handed that null to memcpy (found by this target on its empty input).
std::string_view next_field(std::string_view& rest) {
  if (rest.empty()) return {};
  const std::size_t end = rest.find(kSeparator);
  const std::string_view field = rest.substr(0, end);
  rest = rest.substr(end == std::string_view::npos ? rest.size() : end + 1);
  return field;
}

Input decode(std::string_view bytes) {
  Input in;
  for (std::string_view* field : {&in.tool, &in.status, &in.error, &in.session_id, &in.version,
                                  &in.protocol_version, &in.reason}) {
    *field = next_field(bytes);
  }
  std::string_view numbers = next_field(bytes);
  for (std::int64_t& number : in.numbers) {
    while (!numbers.empty() && numbers.front() == ' ') numbers.remove_prefix(1);
    const std::size_t end = std::min(numbers.find(' '), numbers.size());
    const auto parsed = std::from_chars(numbers.data(), numbers.data() + end, number);
    if (parsed.ec != std::errc() || parsed.ptr != numbers.data() + end) number = 0;
    numbers.remove_prefix(end);
  }
  in.metadata = bytes;
  return in;
}

[[noreturn]] void violated(std::string_view what, std::string_view line) {
  std::fprintf(stderr, "format_fuzzer: property violated: %.*s\n  line: %.*s\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(line.size()),
               line.data());
  std::abort();
}

// nlohmann's own serialization of `text` (the replace handler: each ill-formed subpart one
// U+FFFD), the reference append_json_string promises to match byte for byte.
std::string nlohmann_string(std::string_view text) {
  return Json(std::string(text)).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// `text` as a line must give it back: nlohmann's repair of it.
std::string repaired(std::string_view text) {
  return Json::parse(nlohmann_string(text)).get<std::string>();
}

// "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" from the calendar of std::chrono: whole microseconds toward
// zero, the day floored (impl/json_text.hpp's contract).
std::string expected_timestamp(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto micros = duration_cast<microseconds>(time.time_since_epoch());
  const auto day = floor<days>(micros);
  const year_month_day date{sys_days{day}};
  const hh_mm_ss<microseconds> clock{micros - day};
  std::array<char, 48> text{};
  const int length = std::snprintf(
      text.data(), text.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%06lld+00:00", int{date.year()},
      unsigned{date.month()}, unsigned{date.day()}, static_cast<int>(clock.hours().count()),
      static_cast<int>(clock.minutes().count()), static_cast<int>(clock.seconds().count()),
      static_cast<long long>(clock.subseconds().count()));
  return {text.data(), static_cast<std::size_t>(length)};
}

// The metadata (and client_info) the emitter would hand the formatter, or null.
Json metadata_of(const Input& in) {
  Json metadata = Json::parse(in.metadata, nullptr, /*allow_exceptions=*/false);
  if (!metadata.is_object() || nests_deeper_than(metadata, kMaxJsonDepth)) return {};
  if (!metadata.empty() && !in.error.empty()) metadata["raw"] = std::string(in.error);
  return metadata;
}

#ifdef DC_FUZZ_PLANTED_BUG
// The planted bug: the tool name's newline written raw, as a formatter that forgot that escape
// would (the first "\n" escape of the line unescaped).
std::string planted(std::string line, std::string_view tool) {
  const std::size_t escape = line.find("\\n");
  if (tool.find('\n') != std::string_view::npos && escape != std::string::npos)
    line.replace(escape, 2, "\n");
  return line;
}
#endif

class LineCheck {
 public:
  LineCheck(std::string_view name, std::string line, const EventHeader& header)
      : line_(std::move(line)) {
    if (line_.empty() || line_.back() != '\n') violated("the line does not end in '\\n'", line_);
    if (line_.find('\n') != line_.size() - 1)
      violated("a raw newline before the end of the line", line_);
    event_ = Json::parse(line_, nullptr, /*allow_exceptions=*/false);
    if (event_.is_discarded()) violated("the line does not parse (strictly, as UTF-8)", line_);
    if (!event_.is_object()) violated("the line is not a JSON object", line_);
    string("event", name);
    string("session_id", header.session_id);
    number("timestamp_ms",
           std::chrono::floor<std::chrono::milliseconds>(header.time.time_since_epoch()).count());
    if (event_.value("timestamp", "") != expected_timestamp(header.time))
      violated("timestamp is not " + expected_timestamp(header.time), line_);
  }

  // `key` holds `text` as nlohmann repairs it.
  void string(std::string_view key, std::string_view text) const {
    const auto field = event_.find(key);
    if (field == event_.end() || !field->is_string() || *field != repaired(text))
      violated(std::string(key) + " is missing or not its string, repaired", line_);
  }
  void number(std::string_view key, std::int64_t value) const {
    const auto field = event_.find(key);
    if (field == event_.end() || !field->is_number_integer() || field->get<std::int64_t>() != value)
      violated(std::string(key) + " is missing or not " + std::to_string(value), line_);
  }
  // `key` holds `value` (as its dump repairs it), or is absent when `value` is empty.
  void json(std::string_view key, const Json& value) const {
    const auto field = event_.find(key);
    if (value.empty()) {
      if (field != event_.end()) violated(std::string(key) + " is written though empty", line_);
      return;
    }
    const Json expected = Json::parse(value.dump(-1, ' ', false, Json::error_handler_t::replace));
    if (field == event_.end() || *field != expected)
      violated(std::string(key) + " is missing or not the value given", line_);
  }
  [[nodiscard]] const Json& event() const { return event_; }
  [[nodiscard]] const std::string& line() const { return line_; }

 private:
  std::string line_;
  Json event_;
};

void check(const Input& in) {
  for (const std::string_view text :
       {in.tool, in.status, in.error, in.session_id, in.version, in.protocol_version, in.reason}) {
    std::string ours;
    append_json_string(ours, text);
    if (ours != nlohmann_string(text))
      violated("append_json_string differs from nlohmann's dump: " + nlohmann_string(text), ours);
  }

  const auto [duration_ms, bytes_in, bytes_out, tool_calls, errors, nanoseconds] = in.numbers;
  const EventHeader header{in.session_id,
                           std::chrono::system_clock::time_point(
                               std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                   std::chrono::nanoseconds(nanoseconds)))};
  const Json metadata = metadata_of(in);

  const ToolCall call{in.tool, in.status, duration_ms, bytes_in, bytes_out, in.error, &metadata};
  std::string tool_line = format_tool_call(header, call);
#ifdef DC_FUZZ_PLANTED_BUG
  tool_line = planted(std::move(tool_line), in.tool);
#endif
  const LineCheck tool_call("tool_call", std::move(tool_line), header);
  tool_call.string("tool", in.tool);
  tool_call.string("status", in.status);
  tool_call.number("duration_ms", duration_ms);
  tool_call.number("bytes_in", bytes_in);
  tool_call.number("bytes_out", bytes_out);
  if (in.error.empty()) {
    if (tool_call.event().contains("error"))
      violated("error is written though empty", tool_call.line());
  } else {
    tool_call.string("error", in.error);
  }
  tool_call.json("metadata", metadata);

  const LineCheck start("server_start",
                        format_server_start(header, in.version, in.protocol_version), header);
  start.string("version", in.version);
  start.string("protocol_version", in.protocol_version);

  const Metrics metrics{tool_calls, bytes_in, bytes_out, duration_ms, errors};
  const LineCheck stop("server_stop", format_server_stop(header, in.reason, metrics), header);
  stop.string("reason", in.reason);
  const Json expected_metrics = {{"tool_calls", tool_calls},
                                 {"total_bytes_in", bytes_in},
                                 {"total_bytes_out", bytes_out},
                                 {"total_duration_ms", duration_ms},
                                 {"errors", errors}};
  if (stop.event().value("metrics", Json()) != expected_metrics)
    violated("metrics are not the five given", stop.line());

  const bool success = (tool_calls & 1) != 0;
  const LineCheck handshake("handshake", format_handshake(header, duration_ms, success, metadata),
                            header);
  handshake.number("duration_ms", duration_ms);
  if (handshake.event().value("success", !success) != success)
    violated("success is not the value given", handshake.line());
  handshake.json("client_info", metadata);
}

}  // namespace
}  // namespace doublecheck

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // libFuzzer hands bytes; the fields are text of any bytes (and a real pointer when empty).
  const char* const bytes = size == 0 ? "" : reinterpret_cast<const char*>(data);
  doublecheck::check(doublecheck::decode({bytes, size}));
  return 0;
}
