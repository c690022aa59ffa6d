#include "model/engine/source_path.hpp"

#include <utility>

namespace doublecheck::model {
namespace {

// The root with one trailing '/', so a prefix test also checks the directory boundary.
std::string& root_with_slash() {
  static std::string root;
  return root;
}

}  // namespace

void set_source_root(std::string root) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (!root.empty()) root += '/';
  root_with_slash() = std::move(root);
}

const std::string& source_root() { return root_with_slash(); }

std::string_view relative_path(std::string_view file) {
  const std::string& root = root_with_slash();
  if (!root.empty() && file.size() > root.size() && file.substr(0, root.size()) == root) {
    file.remove_prefix(root.size());
  }
  return file;
}

std::string location_text(const SourceLoc& loc) {
  if (loc.line == 0) return "?";
  return std::string(relative_path(loc.file)) + ":" + std::to_string(loc.line);
}

}  // namespace doublecheck::model
