// dc_model: runs the emitter's models (model/emitter/) through the explorer and prints one verdict
// line per model, with the counterexample of every failure. Exit 0 when every model reached its
// expected verdict (model/catalogue/cli.hpp has every option).
#include "model/catalogue/cli.hpp"
#include "model/emitter/catalog.hpp"

int main(int argc, char** argv) {
  return doublecheck::model::run_catalogue(
      doublecheck::model::emitter_models(),
      {"dc_model", "exhaustive interleaving exploration of the telemetry emitter's models",
       DC_SOURCE_DIR},
      argc, argv);
}
