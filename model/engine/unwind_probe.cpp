#include "model/engine/unwind_probe.hpp"

#include <unwind.h>

#include <cstdint>

namespace doublecheck::model {
namespace {

// DWARF pointer encodings of the exception tables (LSB, "DWARF Extensions": DW_EH_PE_*).
constexpr std::uint8_t kOmit = 0xff;
constexpr std::uint8_t kFormatMask = 0x0f;
constexpr std::uint8_t kAbsPtr = 0x00;
constexpr std::uint8_t kUleb128 = 0x01;
constexpr std::uint8_t kUdata2 = 0x02;
constexpr std::uint8_t kUdata4 = 0x03;
constexpr std::uint8_t kUdata8 = 0x04;
constexpr std::uint8_t kSleb128 = 0x09;
constexpr std::uint8_t kSdata2 = 0x0a;
constexpr std::uint8_t kSdata4 = 0x0b;
constexpr std::uint8_t kSdata8 = 0x0c;

class Reader {
 public:
  explicit Reader(const std::uint8_t* at) : at_(at) {}
  [[nodiscard]] const std::uint8_t* at() const { return at_; }
  std::uint8_t byte() { return *at_++; }
  std::uint64_t uleb128() { return leb128(false); }
  std::int64_t sleb128() { return static_cast<std::int64_t>(leb128(true)); }
  template <class T>
  T fixed() {
    T value{};
    __builtin_memcpy(&value, at_, sizeof(T));
    at_ += sizeof(T);
    return value;
  }
  // A value in `encoding`, as the call-site table holds them (offsets: no pc-relative base).
  // False for an encoding the probe does not know.
  bool encoded(std::uint8_t encoding, std::uint64_t& value) {
    switch (encoding & kFormatMask) {
      case kAbsPtr:
        value = fixed<std::uint64_t>();
        return true;
      case kUleb128:
        value = uleb128();
        return true;
      case kUdata2:
        value = fixed<std::uint16_t>();
        return true;
      case kUdata4:
        value = fixed<std::uint32_t>();
        return true;
      case kUdata8:
        value = fixed<std::uint64_t>();
        return true;
      case kSleb128:
        value = static_cast<std::uint64_t>(sleb128());
        return true;
      case kSdata2:
        value = static_cast<std::uint64_t>(fixed<std::int16_t>());
        return true;
      case kSdata4:
        value = static_cast<std::uint64_t>(fixed<std::int32_t>());
        return true;
      case kSdata8:
        value = static_cast<std::uint64_t>(fixed<std::int64_t>());
        return true;
      default:
        return false;
    }
  }

 private:
  // A LEB128 number, its sign extended when `is_signed`.
  std::uint64_t leb128(bool is_signed) {
    std::uint64_t value = 0;
    unsigned shift = 0;
    std::uint8_t b = 0;
    do {
      b = byte();
      if (shift < 64) value |= std::uint64_t{b & 0x7fU} << shift;
      shift += 7;
    } while ((b & 0x80U) != 0);
    if (is_signed && shift < 64 && (b & 0x40U) != 0) value |= ~std::uint64_t{0} << shift;
    return value;
  }

  const std::uint8_t* at_;
};

enum class Frame : std::uint8_t { kCleanupsOnly, kStops, kUnreadable };

// What the frame's exception table says of an exception passing `ip`.
Frame classify(const std::uint8_t* lsda, std::uint64_t region_start, std::uint64_t ip) {
  Reader r(lsda);
  const std::uint8_t landing_pad_encoding = r.byte();
  if (landing_pad_encoding != kOmit) {
    std::uint64_t ignored = 0;
    if (!r.encoded(landing_pad_encoding, ignored)) return Frame::kUnreadable;
  }
  if (r.byte() != kOmit) r.uleb128();  // the type table's offset: not needed
  const std::uint8_t call_site_encoding = r.byte();
  const std::uint64_t table_length = r.uleb128();
  const std::uint8_t* const end = r.at() + table_length;
  while (r.at() < end) {
    std::uint64_t start = 0;
    std::uint64_t length = 0;
    std::uint64_t landing_pad = 0;
    if (!r.encoded(call_site_encoding, start) || !r.encoded(call_site_encoding, length) ||
        !r.encoded(call_site_encoding, landing_pad)) {
      return Frame::kUnreadable;
    }
    const std::uint64_t action = r.uleb128();
    if (ip < region_start + start) break;  // sorted: it is in no entry
    if (ip < region_start + start + length) {
      // No landing pad: passes through. A pad with no action: cleanups. An action: a catch
      // clause or an exception specification, either of which stops the exception.
      return landing_pad == 0 || action == 0 ? Frame::kCleanupsOnly : Frame::kStops;
    }
  }
  return Frame::kStops;  // not in the table: std::terminate
}

struct Walk {
  std::uint64_t entry = 0;
  bool reached = false;
  bool stopped = false;
};

_Unwind_Reason_Code visit(_Unwind_Context* context, void* argument) {
  auto& walk = *static_cast<Walk*>(argument);
  const std::uint64_t region_start = _Unwind_GetRegionStart(context);
  if (walk.entry != 0 && region_start == walk.entry) {
    walk.reached = true;
    return _URC_END_OF_STACK;
  }
  int before_instruction = 0;
  std::uint64_t ip = _Unwind_GetIPInfo(context, &before_instruction);
  if (before_instruction == 0 && ip > 0) --ip;  // the return address is past the call
  const auto* lsda = static_cast<const std::uint8_t*>(_Unwind_GetLanguageSpecificData(context));
  if (lsda == nullptr) return _URC_NO_REASON;  // no table: nothing to run, nothing stops it
  if (classify(lsda, region_start, ip) != Frame::kCleanupsOnly) {
    walk.stopped = true;
    return _URC_END_OF_STACK;
  }
  return _URC_NO_REASON;
}

}  // namespace

bool unwinds_cleanly_to(const void* entry) {
  Walk walk;
  walk.entry = reinterpret_cast<std::uint64_t>(entry);
  const _Unwind_Reason_Code end = _Unwind_Backtrace(visit, &walk);
  if (entry == nullptr) return end == _URC_END_OF_STACK && !walk.stopped;  // the whole stack
  return walk.reached && !walk.stopped;
}

}  // namespace doublecheck::model
