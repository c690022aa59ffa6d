# cmake --install <build> [--prefix P]: a relocatable CMake package.
#   <P>/include/doublecheck/seam/, model/{engine,search,mutation,catalogue}/  the public headers
#   <P>/include/doublecheck/{sync,model}.hpp                                  the umbrella headers
#   <P>/lib/libdc_*.a                                                         the explorer
#   <P>/lib/cmake/doublecheck/                           doublecheckConfig.cmake, version, targets
# find_package(doublecheck CONFIG REQUIRED) then gives doublecheck::sync (header-only) and, when
# the explorer was built, doublecheck::model and doublecheck::gtest (models as GoogleTest tests:
# it needs the consumer's GoogleTest, found with find_package(GTest)).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(dc_package_dir ${CMAKE_INSTALL_LIBDIR}/cmake/doublecheck)
set(dc_headers include/doublecheck)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/seam/ DESTINATION ${dc_headers}/seam
        FILES_MATCHING PATTERN "*.hpp")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/doublecheck/ DESTINATION ${dc_headers}
        FILES_MATCHING PATTERN "*.hpp")
set(dc_exported dc_seam)
if(DC_BUILD_MODEL)
  foreach(layer engine search mutation catalogue gtest)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/model/${layer}/ DESTINATION ${dc_headers}/model/${layer}
            FILES_MATCHING PATTERN "*.hpp")
  endforeach()
  # dc_warnings goes with them only as a name: a static library's private link dependency must be
  # in the export, and it carries nothing to a consumer (compile options are not link-only).
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/replay/ DESTINATION ${dc_headers}/replay
          FILES_MATCHING PATTERN "*.hpp")
  list(APPEND dc_exported dc_replay dc_engine dc_mutation dc_catalogue dc_model_library dc_gtest dc_warnings)
endif()
install(TARGETS ${dc_exported} EXPORT doublecheckTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT doublecheckTargets NAMESPACE doublecheck:: DESTINATION ${dc_package_dir})

set(DC_PACKAGE_HAS_MODEL ${DC_BUILD_MODEL})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/doublecheckConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/doublecheckConfig.cmake
                              INSTALL_DESTINATION ${dc_package_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/doublecheckConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/doublecheckConfig.cmake
              ${PROJECT_BINARY_DIR}/doublecheckConfigVersion.cmake
        DESTINATION ${dc_package_dir})
