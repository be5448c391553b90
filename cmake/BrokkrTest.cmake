# brokkr_add_test(NAME name SOURCES a.cpp ... LIBS lib ... [LABELS l ...] [TIMEOUT s])
#
# One Boost.Test executable per call, linked against the shared Boost.Test library
# (BOOST_TEST_DYN_LINK is mandatory with the .so, see toolchain.md section 5).
# Every test gets a timeout: a CAF actor_system that never quits would otherwise hang ctest.
function(brokkr_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_compile_definitions(${T_NAME} PRIVATE BOOST_TEST_DYN_LINK)
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} Boost::unit_test_framework)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} --color_output=no --log_level=test_suite --report_level=short)
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}"
    ENVIRONMENT "BROKKR_BUILD_DIR=${PROJECT_BINARY_DIR};BROKKR_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
