// One model of the consuming project's own: exits 0 when the explorer finds the lost update.
#include <doublecheck/model.hpp>

int main() {
  using doublecheck::model::ModelSync;
  const auto result = doublecheck::model::Explorer().run("own/lost_update", [] {
    ModelSync::Atomic<int> x(0, "x");
    doublecheck::model::thread other([&] { x.store(x.load() + 1); });
    x.store(x.load() + 1);
    other.join();
    doublecheck::model::check(x.load() == 2, "an update was lost");
  });
  return result.passed() ? 1 : 0;
}
