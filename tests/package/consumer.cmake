# cmake -P consumer.cmake with DC_CASE=installed|subproject (see CMakeLists.txt). Each step runs in
# a child; the first that fails ends the test with its command and its whole output.
get_filename_component(cmake_bin ${CMAKE_COMMAND} DIRECTORY)
set(ctest_command ${cmake_bin}/ctest)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    string(JOIN " " command ${ARGN})
    message(FATAL_ERROR "${what} failed (${status}): ${command}\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
  set(output "${out}" PARENT_SCOPE)
endfunction()

function(expect_in text part why)
  string(FIND "${text}" "${part}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${why}: '${part}' not in\n${text}")
  endif()
endfunction()

set(work ${DC_WORK}/${DC_CASE})
file(REMOVE_RECURSE ${work})
set(configure ${CMAKE_COMMAND} -G "${DC_GENERATOR}" -DCMAKE_CXX_COMPILER=${DC_CXX})

if(DC_CASE STREQUAL "installed")
  run("cmake --install" ${CMAKE_COMMAND} --install ${DC_BUILD_DIR} --prefix ${work}/prefix)
  # Only doublecheck's own headers, under include/doublecheck: never the emitter or the tests.
  file(GLOB_RECURSE headers RELATIVE ${work}/prefix/include ${work}/prefix/include/*)
  foreach(header IN LISTS headers)
    if(NOT header MATCHES "^doublecheck/(sync\\.hpp|model\\.hpp|gtest\\.hpp|seam/|replay/|model/(engine|search|mutation|catalogue|gtest)/)")
      message(FATAL_ERROR "installed a header that is not the package's: include/${header}")
    endif()
  endforeach()
  # Relocatable: the consumer finds the package where it was moved to.
  file(RENAME ${work}/prefix ${work}/moved)
  run("configure the consumer" ${configure} -S ${DC_SOURCE_DIR}/model/examples/consumer
      -B ${work}/build -DCMAKE_PREFIX_PATH=${work}/moved)
  run("build the consumer" ${CMAKE_COMMAND} --build ${work}/build)
  run("the consumer's ctest" ${ctest_command} --test-dir ${work}/build --output-on-failure)
  expect_in("${output}" "100% tests passed, 0 tests failed out of 4" "the consumer's models and its runner")
elseif(DC_CASE STREQUAL "subproject")
  run("configure a project with doublecheck as a subproject" ${configure}
      -S ${DC_SOURCE_DIR}/tests/package/subproject -B ${work}/build
      -DDC_SOURCE_DIR=${DC_SOURCE_DIR})
  run("list its tests" ${ctest_command} --test-dir ${work}/build -N)
  expect_in("${output}" "Total Tests: 0" "doublecheck added tests to its consumer's ctest")
  run("build its own model" ${CMAKE_COMMAND} --build ${work}/build --target own_model)
  run("run its own model (finds the lost update)" ${work}/build/own_model)
else()
  message(FATAL_ERROR "DC_CASE must be installed or subproject, not '${DC_CASE}'")
endif()
