// Source files as a person reads them: relative to the source root of the program that runs the
// models. The engine knows no source tree of its own; the runner says where its sources are
// (`--source-root`, model/catalogue/cli.hpp), and every report, expectation and mutation site names
// a file by its path under that root ("impl/telemetry_emitter.hpp"). A file outside the root (a
// system header, or no root set) keeps the path the compiler gave it.
#pragma once

#include <string>
#include <string_view>

#include "seam/source_loc.hpp"

namespace doublecheck::model {

// Set once, before any exploration starts (the explorer's worker threads only read it). `root` is
// an absolute directory; a trailing '/' is ignored; empty means no root.
void set_source_root(std::string root);
[[nodiscard]] const std::string& source_root();

// `file` relative to the root when it lies under it, else `file` itself. A view into `file`: no
// allocation, so the mutation hooks may call it on every operation.
[[nodiscard]] std::string_view relative_path(std::string_view file);

// "impl/telemetry_emitter.hpp:171"; "?" for an unknown location (line 0).
[[nodiscard]] std::string location_text(const SourceLoc& loc);

}  // namespace doublecheck::model
