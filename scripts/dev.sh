#!/usr/bin/env bash
# The single entry point for building and testing mlirscope.
#
#   scripts/dev.sh example   install missing packages, build, run the CLI on an example
#   scripts/dev.sh test      install missing packages, build, run every test (lit + gtest)
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

PACKAGES=(
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  cmake ninja-build ccache g++ python3
  nlohmann-json3-dev libgtest-dev python3-numpy
)

phase() { echo "==> $*"; }

usage() {
  echo "usage: scripts/dev.sh {example|test}" >&2
  exit 2
}

install_deps() {
  phase "checking packages"
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do
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

configure() {
  phase "configuring in $BUILD_DIR"
  cmake -G Ninja -S "$ROOT" -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O2 -g0" \
    -DLLVM_ENABLE_ASSERTIONS=ON
}

build() {
  phase "building"
  local start=$SECONDS
  ninja -C "$BUILD_DIR"
  echo "build took $((SECONDS - start))s"
}

run_tests() {
  phase "running tests (lit + gtest)"
  local log="$BUILD_DIR/check-mlirscope.log" rc=0
  ninja -C "$BUILD_DIR" check-mlirscope 2>&1 | tee "$log" || rc=$?

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
  echo "check-mlirscope: $passed passed, $failed failed, $skipped skipped"

  if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    echo "error: tests failed" >&2
    exit 1
  fi
}

run_example() {
  local example="$ROOT/examples/tiny.mlirbc"
  phase "running the example"
  if [ -f "$example" ]; then
    (cd "$ROOT" && "$BUILD_DIR/bin/mlirscope" inspect --summary examples/tiny.mlirbc)
  else
    echo "note: examples/tiny.mlirbc does not exist yet; nothing to run"
  fi
}

[ "$#" -eq 1 ] || usage
case "$1" in
  example)
    install_deps
    configure
    build
    run_example
    ;;
  test)
    install_deps
    configure
    build
    run_tests
    ;;
  *)
    usage
    ;;
esac
