# The command-line tool's tests: its own behaviour (cli_test) and interoperability with PyJWT
# (interop_pyjwt). Included at the end of tests/CMakeLists.txt.
# SPDX-License-Identifier: MIT
#
# Both run Debian's /usr/bin/python3 (LIGHTJWT_PYTHON): a python3 found first on PATH (pyenv, a
# virtualenv) usually lacks python3-jwt and python3-cryptography.
if(NOT TARGET lightjwt_cli)
  message(STATUS "lightjwt: the tool is not built (LIGHTJWT_BUILD_TOOLS=OFF): no CLI tests")
  return()
endif()

if(NOT LIGHTJWT_PYTHON)
  set(LIGHTJWT_PYTHON "/usr/bin/python3")
endif()
# tests/CMakeLists.txt resolves LIGHTJWT_TESTDATA_DIR to an absolute path in lightjwt_testdata.
if(lightjwt_testdata)
  set(lightjwt_cli_testdata "${lightjwt_testdata}")
else()
  set(lightjwt_cli_testdata "${LIGHTJWT_TESTDATA_DIR}")
endif()

add_test(NAME cli_test
         COMMAND "${LIGHTJWT_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/interop/cli_test.py"
                 "$<TARGET_FILE:lightjwt_cli>" "${lightjwt_cli_testdata}")
set_tests_properties(cli_test PROPERTIES
                     LABELS interop
                     ENVIRONMENT "LIGHTJWT_TESTDATA_DIR=${lightjwt_cli_testdata}"
                     TIMEOUT 300)

# Fails when PyJWT is not importable: tools/setup.sh --tests installs python3-jwt.
add_test(NAME interop_pyjwt
         COMMAND "${LIGHTJWT_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/interop/pyjwt_interop_test.py"
                 "$<TARGET_FILE:lightjwt_cli>")
set_tests_properties(interop_pyjwt PROPERTIES
                     LABELS interop
                     TIMEOUT 300)
