// The explorer's tests run models the way a runner does, so like a runner they say where their
// sources are: expectations and mutation sites name files relative to this root.
#include <gtest/gtest.h>

#include "model/engine/source_path.hpp"

int main(int argc, char** argv) {
  doublecheck::model::set_source_root(DC_SOURCE_DIR);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
