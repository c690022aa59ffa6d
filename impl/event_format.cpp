#include "impl/event_format.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "impl/json_text.hpp"

namespace doublecheck {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// The UTF-8 sequence that starts at text[at], a byte >= 0x80: how many bytes it spans and whether
// it is well-formed (Unicode, table 3-7). An ill-formed one spans its maximal subpart: the lead
// byte and the continuation bytes that still fit it, at least one byte. That is where nlohmann's
// decoder (a Hoehrmann DFA) rejects, and what its replace handler turns into one U+FFFD before
// it reads the rejected byte again.
struct Utf8Sequence {
  std::size_t length;
  bool well_formed;
};

Utf8Sequence utf8_sequence_at(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t continuations = 0;
  unsigned char low = 0x80;  // the range of the first continuation byte
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuations = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    continuations = 2;
    if (lead == 0xE0) low = 0xA0;   // no overlong 3-byte forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    continuations = 3;
    if (lead == 0xF0) low = 0x90;   // no overlong 4-byte forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return {1, false};  // a continuation byte, C0, C1 or F5..FF: never a lead
  }
  for (std::size_t k = 1; k <= continuations; ++k) {
    if (at + k >= text.size()) return {k, false};  // cut short by the end of the text
    const auto byte = static_cast<unsigned char>(text[at + k]);
    if (byte < low || byte > high) return {k, false};
    low = 0x80;
    high = 0xBF;
  }
  return {continuations + 1, true};
}

// A byte JSON writes as it is: printable ASCII (DEL included) but `"` and `\`.
constexpr bool is_plain(unsigned char byte) {
  return byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\';
}

// The bytes of an 8-byte block (little-endian: byte k in bits 8k..8k+7) that are not plain, each
// flagged by its top bit: >= 0x80, < 0x20 (x - 0x20 borrows), `"` or `\` (x ^ c is zero, and
// zero - 1 borrows). A borrow can also flag the byte above a flagged one, never one below, so
// the lowest flag is exact: the first byte that is not plain.
constexpr std::uint64_t not_plain_bytes(std::uint64_t block) {
  constexpr std::uint64_t kOnes = 0x0101010101010101U;
  constexpr std::uint64_t kTops = 0x8080808080808080U;
  const auto zero_bytes = [](std::uint64_t x) { return (x - kOnes) & ~x & kTops; };
  const std::uint64_t below_space = (block - kOnes * 0x20) & ~block & kTops;
  return (block & kTops) | below_space | zero_bytes(block ^ (kOnes * '"')) |
         zero_bytes(block ^ (kOnes * '\\'));
}

// The first byte of text[at, size) that is not plain, or text.size(): 8 bytes per step, then one
// by one (plain bytes are nearly all of a line, and were a fifth of its formatting byte by byte).
std::size_t skip_plain(std::string_view text, std::size_t at) {
  if constexpr (std::endian::native == std::endian::little) {
    for (; text.size() - at >= 8; at += 8) {
      std::uint64_t block = 0;
      std::memcpy(&block, text.data() + at, sizeof block);
      if (const std::uint64_t flags = not_plain_bytes(block); flags != 0)
        return at + static_cast<std::size_t>(std::countr_zero(flags)) / 8;
    }
  }
  while (at < text.size() && is_plain(static_cast<unsigned char>(text[at]))) ++at;
  return at;
}

// An ASCII byte that JSON does not allow as it is: `"`, `\` or a control character.
void append_escape(std::string& out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (byte) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      out += "\\u00";
      out += kHex[byte >> 4U];
      out += kHex[byte & 0xFU];
  }
}

// A name of the schema (an event's or a field's) as the line spells it around the name, made at
// compile time: the names are fixed, so no code quotes or separates them at run time (keys were a
// fifth of a line's formatting, issue 14). A name JSON would have to escape does not compile.
template <std::size_t N>  // N: the literal's size, its '\0' included
struct SchemaText {
  // `before` + name + `after`, where `before` and `after` are the same for every name of a kind.
  consteval SchemaText(const char (&name)[N], std::string_view before, std::string_view after) {
    std::size_t at = 0;
    for (const char c : before) text[at++] = c;
    for (std::size_t i = 0; i + 1 < N; ++i) {
      const auto byte = static_cast<unsigned char>(name[i]);
      if (byte < 0x20 || byte >= 0x7F || byte == '"' || byte == '\\')
        throw "a schema name is plain ASCII: JSON writes it as it is";  // a compile error
      text[at++] = name[i];
    }
    for (const char c : after) text[at++] = c;
    size = at;
  }
  [[nodiscard]] constexpr std::string_view view() const { return {text.data(), size}; }

  std::array<char, N + 32> text{};  // room for the longest `before` and `after`
  std::size_t size = 0;
};

// `,"name":`, what a field's value follows in the line (the first field of an object leaves the
// comma out: Place::kFirst).
template <std::size_t N>
struct Key : SchemaText<N> {
  // NOLINTNEXTLINE(google-explicit-constructor,hicpp-explicit-conversions): written as a literal
  consteval Key(const char (&name)[N]) : SchemaText<N>(name, R"(,")", R"(":)") {}
};

// `{"event":"name","session_id":`, how every line of the event starts.
template <std::size_t N>
struct EventStart : SchemaText<N> {
  // NOLINTNEXTLINE(google-explicit-constructor,hicpp-explicit-conversions): written as a literal
  consteval EventStart(const char (&name)[N])
      : SchemaText<N>(name, R"({"event":")", R"(","session_id":)") {}
};

// Whether a field is the first of its object (no comma before it).
enum class Place { kAfterAnother, kFirst };

// One event line, written field by field in the golden file's key order. Fields are named by
// template arguments (`line.string_field<"tool">(...)`), so each name's text is a constant.
//
// The pieces are written into room made at the end of the string (room()), each a memcpy or a
// few digits, instead of one std::string append each: the appends' calls were half of what was
// left of a line's formatting once the timestamp and the keys were cheap (issue 14). `line_`
// holds the text in [0, used_) and room after it; finish() cuts it to the text.
class LineBuilder {
 public:
  template <EventStart Event>
  static LineBuilder start(const EventHeader& header, std::size_t text_size) {
    LineBuilder line(text_size);
    line.put_name<Event>();
    line.string(header.session_id);
    line.put(R"(,"timestamp":")");
    line.advance_to(write_iso8601_utc(line.room(kIso8601MaxSize), header.time));
    line.put(R"(","timestamp_ms":)");
    line.number(epoch_ms(header.time));
    return line;
  }

  template <Key Name>
  void string_field(std::string_view value) {
    put_name<Name>();
    string(value);
  }

  template <Key Name, Place Where = Place::kAfterAnother>
  void number_field(std::int64_t value) {
    put_name<Name, Where>();
    number(value);
  }

  template <Key Name>
  void bool_field(bool value) {
    put_name<Name>();
    if (value) {
      put("true");
    } else {
      put("false");
    }
  }

  // A caller's object, dumped by nlohmann with the flags the whole line used to be dumped with.
  template <Key Name>
  void json_field(const Json& value) {
    put_name<Name>();
    line_.resize(used_);
    line_ += value.dump(-1, ' ', false, Json::error_handler_t::replace);
    used_ = line_.size();
  }

  // An object's first field follows with Place::kFirst.
  template <Key Name>
  void begin_object() {
    put_name<Name>();
    put("{");
  }
  void end_object() { put("}"); }

  std::string finish() && {
    put("}\n");
    line_.resize(used_);
    return std::move(line_);
  }

 private:
  // Room made at a time: the longest event's fixed part (tool_call with large numbers) and more.
  static constexpr std::size_t kRoom = 384;

  explicit LineBuilder(std::size_t text_size) { line_.resize(kRoom + text_size); }

  // Where `size` more characters can be written; good until the next call.
  char* room(std::size_t size) {
    if (line_.size() - used_ < size) line_.resize(used_ + size + kRoom);
    return line_.data() + used_;
  }
  void advance_to(const char* end) { used_ = static_cast<std::size_t>(end - line_.data()); }

  // A literal or a schema name (a Key or an EventStart, without its comma for Place::kFirst): a
  // template each, so that the size is a constant and the memcpy a few moves.
  template <std::size_t N>
  void put(const char (&literal)[N]) {
    std::memcpy(room(N - 1), literal, N - 1);
    used_ += N - 1;
  }
  template <auto Name, Place Where = Place::kAfterAnother>
  void put_name() {
    constexpr std::string_view text = Where == Place::kFirst ? Name.view().substr(1) : Name.view();
    std::memcpy(room(text.size()), text.data(), text.size());
    used_ += text.size();
  }

  void number(std::int64_t value) { advance_to(write_decimal(room(kDecimalMaxSize), value)); }

  // A JSON string: quoted as it is when every byte is plain (the schema's own strings), else by
  // append_json_string.
  void string(std::string_view text) {
    if (skip_plain(text, 0) == text.size()) {
      char* const at = room(text.size() + 2);
      at[0] = '"';
      // An empty view may have a null data(): memcpy of it is undefined even for 0 bytes.
      if (!text.empty()) std::memcpy(at + 1, text.data(), text.size());
      at[text.size() + 1] = '"';
      used_ += text.size() + 2;
      return;
    }
    line_.resize(used_);
    append_json_string(line_, text);
    used_ = line_.size();
  }

  std::string line_;
  std::size_t used_ = 0;
};

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t copied = 0;  // text[copied, at) is waiting to be copied as it is
  std::size_t at = 0;
  while ((at = skip_plain(text, at)) < text.size()) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x80) {
      const Utf8Sequence sequence = utf8_sequence_at(text, at);
      if (sequence.well_formed) {
        at += sequence.length;
        continue;
      }
      out.append(text, copied, at - copied);
      out += kReplacementCharacter;
      at += sequence.length;
    } else {
      out.append(text, copied, at - copied);
      append_escape(out, byte);
      ++at;
    }
    copied = at;
  }
  out.append(text, copied);
  out += '"';
}

std::string format_tool_call(const EventHeader& header, const ToolCall& call) {
  auto line = LineBuilder::start<"tool_call">(
      header, header.session_id.size() + call.tool.size() + call.status.size() + call.error.size());
  line.string_field<"tool">(call.tool);
  line.string_field<"status">(call.status);
  line.number_field<"duration_ms">(call.duration_ms);
  line.number_field<"bytes_in">(call.bytes_in);
  line.number_field<"bytes_out">(call.bytes_out);
  if (!call.error.empty()) line.string_field<"error">(call.error);
  if (call.metadata != nullptr && !call.metadata->empty())
    line.json_field<"metadata">(*call.metadata);
  return std::move(line).finish();
}

std::string format_server_start(const EventHeader& header, std::string_view version,
                                std::string_view protocol_version) {
  auto line = LineBuilder::start<"server_start">(
      header, header.session_id.size() + version.size() + protocol_version.size());
  line.string_field<"version">(version);
  line.string_field<"protocol_version">(protocol_version);
  return std::move(line).finish();
}

std::string format_server_stop(const EventHeader& header, std::string_view reason,
                               const Metrics& metrics) {
  auto line = LineBuilder::start<"server_stop">(header, header.session_id.size() + reason.size());
  line.string_field<"reason">(reason);
  line.begin_object<"metrics">();
  line.number_field<"tool_calls", Place::kFirst>(metrics.tool_calls);
  line.number_field<"total_bytes_in">(metrics.total_bytes_in);
  line.number_field<"total_bytes_out">(metrics.total_bytes_out);
  line.number_field<"total_duration_ms">(metrics.total_duration_ms);
  line.number_field<"errors">(metrics.errors);
  line.end_object();
  return std::move(line).finish();
}

std::string format_handshake(const EventHeader& header, std::int64_t duration_ms, bool success,
                             const Json& client_info) {
  auto line = LineBuilder::start<"handshake">(header, header.session_id.size());
  line.number_field<"duration_ms">(duration_ms);
  line.bool_field<"success">(success);
  if (!client_info.empty()) line.json_field<"client_info">(client_info);
  return std::move(line).finish();
}

}  // namespace doublecheck
