#!/usr/bin/env bash
# The single entry point for building and testing mlirscope.
#
#   scripts/dev.sh example   install missing packages, build, run the CLI on an example
#   scripts/dev.sh test      install missing packages, build, run every test (lit +
#                            gtest in a release and an ASan+UBSan build, then a
#                            minute of each fuzz target)
#
# Works as root on a fresh Debian 12 (bookworm). The build directory defaults to
# ./build and can be moved with MLIRSCOPE_BUILD_DIR.
#
# About the apt source: LLVM/MLIR 22 (llvm-22-dev, libmlir-22-dev, mlir-22-tools,
# llvm-22-tools) are not in stock bookworm, but on the project's machines they are
# served by the default Debian sources already configured there (apt-cache policy
# shows them under bookworm-security/main). No extra apt source or key is added;
# if apt cannot find them, the script stops with a message instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${MLIRSCOPE_BUILD_DIR:-$ROOT/build}"
# The same tests run a second time on an ASan + UBSan build.
ASAN_BUILD_DIR="${MLIRSCOPE_ASAN_BUILD_DIR:-$ROOT/build-asan}"

PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  cmake ninja-build ccache g++ python3
  nlohmann-json3-dev libgtest-dev python3-numpy
  # Models over HTTP and S3 (core/lib/Remote).
  libcurl4-openssl-dev
  # The viewer (viewer/, built by default): GLFW, Dear ImGui 1.86 (with its
  # font rasterizer from libstb), a TTF font; its tests run it on Xvfb with
  # Mesa's software OpenGL.
  libglfw3-dev libimgui-dev libstb-dev fonts-dejavu-core
  xvfb xauth libgl1-mesa-dri
  # The Python module (python/): pybind11 and Python's headers.
  pybind11-dev python3-dev
)
# The fuzz targets (test/fuzz, scripts/fuzz.sh): clang with libFuzzer.
# The Python module's tests (test/python: pytest, torch tensors, a Dask
# cluster) and its wheel (setuptools, wheel).
TEST_PACKAGES=(clang-22 libclang-rt-22-dev python3-jsonschema
  python3-pytest python3-torch python3-distributed python3-setuptools
  python3-wheel
  # test/remote: a real HTTP server, and boto3 to fill the S3 test's bucket
  # (botocore also checks its SigV4 signatures).
  nginx-light python3-boto3)

phase() { echo "==> $*"; }

usage() {
  echo "usage: scripts/dev.sh {example|test}" >&2
  exit 2
}

install_deps() {
  phase "checking packages"
  local missing=() pkg
  for pkg in "${PACKAGES[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return
  fi

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  phase "installing ${missing[*]}"
  "${sudo[@]}" apt-get update
  for pkg in "${missing[@]}"; do
    if [ -z "$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}' | grep -v '(none)')" ]; then
      echo "error: no apt source provides $pkg (see the note at the top of $0)" >&2
      exit 1
    fi
  done
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# npm packages of the LSP end-to-end test (test/lsp/e2e.test) and of the S3
# server of test/remote/s3.test, each pinned by its package-lock.json;
# node_modules/ is not committed. The project's machines come with Node 20 and
# npm; elsewhere Debian's nodejs/npm serve.
install_e2e_deps() {
  local dir
  for dir in "$ROOT/test/lsp/e2e" "$ROOT/test/remote"; do
    if [ -f "$dir/node_modules/.package-lock.json" ] &&
       [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
      continue
    fi
    if ! command -v npm >/dev/null 2>&1; then
      phase "installing nodejs and npm"
      local sudo=()
      [ "$(id -u)" -ne 0 ] && sudo=(sudo)
      "${sudo[@]}" apt-get update
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends nodejs npm
    fi
    phase "installing npm packages in ${dir#$ROOT/}"
    npm ci --prefix "$dir" --no-audit --no-fund
  done
}

# What the editor tests (test/editors) need: chromium, neovim, Node 24 and
# code-server, playwright-core, the VS Code extension's npm packages
# (test/editors/setup.sh; cached, so a second run does nothing). The first run
# takes a few minutes: code-server builds VS Code's native modules.
install_editor_deps() {
  phase "checking the editor tests' packages (test/editors/setup.sh)"
  "$ROOT/test/editors/setup.sh"
}

configure() {
  local dir="$1"; shift
  phase "configuring in $dir"
  cmake -G Ninja -S "$ROOT" -B "$dir" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O2 -g0" \
    -DLLVM_ENABLE_ASSERTIONS=ON "$@"
}

build() {
  local dir="$1"
  phase "building in $dir"
  local start=$SECONDS
  ninja -C "$dir"
  echo "build took $((SECONDS - start))s"
}

TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0 ANY_RC=0

run_tests() {
  local dir="$1" label="$2"
  phase "running tests (lit + gtest) on the $label build"
  local log="$dir/check-mlirscope.log" rc=0
  ninja -C "$dir" check-mlirscope 2>&1 | tee "$log" || rc=$?

  # One plain summary line from lit's closing counts ("  Passed  : 2 (100.00%)").
  count() {
    local n
    n=$(sed -nE "s/^  $1 *: *([0-9]+) \(.*/\1/p" "$log" | tail -n 1)
    echo "${n:-0}"
  }
  local passed failed skipped
  passed=$(( $(count Passed) + $(count "Passed With Retry") + $(count "Expectedly Failed") ))
  failed=$(( $(count Failed) + $(count Unresolved) + $(count "Timed Out") + $(count "Unexpectedly Passed") ))
  skipped=$(( $(count Unsupported) + $(count Skipped) + $(count Excluded) ))
  echo "$label build: $passed passed, $failed failed, $skipped skipped"
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
  if [ "$rc" -ne 0 ] || [ "$passed" -eq 0 ]; then
    ANY_RC=1
  fi
}

# Every fuzz target for a minute (FUZZ_SECONDS), two at a time; each counts
# as one test. Crashes fail the run (scripts/fuzz.sh prints them).
run_fuzzers() {
  phase "fuzzing (scripts/fuzz.sh)"
  local dir="${MLIRSCOPE_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}" rc=0
  local log="$dir/fuzz-run.log"
  mkdir -p "$dir"
  MLIRSCOPE_FUZZ_BUILD_DIR="$dir" \
    "$ROOT/scripts/fuzz.sh" --seconds "${FUZZ_SECONDS:-60}" 2>&1 | tee "$log" ||
    rc=$?
  local passed failed
  passed=$(grep -cE '^fuzz [a-z]+: ok: ' "$log" || true)
  failed=$(grep -cE '^fuzz [a-z]+: FAILED: ' "$log" || true)
  # A run that never got to report (a build error) fails as a whole.
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
  fi
  echo "fuzzing: $passed passed, $failed failed"
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  if [ "$rc" -ne 0 ] || [ "$passed" -eq 0 ]; then
    ANY_RC=1
  fi
}

finish_tests() {
  # The closing line CI reads.
  echo "tests: $TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
  if [ "$ANY_RC" -ne 0 ] || [ "$TOTAL_FAILED" -ne 0 ]; then
    echo "error: tests failed" >&2
    exit 1
  fi
}

run_example() {
  phase "mlirscope inspect --summary examples/tiny.mlirbc"
  (cd "$ROOT" && "$BUILD_DIR/bin/mlirscope" inspect --summary examples/tiny.mlirbc)
}

[ "$#" -eq 1 ] || usage
case "$1" in
  example)
    install_deps
    configure "$BUILD_DIR"
    build "$BUILD_DIR"
    run_example
    ;;
  test)
    install_deps "${TEST_PACKAGES[@]}"
    install_e2e_deps
    install_editor_deps
    configure "$BUILD_DIR"
    build "$BUILD_DIR"
    run_tests "$BUILD_DIR" release
    configure "$ASAN_BUILD_DIR" -DMLIRSCOPE_ENABLE_SANITIZERS=ON \
      -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g"
    build "$ASAN_BUILD_DIR"
    run_tests "$ASAN_BUILD_DIR" "ASan+UBSan"
    run_fuzzers
    finish_tests
    ;;
  *)
    usage
    ;;
esac
