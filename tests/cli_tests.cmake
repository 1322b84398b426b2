# The command-line tool's tests: its own behaviour (cli_test) and interoperability with PyJWT
# (interop_pyjwt, and for JWKs interop_pyjwt_jwks) and node's jose (interop_node_jose,
# interop_node_jose_jwks). Included at the end of tests/CMakeLists.txt.
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

# JWKs with PyJWT: PyJWKSet over the tool's exported JWK Sets, the tool's verify --jwks over
# PyJWT's JWKs and, when the examples are built (examples/ comes before tests/), PyJWKClient
# fetching the JWK Set of examples/jwks/jwks_server over HTTP.
set(lightjwt_pyjwt_jwks_args "$<TARGET_FILE:lightjwt_cli>")
if(TARGET jwks_server)
  list(APPEND lightjwt_pyjwt_jwks_args "$<TARGET_FILE:jwks_server>")
else()
  message(STATUS "lightjwt: examples not built: interop_pyjwt_jwks runs without PyJWKClient")
endif()
add_test(NAME interop_pyjwt_jwks
         COMMAND "${LIGHTJWT_PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/interop/pyjwt_jwks_interop_test.py"
                 ${lightjwt_pyjwt_jwks_args})
set_tests_properties(interop_pyjwt_jwks PROPERTIES
                     LABELS interop
                     TIMEOUT 300)

# --------------------------------------------------------------------- interop with node jose
# tests/interop/node/jose_interop.mjs against panva/jose, the version pinned in
# tests/interop/node/package-lock.json. Node and npm are required, never skipped: tools/setup.sh
# --tests installs Debian's nodejs and npm. interop_node_install copies package.json,
# package-lock.json and the script into <build>/interop-node and runs `npm ci` there (it needs the
# npm registry or a warm npm cache); the script runs from there because ESM imports ignore
# NODE_PATH and resolve jose from node_modules beside the script.
find_program(LIGHTJWT_NODE NAMES node nodejs DOC "Node.js (18 or newer) for the jose interop test")
find_program(LIGHTJWT_NPM NAMES npm DOC "npm, to install jose for the jose interop test")
if(NOT LIGHTJWT_NODE OR NOT LIGHTJWT_NPM OR NOT EXISTS "${LIGHTJWT_NODE}"
   OR NOT EXISTS "${LIGHTJWT_NPM}")
  message(FATAL_ERROR
    "lightjwt's tests need node and npm for the interop test with jose (interop_node_jose), but "
    "node is '${LIGHTJWT_NODE}' and npm is '${LIGHTJWT_NPM}'. Install them with "
    "`bash tools/setup.sh --tests` (Debian's nodejs and npm), pass -DLIGHTJWT_NODE=<path> "
    "-DLIGHTJWT_NPM=<path>, or configure with -DLIGHTJWT_BUILD_TESTS=OFF.")
endif()
execute_process(COMMAND "${LIGHTJWT_NODE}" --version OUTPUT_VARIABLE lightjwt_node_version
                RESULT_VARIABLE lightjwt_node_rc OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX REPLACE "^v" "" lightjwt_node_version "${lightjwt_node_version}")
if(NOT lightjwt_node_rc EQUAL 0 OR lightjwt_node_version VERSION_LESS 18)
  message(FATAL_ERROR
    "lightjwt's interop test with jose needs Node.js 18 or newer, but '${LIGHTJWT_NODE} --version' "
    "gave '${lightjwt_node_version}' (exit ${lightjwt_node_rc}). Set -DLIGHTJWT_NODE=<path>, or "
    "configure with -DLIGHTJWT_BUILD_TESTS=OFF.")
endif()

set(lightjwt_node_dir "${CMAKE_BINARY_DIR}/interop-node")
file(MAKE_DIRECTORY "${lightjwt_node_dir}")
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/interop_node_install.cmake" [=[
file(MAKE_DIRECTORY "${DEST}")
foreach(name IN ITEMS package.json package-lock.json jose_interop.mjs jose_jwks_interop.mjs)
  configure_file("${SOURCE}/${name}" "${DEST}/${name}" COPYONLY)
endforeach()
execute_process(COMMAND "${NPM}" ci --no-audit --no-fund --ignore-scripts
                WORKING_DIRECTORY "${DEST}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci in ${DEST} failed (${rc}): it needs the npm registry or a warm cache")
endif()
]=])
add_test(NAME interop_node_install
         COMMAND ${CMAKE_COMMAND} "-DNPM=${LIGHTJWT_NPM}"
                 "-DSOURCE=${CMAKE_CURRENT_LIST_DIR}/interop/node" "-DDEST=${lightjwt_node_dir}"
                 -P "${CMAKE_CURRENT_BINARY_DIR}/interop_node_install.cmake")
set_tests_properties(interop_node_install PROPERTIES
                     FIXTURES_SETUP node_jose
                     LABELS interop
                     TIMEOUT 300)

add_test(NAME interop_node_jose
         COMMAND "${LIGHTJWT_NODE}" "${lightjwt_node_dir}/jose_interop.mjs"
                 "$<TARGET_FILE:lightjwt_cli>"
         WORKING_DIRECTORY "${lightjwt_node_dir}")
set_tests_properties(interop_node_jose PROPERTIES
                     FIXTURES_REQUIRED node_jose
                     LABELS interop
                     TIMEOUT 300)

# JWKs with jose: createLocalJWKSet over the tool's exported JWK Sets, the tool's verify --jwks
# over jose's exportJWK output, and RFC 7638 thumbprints (tests/interop/node/jose_jwks_interop.mjs).
add_test(NAME interop_node_jose_jwks
         COMMAND "${LIGHTJWT_NODE}" "${lightjwt_node_dir}/jose_jwks_interop.mjs"
                 "$<TARGET_FILE:lightjwt_cli>"
         WORKING_DIRECTORY "${lightjwt_node_dir}")
set_tests_properties(interop_node_jose_jwks PROPERTIES
                     FIXTURES_REQUIRED node_jose
                     LABELS interop
                     TIMEOUT 300)
