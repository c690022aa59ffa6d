// dc_replay: runs schedules of the emitter's models (written by `dc_model --schedules-out`) on
// real threads, each visible operation in the explorer's order. Built with ThreadSanitizer (tsan
// preset), it shows the model's counterexample and TSan's report are the same race
// (model/catalogue/replay_cli.hpp has every option and the exit statuses).
#include "model/catalogue/replay_cli.hpp"
#include "model/emitter/catalog.hpp"

int main(int argc, char** argv) {
  return doublecheck::model::run_replays(
      doublecheck::model::emitter_replays(),
      {"dc_replay", "the emitter's models on real threads, following the explorer's schedules"},
      argc, argv);
}
