// The payload preview of the original: at most 4096 bytes kept whole, longer cut to 2048 bytes
// plus "... [TRUNCATED: <N> bytes total]", never inside a UTF-8 character.
#include <gtest/gtest.h>

#include <string>

#include "impl/json_text.hpp"
#include "impl/telemetry_emitter.hpp"

namespace doublecheck {
namespace {

std::string suffix(std::size_t total) {
  return "... [TRUNCATED: " + std::to_string(total) + " bytes total]";
}

// True when `text` is well-formed UTF-8 (the strict JSON serializer throws otherwise).
bool is_valid_utf8(const std::string& text) {
  try {
    (void)Json(text).dump();
    return true;
  } catch (const Json::type_error&) {
    return false;
  }
}

// `prefix_ascii` ASCII bytes, then `character`, then ASCII up to `total` bytes.
std::string with_character_at(std::size_t prefix_ascii, const std::string& character,
                              std::size_t total) {
  std::string text(prefix_ascii, 'a');
  text += character;
  text.append(total - text.size(), 'z');
  return text;
}

TEST(PayloadPreview, KeepsAPayloadOfExactly4096BytesWhole) {
  const std::string payload(4096, 'x');
  EXPECT_EQ(payload_preview(payload), payload);
  EXPECT_EQ(payload_preview("{}"), "{}");
  EXPECT_EQ(payload_preview(""), "");
}

TEST(PayloadPreview, CutsA4097BytePayloadTo2048BytesAndTheTotal) {
  const std::string payload = std::string(2048, 'k') + std::string(2049, 'd');
  EXPECT_EQ(payload_preview(payload), std::string(2048, 'k') + suffix(4097));
}

TEST(PayloadPreview, NeverSplitsAMultibyteCharacterAcrossTheCut) {
  struct Case {
    std::size_t prefix;
    std::string character;
    std::size_t kept;  // bytes of the payload kept before the suffix
  };
  const std::string two = "\xC3\xA9";
  const std::string three = "\xE4\xB8\xAD";
  const std::string four = "\xF0\x9F\x98\x80";
  const Case cases[] = {
      {2047, two, 2047},    // é would straddle 2048: dropped whole
      {2046, two, 2048},    // é ends exactly at 2048: kept
      {2046, three, 2046},  // 中 straddles
      {2047, three, 2047},  // 中 starts at the last kept byte
      {2045, three, 2048},  // 中 ends exactly at 2048
      {2045, four, 2045},   // 😀 straddles by one byte
      {2047, four, 2047},   // 😀 starts at the last kept byte
      {2044, four, 2048},   // 😀 ends exactly at 2048
  };
  for (const auto& c : cases) {
    const std::string payload = with_character_at(c.prefix, c.character, 5000);
    const std::string preview = payload_preview(payload);
    EXPECT_EQ(preview, payload.substr(0, c.kept) + suffix(5000))
        << "character of " << c.character.size() << " bytes at offset " << c.prefix;
    EXPECT_TRUE(is_valid_utf8(preview)) << "preview is not valid UTF-8, character of "
                                        << c.character.size() << " bytes at " << c.prefix;
  }
}

TEST(PayloadPreview, OfAllMultibyteTextStaysValidUtf8) {
  std::string payload;
  while (payload.size() < 9000) payload += "\xE4\xB8\xAD";  // 中 repeated: 2048 is mid-character
  const std::string preview = payload_preview(payload);
  EXPECT_TRUE(is_valid_utf8(preview));
  EXPECT_EQ(preview, payload.substr(0, 2046) + suffix(payload.size()));
}

}  // namespace
}  // namespace doublecheck
