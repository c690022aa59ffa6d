# Builds dc_engine_alone (tests/layering/CMakeLists.txt) and runs it; fails with the build's or the
# program's output. -DBUILD_DIR=<the build tree> -DPROGRAM=<the program's path>.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target dc_engine_alone
                RESULT_VARIABLE built OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "FAIL: the engine does not build with only seam/ and model/ on its include "
                      "path (does it include impl/ or use nlohmann?):\n${out}")
endif()
execute_process(COMMAND ${PROGRAM} RESULT_VARIABLE ran OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(NOT ran EQUAL 0)
  message(FATAL_ERROR "FAIL: the engine alone ran, but its verdicts are wrong (status ${ran})")
endif()
