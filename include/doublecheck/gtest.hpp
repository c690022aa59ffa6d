// doublecheck's GoogleTest integration: models as ordinary TESTs (proves, refutes, reaches, init;
// model/gtest/model_test.hpp says how). Link doublecheck::gtest.
#pragma once

#include "doublecheck/model.hpp"
#include "model/gtest/model_test.hpp"
