// doublecheck's explorer, for writing models: ModelSync (the seam's model policy: Mutex, Atomic,
// Shared, OnceFlag, check, assume, yield, thread), the Explorer that searches a model's
// interleavings, and the catalogue — a registry of models with expected verdicts and the runner's
// command line over it (run_catalogue).
#pragma once

#include "doublecheck/sync.hpp"
#include "model/catalogue/cli.hpp"
#include "model/catalogue/registry.hpp"
#include "model/engine/explorer.hpp"
#include "model/engine/model_sync.hpp"
