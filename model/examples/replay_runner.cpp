// dc_examples_replay: the config cache's models (a class of your own, README.md "Auditing your own
// fix") on real threads, following schedules that `dc_examples --schedules-out` wrote. Built with
// ThreadSanitizer it shows the explorer's counterexample and TSan's report are the same race. A
// replay runner of your own is these lines with your registry of ScheduledSync models
// (model/catalogue/replay_cli.hpp).
#include "model/catalogue/replay_cli.hpp"
#include "model/examples/examples.hpp"

int main(int argc, char** argv) {
  return doublecheck::model::run_replays(
      doublecheck::examples::example_replays(),
      {"dc_examples_replay", "the config cache's models on real threads, following schedules"},
      argc, argv);
}
