# Imported targets for the Debian 12 packages of DESIGN.md section 1.
# CAF 0.17.6 and libpqxx 6 ship no CMake config, so their targets are written here.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)

find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIB caf_core REQUIRED)
find_library(CAF_IO_LIB caf_io REQUIRED)
find_library(CAF_OPENSSL_LIB caf_openssl REQUIRED)
if(NOT TARGET CAF::core)
  add_library(CAF::core UNKNOWN IMPORTED)
  set_target_properties(CAF::core PROPERTIES IMPORTED_LOCATION ${CAF_CORE_LIB}
    INTERFACE_INCLUDE_DIRECTORIES ${CAF_INCLUDE_DIR} INTERFACE_LINK_LIBRARIES Threads::Threads)
  add_library(CAF::io UNKNOWN IMPORTED)
  set_target_properties(CAF::io PROPERTIES IMPORTED_LOCATION ${CAF_IO_LIB}
    INTERFACE_LINK_LIBRARIES CAF::core)
  add_library(CAF::openssl UNKNOWN IMPORTED)
  set_target_properties(CAF::openssl PROPERTIES IMPORTED_LOCATION ${CAF_OPENSSL_LIB}
    INTERFACE_LINK_LIBRARIES "CAF::io;OpenSSL::SSL;OpenSSL::Crypto")
endif()

pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)

# brokkr_embed_files(TARGET FUNCTION ns::fn HEADER path/x.hpp [BASE dir] FILES ...): adds a generated
# source to TARGET that returns the files' contents (see cmake/EmbedFiles.cmake).
function(brokkr_embed_files target)
  cmake_parse_arguments(E "" "FUNCTION;HEADER;BASE" "FILES" ${ARGN})
  string(REPLACE "::" "_" fn_id "${E_FUNCTION}")  # a target may embed several sets
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_${fn_id}_embedded.cpp)
  string(REPLACE ";" "|" files_arg "${E_FILES}")  # a list would be split by the shell
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${out} -DFUNCTION=${E_FUNCTION} -DHEADER=${E_HEADER}
            -DFILES=${files_arg} -DBASE=${E_BASE} -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    COMMENT "Embedding files for ${target}" VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
