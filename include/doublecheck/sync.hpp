// doublecheck's seam, for the code under test: write a class against a `Sync` policy and it
// builds with StdSync (production: std::mutex, std::atomic, plain data) or, in a model, with
// ModelSync (<doublecheck/model.hpp>). Clang's thread-safety annotations (DC_GUARDED_BY, ...) come
// with it.
#pragma once

#include "seam/scoped_lock.hpp"
#include "seam/source_loc.hpp"
#include "seam/std_sync.hpp"
#include "seam/thread_annotations.hpp"
