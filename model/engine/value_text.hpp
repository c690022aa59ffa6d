// How the trace shows a value read or written: numbers and booleans as they are, strings quoted
// and shortened, pointers as null / non-null (never a raw address: it changes from run to run).
#pragma once

#include <concepts>
#include <filesystem>
#include <string>
#include <type_traits>

namespace doublecheck::model {

inline std::string quoted(const std::string& text) {
  constexpr std::size_t kMax = 24;
  return "\"" + (text.size() > kMax ? text.substr(0, kMax - 3) + "..." : text) + "\"";
}

template <class T>
std::string value_text(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(value);
  } else if constexpr (std::is_pointer_v<T>) {
    return value == nullptr ? "null" : "non-null";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return quoted(value);
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    return quoted(value.string());
  } else if constexpr (requires { value_text_of(value); }) {
    return value_text_of(value);  // found by argument-dependent lookup
  } else {
    return "(value)";
  }
}

}  // namespace doublecheck::model
