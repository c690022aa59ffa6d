// The negative control of the asan preset's UndefinedBehaviorSanitizer (tests/asan/CMakeLists.txt):
// the signed overflow of issue 14 made the way the old emitter made it,
// StdSync::Shared<int64_t>::add (seam/std_sync.hpp, a plain `value_ += delta`) past INT64_MAX. In a
// build whose UBSan would let that pass (no -fsanitize=signed-integer-overflow, or
// -fsanitize-recover), this program exits 0 and its test fails: the asan preset could then not fail
// CI on UB like the overflow it was added for.
#include <cstdint>
#include <cstdio>
#include <limits>

#include "seam/std_sync.hpp"

int main() {
  doublecheck::StdSync::Shared<std::int64_t> total{std::numeric_limits<std::int64_t>::max()};
  const volatile std::int64_t duration_ms = 1;  // read at run time: no overflow folded away
  total.add(std::int64_t{duration_ms});
  std::printf("the overflow did not stop the program: the total reads %lld\n",
              static_cast<long long>(total.load()));
  return 0;
}
