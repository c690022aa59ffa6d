// dc_examples: runs the example models (model/examples/) through the explorer. A runner of your
// own is these lines with your registry: it prints one verdict line per model (with the
// counterexample of every failure that was not expected) and exits 0 only when every model reached
// its expected verdict. --json writes the schema of dc_model (doublecheck-model-run/1), so
// scripts/verify can put these models into its matrix and reports (README.md, "Auditing your own
// fix"); --mutate, --replay and every other option are model/catalogue/cli.hpp's.
#include "model/catalogue/cli.hpp"
#include "model/examples/examples.hpp"

int main(int argc, char** argv) {
  return doublecheck::model::run_catalogue(
      doublecheck::examples::example_models(),
      {"dc_examples", "the example models of model/examples/", DC_SOURCE_DIR}, argc, argv);
}
