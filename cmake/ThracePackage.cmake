# Installing thrace and packaging it: the CMake package (find_package(thrace)
# from the install tree and from the build tree), thrace.pc, the docs, the
# man pages (docs/man/, scdoc), bash completion, and Debian packages (CPack):
#
#   libthrace0     runtime     libthrace.so.0
#   libthrace-dev  development thrace.h, libthrace.a, libthrace.so, thrace.pc, the CMake package
#   thrace         tools       the thrace command, what it preloads, man pages, docs, completion
include(CMakePackageConfigHelpers)
set(package_in ${CMAKE_CURRENT_LIST_DIR}/package)
set(package_out ${PROJECT_BINARY_DIR}/package)
set(THRACE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/thrace)

# ---- the CMake package --------------------------------------------------------------
# The install tree's config finds the thrace command in its BINDIR ...
set(THRACE_CONFIG_BINDIR ${CMAKE_INSTALL_BINDIR})
configure_package_config_file(${package_in}/thraceConfig.cmake.in
  ${package_out}/thraceConfig.cmake INSTALL_DESTINATION ${THRACE_INSTALL_CMAKEDIR}
  PATH_VARS THRACE_CONFIG_BINDIR)
# ... the build tree's (thrace_DIR=BUILD) in the build tree's bin/.
set(THRACE_CONFIG_BINDIR ${PROJECT_BINARY_DIR}/bin)
configure_package_config_file(${package_in}/thraceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/thraceConfig.cmake INSTALL_DESTINATION ${PROJECT_BINARY_DIR}
  INSTALL_PREFIX ${PROJECT_BINARY_DIR} PATH_VARS THRACE_CONFIG_BINDIR)
# 0.x: a new minor version may break what the last one offered.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/thraceConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
export(EXPORT thraceTargets NAMESPACE thrace:: FILE ${PROJECT_BINARY_DIR}/thraceTargets.cmake)
foreach(script ThraceTraceTest.cmake ThraceRunTraceTest.cmake)
  configure_file(${package_in}/${script} ${PROJECT_BINARY_DIR}/${script} COPYONLY)
endforeach()
install(EXPORT thraceTargets NAMESPACE thrace:: DESTINATION ${THRACE_INSTALL_CMAKEDIR}
  COMPONENT development)
install(FILES ${package_out}/thraceConfig.cmake ${PROJECT_BINARY_DIR}/thraceConfigVersion.cmake
  ${package_in}/ThraceTraceTest.cmake ${package_in}/ThraceRunTraceTest.cmake
  DESTINATION ${THRACE_INSTALL_CMAKEDIR} COMPONENT development)

# ---- pkg-config ---------------------------------------------------------------------
# Relative to the file itself: the same file serves any prefix.
file(RELATIVE_PATH THRACE_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
configure_file(${package_in}/thrace.pc.in ${package_out}/thrace.pc @ONLY)
install(FILES ${package_out}/thrace.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig
  COMPONENT development)

# The rest goes with the tools: a library built alone (add_subdirectory)
# leaves packaging to its parent.
if(NOT THRACE_TOOLS)
  return()
endif()

# ---- the docs, the man pages, bash completion ------------------------------------------
set(THRACE_DOCS README.md:README.md tracer/check/README.md:check.md
  tracer/deadlocks/README.md:deadlocks.md tracer/record/README.md:record.md
  tracer/ingest/README.md:ingest.md tracer/live/README.md:daemon.md viewer/API.md:viewer-api.md
  tracer/store/schema.sql:schema.sql docs/store-model.md:store-model.md)
foreach(doc ${THRACE_DOCS})
  string(REPLACE ":" ";" doc ${doc})
  list(GET doc 0 from)
  list(GET doc 1 to)
  install(FILES ${PROJECT_SOURCE_DIR}/${from} DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME ${to}
    COMPONENT tools)
endforeach()

find_program(SCDOC scdoc)
if(NOT SCDOC)
  message(FATAL_ERROR "scdoc makes the man pages: apt-get install scdoc (scripts/deps.sh does)")
endif()
file(GLOB pages RELATIVE ${PROJECT_SOURCE_DIR}/docs/man ${PROJECT_SOURCE_DIR}/docs/man/*.scd)
set(built_pages)
foreach(page ${pages})
  string(REGEX REPLACE "\\.scd$" "" name ${page})
  string(REGEX REPLACE ".*\\." "" section ${name})
  set(out ${PROJECT_BINARY_DIR}/man/${name})
  add_custom_command(OUTPUT ${out} COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${SCDOC} < ${PROJECT_SOURCE_DIR}/docs/man/${page} > ${out}
    DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/${page} COMMENT "Man page ${name}")
  list(APPEND built_pages ${out})
  set(component tools)
  if(section STREQUAL "3") # the library's, with its header
    set(component development)
  endif()
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section} COMPONENT ${component})
endforeach()
add_custom_target(man_pages ALL DEPENDS ${built_pages})
install(FILES ${package_in}/thrace.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
  RENAME thrace COMPONENT tools)

# ---- Debian packages: cpack -G DEB in the build tree ------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME thrace)
set(CPACK_PACKAGE_VENDOR "thrace")
set(CPACK_PACKAGE_CONTACT "thrace developers <thrace@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Python's threading in C, every lock, wait and wake-up traced")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime development tools)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Our own libthrace.so.0, which the interposer links, is found in the build tree.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/lib)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libthrace0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libthrace-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libthrace0 (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME thrace)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION devel)
# lttng-sessiond, lttng-relayd and LTTng's fork helper, which thrace record runs and preloads.
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS "libthrace0 (= ${PROJECT_VERSION}), lttng-tools, liblttng-ust1")
include(CPack)
